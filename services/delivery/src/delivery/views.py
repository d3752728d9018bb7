"""Decrypted, read-only views of stored deliveries, and the reader rule."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from delivery.crypto import PiiCipher
from delivery.models import Delivery, StatusChange
from delivery.pii import Recipient, open_recipient
from delivery.status import DeliveryStatus
from servicekit.auth import Principal
from servicekit.errors import Forbidden

__all__ = [
    "ADMIN_SCOPE",
    "WRITE_SCOPE",
    "ChangeView",
    "DeliveryView",
    "ensure_reader",
    "owns",
    "to_view",
]

WRITE_SCOPE = "delivery:write"
ADMIN_SCOPE = "delivery:admin"


@dataclass(frozen=True, slots=True)
class DeliveryView:
    id: uuid.UUID
    payment_id: str
    payer_email: str
    recipient: Recipient
    status: DeliveryStatus
    courier: str | None
    tracking_number: str | None
    eta: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ChangeView:
    status: DeliveryStatus
    note: str | None
    at: datetime

    @classmethod
    def of(cls, row: StatusChange) -> ChangeView:
        return cls(status=DeliveryStatus(row.status), note=row.note, at=row.at)


def to_view(row: Delivery, cipher: PiiCipher) -> DeliveryView:
    return DeliveryView(
        id=row.id,
        payment_id=row.payment_id,
        payer_email=row.payer_email,
        recipient=open_recipient(
            cipher, key_id=row.pii_key_id, blob=row.pii_ciphertext, delivery_id=row.id
        ),
        status=DeliveryStatus(row.status),
        courier=row.courier,
        tracking_number=row.tracking_number,
        eta=row.eta,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def owns(principal: Principal, payer_email: str) -> bool:
    return payer_email.lower() in {k.lower() for k in principal.owner_keys}


def ensure_reader(principal: Principal, delivery: DeliveryView) -> DeliveryView:
    """A delivery is read by the payer of its payment, or with ``delivery:admin``."""
    if principal.has_scope(ADMIN_SCOPE) or owns(principal, delivery.payer_email):
        return delivery
    raise Forbidden("this delivery belongs to another payer")
