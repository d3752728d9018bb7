"""The payments service layer: access rules, idempotency and every state change.

Each mutation runs as ONE transaction through ``servicekit.idempotency``: the
idempotency record, the row lock (``SELECT … FOR UPDATE``), the status change of
:mod:`payments.domain` and its outbox row (the event trail, issue 9) commit or
roll back together. A replayed idempotency key changes nothing, so it records nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments import repository
from payments.config import Settings
from payments.domain import (
    PaymentSnapshot,
    PaymentStatus,
    apply_cancel,
    apply_capture,
    apply_refund,
)
from payments.models import Payment, idempotency_keys, outbox
from payments.validation import (
    NewPayment,
    decode_cursor,
    encode_cursor,
    normalize_email,
    parse_id,
    validate_new_payment,
    validate_refund_amount,
)
from servicekit.auth import Principal
from servicekit.errors import BadUserInput, Forbidden, NotFound
from servicekit.idempotency import run_idempotent, validate_key
from servicekit.outbox import record_event

__all__ = [
    "ADMIN_SCOPE",
    "WRITE_SCOPE",
    "Page",
    "PaymentService",
    "can_see",
    "event_payload",
    "owner_keys",
    "snapshot",
]

WRITE_SCOPE = "payments:write"
ADMIN_SCOPE = "payments:admin"


def snapshot(payment: Payment) -> PaymentSnapshot:
    return PaymentSnapshot(
        id=str(payment.id),
        amount=payment.amount,
        currency=payment.currency,
        status=PaymentStatus(payment.status),
        captured_amount=payment.captured_amount,
        refunded_amount=payment.refunded_amount,
        payer_email=payment.payer_email,
        description=payment.description,
        failure_reason=payment.failure_reason,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
    )


def owner_keys(principal: Principal) -> frozenset[str]:
    """The payer e-mails a caller owns: the token's ``email`` and an e-mail-like ``sub``."""
    return frozenset(key.lower() for key in principal.owner_keys if "@" in key)


def can_see(principal: Principal, payer_email: str) -> bool:
    return principal.has_scope(ADMIN_SCOPE) or payer_email in owner_keys(principal)


# The human-readable message of each status a change leads to (kind: payment.<status>).
_MESSAGES = {
    PaymentStatus.AUTHORIZED: "payment created",
    PaymentStatus.CAPTURED: "payment captured",
    PaymentStatus.REFUNDED: "payment refunded",
    PaymentStatus.CANCELLED: "payment cancelled",
    PaymentStatus.FAILED: "payment failed",
}


def event_payload(payment: PaymentSnapshot) -> dict[str, Any]:
    """What an event tells of the payment after the change (no secrets, amounts in minor units)."""
    return {
        "paymentId": payment.id,
        "status": payment.status.value,
        "amount": payment.amount,
        "currency": payment.currency,
        "capturedAmount": payment.captured_amount,
        "refundedAmount": payment.refunded_amount,
        "payerEmail": payment.payer_email,
        "failureReason": payment.failure_reason,
    }


@dataclass(frozen=True, slots=True)
class Page:
    items: list[PaymentSnapshot]
    cursors: list[str]
    has_next_page: bool


