"""The status machine on its own: every legal step, every illegal one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from payments.domain import (
    TRANSITIONS,
    Action,
    PaymentStatus,
    apply_cancel,
    apply_capture,
    apply_refund,
)
from servicekit.errors import BadUserInput, InvalidState


@dataclass
class Money:
    amount: int = 1000
    status: str = "AUTHORIZED"
    captured_amount: int = 0
    refunded_amount: int = 0


def test_capture_takes_the_full_authorized_amount() -> None:
    payment = Money()
    apply_capture(payment)
    assert (payment.status, payment.captured_amount) == ("CAPTURED", 1000)


def test_cancel_releases_an_authorization() -> None:
    payment = Money()
    apply_cancel(payment)
    assert payment.status == "CANCELLED"
    assert payment.captured_amount == 0


def test_a_partial_refund_stays_captured_and_a_full_one_is_refunded() -> None:
    payment = Money(status="CAPTURED", captured_amount=1000)
    assert apply_refund(payment, 300) == 300
    assert (payment.status, payment.refunded_amount) == ("CAPTURED", 300)
    assert apply_refund(payment, None) == 700
    assert (payment.status, payment.refunded_amount) == ("REFUNDED", 1000)


def test_a_refund_over_the_refundable_amount_changes_nothing() -> None:
    payment = Money(status="CAPTURED", captured_amount=1000, refunded_amount=800)
    with pytest.raises(BadUserInput) as caught:
        apply_refund(payment, 201)
    assert caught.value.extensions == {
        "code": "BAD_USER_INPUT",
        "argumentName": "amount",
        "refundableAmount": 200,
    }
    assert (payment.status, payment.refunded_amount) == ("CAPTURED", 800)


STEPS: dict[Action, Callable[[Money], object]] = {
    Action.capture: apply_capture,
    Action.cancel: apply_cancel,
    Action.refund: lambda payment: apply_refund(payment, None),
}


@pytest.mark.parametrize(
    ("action", "status"),
    [(a, s) for a in Action for s in PaymentStatus if s not in TRANSITIONS[a]],
)
def test_every_illegal_transition_is_invalid_state_with_the_current_status(
    action: Action, status: PaymentStatus
) -> None:
    payment = Money(status=status.value, captured_amount=1000 if status != "AUTHORIZED" else 0)
    before = (payment.status, payment.captured_amount, payment.refunded_amount)
    with pytest.raises(InvalidState) as caught:
        STEPS[action](payment)
    assert caught.value.extensions == {"code": "INVALID_STATE", "currentStatus": status.value}
    assert (payment.status, payment.captured_amount, payment.refunded_amount) == before


def test_final_statuses_allow_nothing() -> None:
    for final in (PaymentStatus.REFUNDED, PaymentStatus.CANCELLED, PaymentStatus.FAILED):
        assert all(final not in allowed for allowed in TRANSITIONS.values())
