"""The payment status machine — the only place that decides what may happen to a payment.

::

    create ──► AUTHORIZED ──capture──► CAPTURED ──refund (full)──► REFUNDED
      │            │                     └─refund (partial)─► CAPTURED (refundedAmount > 0)
      │            └──cancel──► CANCELLED
      └─declined─► FAILED

REFUNDED, CANCELLED and FAILED are final. The functions here change a payment
in memory and raise ``INVALID_STATE`` (with ``currentStatus``) for an illegal
transition; the service layer calls them on a row it holds ``FOR UPDATE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from servicekit.errors import BadUserInput, InvalidState

__all__ = [
    "TRANSITIONS",
    "Action",
    "PaymentSnapshot",
    "PaymentStatus",
    "Transitionable",
    "apply_cancel",
    "apply_capture",
    "apply_refund",
]


class PaymentStatus(StrEnum):
    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    REFUNDED = "REFUNDED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


class Action(StrEnum):
    capture = "capture"
    cancel = "cancel"
    refund = "refund"


# Which statuses each action may start from.
TRANSITIONS: dict[Action, frozenset[PaymentStatus]] = {
    Action.capture: frozenset({PaymentStatus.AUTHORIZED}),
    Action.cancel: frozenset({PaymentStatus.AUTHORIZED}),
    Action.refund: frozenset({PaymentStatus.CAPTURED}),
}


class Transitionable(Protocol):
    amount: int
    status: str
    captured_amount: int
    refunded_amount: int


def _require(payment: Transitionable, action: Action) -> None:
    status = PaymentStatus(payment.status)
    if status not in TRANSITIONS[action]:
        raise InvalidState(
            f"cannot {action.value} a payment that is {status.value}",
            currentStatus=status.value,
        )


def apply_capture(payment: Transitionable) -> None:
    """Capture the full authorized amount."""
    _require(payment, Action.capture)
    payment.status = PaymentStatus.CAPTURED.value
    payment.captured_amount = payment.amount


def apply_cancel(payment: Transitionable) -> None:
    """Release an authorization that was never captured."""
    _require(payment, Action.cancel)
    payment.status = PaymentStatus.CANCELLED.value


def apply_refund(payment: Transitionable, amount: int | None) -> int:
    """Refund ``amount`` (all that is left when None); return the amount refunded."""
    _require(payment, Action.refund)
    refundable = payment.captured_amount - payment.refunded_amount
    amount = refundable if amount is None else amount
    if amount > refundable:
        raise BadUserInput(
            f"the refund exceeds the refundable amount ({refundable})",
            argument="amount",
            refundableAmount=refundable,
        )
    payment.refunded_amount += amount
    if payment.refunded_amount == payment.captured_amount:
        payment.status = PaymentStatus.REFUNDED.value
    return amount


@dataclass(frozen=True, slots=True)
class PaymentSnapshot:
    """A payment as answered to a client; also what an idempotency record replays."""

    id: str
    amount: int
    currency: str
    status: PaymentStatus
    captured_amount: int
    refunded_amount: int
    payer_email: str
    description: str | None
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status.value,
            "capturedAmount": self.captured_amount,
            "refundedAmount": self.refunded_amount,
            "payerEmail": self.payer_email,
            "description": self.description,
            "failureReason": self.failure_reason,
            "createdAt": self.created_at.isoformat(),
            "updatedAt": self.updated_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Any) -> PaymentSnapshot:
        return cls(
            id=str(data["id"]),
            amount=int(data["amount"]),
            currency=str(data["currency"]),
            status=PaymentStatus(data["status"]),
            captured_amount=int(data["capturedAmount"]),
            refunded_amount=int(data["refundedAmount"]),
            payer_email=str(data["payerEmail"]),
            description=data["description"],
            failure_reason=data["failureReason"],
            created_at=datetime.fromisoformat(data["createdAt"]),
            updated_at=datetime.fromisoformat(data["updatedAt"]),
        )
