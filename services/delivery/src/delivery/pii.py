"""The personal data of a delivery (recipient and address): validation and sealing.

Validation raises BAD_USER_INPUT naming the argument; sealing turns the data
into one AES-GCM ciphertext bound to the delivery's id.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass

import orjson

from delivery.countries import COUNTRY_CODES
from delivery.crypto import PiiCipher
from servicekit.errors import BadUserInput

__all__ = ["Address", "Recipient", "open_recipient", "seal_recipient", "validate_recipient"]


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    line2: str | None
    city: str
    postal_code: str
    country: str


@dataclass(frozen=True, slots=True)
class Recipient:
    name: str
    address: Address


def _text(value: str | None, *, argument: str, max_len: int, required: bool = True) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise BadUserInput(f"{argument} must not be empty", argument=argument)
        return None
    if len(cleaned) > max_len:
        raise BadUserInput(f"{argument} is longer than {max_len} characters", argument=argument)
    if any(not ch.isprintable() for ch in cleaned):
        raise BadUserInput(f"{argument} contains control characters", argument=argument)
    return cleaned


def _required(value: str | None, *, argument: str, max_len: int) -> str:
    cleaned = _text(value, argument=argument, max_len=max_len)
    assert cleaned is not None
    return cleaned


def validate_recipient(
    *,
    name: str,
    line1: str,
    line2: str | None,
    city: str,
    postal_code: str,
    country: str,
) -> Recipient:
    """Normalise and validate; the country must be an assigned ISO 3166-1 alpha-2 code."""
    code = country.strip().upper()
    if code not in COUNTRY_CODES:
        raise BadUserInput(
            f"address.country {country!r} is not an ISO 3166-1 alpha-2 code",
            argument="address.country",
        )
    postal = _required(postal_code, argument="address.postalCode", max_len=16)
    if not all(ch.isalnum() or ch in " -" for ch in postal):
        raise BadUserInput(
            "address.postalCode may contain letters, digits, spaces and hyphens only",
            argument="address.postalCode",
        )
    return Recipient(
        name=_required(name, argument="recipientName", max_len=200),
        address=Address(
            line1=_required(line1, argument="address.line1", max_len=200),
            line2=_text(line2, argument="address.line2", max_len=200, required=False),
            city=_required(city, argument="address.city", max_len=100),
            postal_code=postal,
            country=code,
        ),
    )


def _associated(delivery_id: uuid.UUID) -> bytes:
    return b"delivery-pii:" + delivery_id.bytes


def seal_recipient(
    cipher: PiiCipher, recipient: Recipient, *, delivery_id: uuid.UUID
) -> tuple[str, bytes]:
    """``(key id, ciphertext)`` of the recipient, bound to ``delivery_id``."""
    plaintext = orjson.dumps({"name": recipient.name, "address": asdict(recipient.address)})
    return cipher.encrypt(plaintext, associated=_associated(delivery_id))


def open_recipient(
    cipher: PiiCipher, *, key_id: str, blob: bytes, delivery_id: uuid.UUID
) -> Recipient:
    data = orjson.loads(cipher.decrypt(key_id, blob, associated=_associated(delivery_id)))
    return Recipient(name=data["name"], address=Address(**data["address"]))