class PaymentService:
    """What one caller may do with payments (built per request)."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        principal: Principal,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.principal = principal

    # -- rules --------------------------------------------------------------------
    def ensure_visible(self, payment: PaymentSnapshot | Payment) -> None:
        if not can_see(self.principal, payment.payer_email):
            raise Forbidden("this payment belongs to another payer")

    def _decline_reason(self, new: NewPayment, payer_email: str) -> str | None:
        if new.amount > self.settings.decline_amount_above:
            return "AMOUNT_OVER_LIMIT"
        domain = self.settings.decline_email_domain.lower()
        if domain and payer_email.endswith(f"@{domain}"):
            return "DECLINED_TEST_PAYER"
        return None

    def _payer_for(self, new: NewPayment) -> str:
        owned = owner_keys(self.principal)
        if new.payer_email is None:
            if not owned:
                raise BadUserInput(
                    "'input.payerEmail' is required: the token carries no e-mail",
                    argument="input.payerEmail",
                )
            return sorted(owned)[0]
        if new.payer_email not in owned and not self.principal.has_scope(ADMIN_SCOPE):
            raise Forbidden("only payments:admin may create payments for another payer")
        return new.payer_email

    # -- queries ------------------------------------------------------------------
    async def get(self, *, payment_id: str) -> PaymentSnapshot | None:
        pid = parse_id(payment_id)
        async with self.sessions() as session:
            payment = await repository.get_payment(session, payment_id=pid)
            if payment is None:
                return None
            self.ensure_visible(payment)
            return snapshot(payment)

    async def page(
        self,
        *,
        status: PaymentStatus | None,
        payer_email: str | None,
        created_after: datetime | None,
        created_before: datetime | None,
        first: int | None,
        after: str | None,
    ) -> Page:
        limit = self.settings.page_size_default if first is None else first
        if not 1 <= limit <= self.settings.page_size_max:
            raise BadUserInput(
                f"'first' must be between 1 and {self.settings.page_size_max}", argument="first"
            )
        query = repository.PaymentQuery(
            owner_keys=None
            if self.principal.has_scope(ADMIN_SCOPE)
            else owner_keys(self.principal),
            status=status.value if status is not None else None,
            payer_email=(
                normalize_email(payer_email, argument="filter.payerEmail") if payer_email else None
            ),
            created_after=created_after,
            created_before=created_before,
        )
        cursor = decode_cursor(after) if after else None
        async with self.sessions() as session:
            rows = await repository.list_payments(
                session, query=query, limit=limit + 1, after=cursor
            )
        shown = rows[:limit]
        return Page(
            items=[snapshot(row) for row in shown],
            cursors=[encode_cursor(row.created_at, row.id) for row in shown],
            has_next_page=len(rows) > limit,
        )

    # -- mutations ----------------------------------------------------------------
    @property
    def _actor(self) -> str:
        return (self.principal.email or self.principal.subject)[:320]

    async def _record(
        self, session: AsyncSession, payment: PaymentSnapshot, *, kind: str, message: str
    ) -> None:
        await record_event(
            session, outbox, subject_type="Payment", subject_id=payment.id, kind=kind,
            message=message, payload=event_payload(payment), actor=self._actor,
        )  # fmt: skip

    def _writer(self, key: str) -> None:
        self.principal.require_scope(WRITE_SCOPE)
        validate_key(key)

    async def _idempotent(
        self,
        *,
        operation: str,
        key: str,
        request: dict[str, Any],
        action: Callable[[AsyncSession], Awaitable[PaymentSnapshot]],
    ) -> PaymentSnapshot:
        return await run_idempotent(
            self.sessions,
            table=idempotency_keys,
            scope=self.principal.subject,
            key=key,
            operation=operation,
            request=request,
            action=action,
            encode=PaymentSnapshot.to_json,
            decode=PaymentSnapshot.from_json,
            retention=timedelta(seconds=self.settings.idempotency_retention_seconds),
            wait_seconds=self.settings.idempotency_wait_seconds,
        )

    async def create(
        self,
        *,
        amount: int,
        currency: str,
        payer_email: str | None,
        description: str | None,
        key: str,
    ) -> PaymentSnapshot:
        self._writer(key)
        new = validate_new_payment(
            amount=amount, currency=currency, payer_email=payer_email, description=description
        )
        payer = self._payer_for(new)
        reason = self._decline_reason(new, payer)

        async def action(session: AsyncSession) -> PaymentSnapshot:
            now = datetime.now(UTC)
            payment = Payment(
                id=uuid.uuid4(),
                amount=new.amount,
                currency=new.currency,
                status=(PaymentStatus.FAILED if reason else PaymentStatus.AUTHORIZED).value,
                captured_amount=0,
                refunded_amount=0,
                payer_email=payer,
                description=new.description,
                failure_reason=reason,
                created_by=self.principal.subject[:255],
                created_at=now,
                updated_at=now,
            )
            await repository.add_payment(session, payment=payment)
            created = snapshot(payment)
            if reason:  # declined: the payment is created FAILED, one change, one event
                await self._record(
                    session, created, kind="payment.failed", message=f"payment failed: {reason}"
                )
            else:
                await self._record(
                    session, created, kind="payment.created", message="payment created"
                )
            return created

        request = {
            "amount": new.amount,
            "currency": new.currency,
            "payerEmail": payer,
            "description": new.description,
        }
        return await self._idempotent(
            operation="createPayment", key=key, request=request, action=action
        )

    async def _transition(
        self,
        *,
        operation: str,
        payment_id: str,
        key: str,
        request: dict[str, Any],
        change: Callable[[Payment], object],
        kind: str,
    ) -> PaymentSnapshot:
        """Lock the row, apply one status-machine step, save: the one place state changes."""
        pid = parse_id(payment_id)

        async def action(session: AsyncSession) -> PaymentSnapshot:
            payment = await repository.lock_payment(session, payment_id=pid)
            if payment is None:
                raise NotFound("no payment with this id")
            self.ensure_visible(payment)
            change(payment)
            payment.updated_at = datetime.now(UTC)
            await session.flush()
            changed = snapshot(payment)
            message = _MESSAGES[changed.status]
            if kind == "payment.refunded" and changed.status is PaymentStatus.CAPTURED:
                message = "payment partially refunded"
            await self._record(session, changed, kind=kind, message=message)
            return changed

        return await self._idempotent(
            operation=operation, key=key, request={"id": str(pid), **request}, action=action
        )

    async def capture(self, *, payment_id: str, key: str) -> PaymentSnapshot:
        self._writer(key)
        return await self._transition(
            operation="capturePayment", payment_id=payment_id, key=key, request={},
            change=apply_capture, kind="payment.captured",
        )  # fmt: skip

    async def cancel(self, *, payment_id: str, key: str) -> PaymentSnapshot:
        self._writer(key)
        return await self._transition(
            operation="cancelPayment", payment_id=payment_id, key=key, request={},
            change=apply_cancel, kind="payment.cancelled",
        )  # fmt: skip

    async def refund(self, *, payment_id: str, amount: int | None, key: str) -> PaymentSnapshot:
        self._writer(key)
        wanted = validate_refund_amount(amount)
        return await self._transition(
            operation="refundPayment", payment_id=payment_id, key=key,
            request={"amount": wanted}, change=lambda payment: apply_refund(payment, wanted),
            kind="payment.refunded",
        )  # fmt: skip
