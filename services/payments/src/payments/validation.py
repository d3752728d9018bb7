"""Input checks shared by the mutations and queries: every failure is BAD_USER_INPUT
naming the argument, raised before anything is written (no idempotency record either)."""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from payments.currencies import is_currency
from servicekit.errors import BadUserInput

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_EMAIL",
    "NewPayment",
    "decode_cursor",
    "encode_cursor",
    "normalize_email",
    "parse_id",
    "validate_new_payment",
    "validate_refund_amount",
]

MAX_DESCRIPTION = 500
MAX_EMAIL = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


@dataclass(frozen=True, slots=True)
class NewPayment:
    amount: int
    currency: str
    payer_email: str | None
    description: str | None


def parse_id(value: str, *, argument: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise BadUserInput(f"'{argument}' is not a payment id", argument=argument) from None


def normalize_email(value: str, *, argument: str) -> str:
    email = value.strip().lower()
    if len(email) > MAX_EMAIL or not _EMAIL.match(email):
        raise BadUserInput(f"'{argument}' is not an e-mail address", argument=argument)
    return email


def _positive_amount(amount: int, *, argument: str) -> int:
    if amount <= 0:
        raise BadUserInput(
            f"'{argument}' must be a positive integer number of minor units", argument=argument
        )
    return amount


def validate_new_payment(
    *, amount: int, currency: str, payer_email: str | None, description: str | None
) -> NewPayment:
    code = currency.strip().upper()
    if not is_currency(code):
        raise BadUserInput(
            f"'input.currency' is not an ISO 4217 currency code: {currency[:10]!r}",
            argument="input.currency",
        )
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise BadUserInput(
            f"'input.description' must be at most {MAX_DESCRIPTION} characters",
            argument="input.description",
        )
    return NewPayment(
        amount=_positive_amount(amount, argument="input.amount"),
        currency=code,
        payer_email=(
            normalize_email(payer_email, argument="input.payerEmail") if payer_email else None
        ),
        description=description,
    )


def validate_refund_amount(amount: int | None) -> int | None:
    return None if amount is None else _positive_amount(amount, argument="amount")


def encode_cursor(created_at: datetime, payment_id: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{payment_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, _, ident = base64.urlsafe_b64decode(padded).decode().partition("|")
        created_at = datetime.fromisoformat(created)
        if created_at.tzinfo is None:
            raise ValueError("naive timestamp")
        return created_at, uuid.UUID(ident)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadUserInput("'after' is not a cursor of this list", argument="after") from None
