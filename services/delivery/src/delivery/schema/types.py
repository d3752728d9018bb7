"""GraphQL types: the Delivery entity, and the fields delivery adds to Payment."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.federation.schema_directives import Authenticated, External, Requires
from strawberry.federation.types import FieldSet
from strawberry.types import Info

from delivery.context import Context
from delivery.status import DeliveryStatus
from delivery.views import ChangeView, DeliveryView, ensure_reader
from servicekit.errors import BadUserInput

__all__ = [
    "Address",
    "AddressInput",
    "Delivery",
    "DeliveryStatus",
    "DeliveryStatusChange",
    "Payment",
    "PaymentStatus",
    "load_delivery",
]


@strawberry.enum
class PaymentStatus(Enum):
    """Owned by payments; declared identically here for ``Payment.status @external``."""

    AUTHORIZED = "AUTHORIZED"
    CAPTURED = "CAPTURED"
    REFUNDED = "REFUNDED"
    CANCELLED = "CANCELLED"
    FAILED = "FAILED"


@strawberry.type
class Address:
    line1: str
    line2: str | None
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")


@strawberry.input
class AddressInput:
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    line2: str | None = None


@strawberry.type
class DeliveryStatusChange:
    status: DeliveryStatus
    note: str | None
    at: datetime


def parse_delivery_id(value: Any, *, argument: str = "id") -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as err:
        raise BadUserInput(f"{argument} is not a valid delivery id", argument=argument) from err


async def _delivery_history(
    root: Delivery, info: Info[Context, None]
) -> list[DeliveryStatusChange]:
    changes: list[ChangeView] = await info.context.loaders.history.load(uuid.UUID(root.id))
    return [DeliveryStatusChange(status=c.status, note=c.note, at=c.at) for c in changes]


async def load_delivery(info: Info[Context, None], delivery_id: uuid.UUID) -> Delivery | None:
    """The delivery if it exists (None otherwise); FORBIDDEN when it is someone else's."""
    principal = info.context.require_principal()
    view = await info.context.loaders.delivery_by_id.load(delivery_id)
    return None if view is None else Delivery.of(ensure_reader(principal, view))


@strawberry.federation.type(keys=["id"])
class Delivery:
    id: strawberry.ID
    recipient_name: str
    address: Address
    courier: str | None
    tracking_number: str | None
    status: DeliveryStatus
    eta: datetime | None
    created_at: datetime
    history: list[DeliveryStatusChange] = strawberry.field(
        resolver=_delivery_history, description="Every status change, oldest first."
    )
    payment_id: strawberry.Private[str]

    @classmethod
    def of(cls, view: DeliveryView) -> Delivery:
        address = view.recipient.address
        return cls(
            id=strawberry.ID(str(view.id)),
            recipient_name=view.recipient.name,
            address=Address(
                line1=address.line1,
                line2=address.line2,
                city=address.city,
                postal_code=address.postal_code,
                country=address.country,
            ),
            courier=view.courier,
            tracking_number=view.tracking_number,
            status=view.status,
            eta=view.eta,
            created_at=view.created_at,
            payment_id=view.payment_id,
        )

    @strawberry.field
    def payment(self) -> Payment:
        return Payment(id=strawberry.ID(self.payment_id))

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: str) -> Delivery | None:
        return await load_delivery(info, parse_delivery_id(id))


def _payment_status(root: Payment) -> PaymentStatus:
    if root.known_status is None:  # only reachable when a client asks delivery directly
        raise BadUserInput("Payment.status is owned by the payments service")
    return root.known_status


def _payment_shippable(root: Payment) -> bool:
    return root.known_status is PaymentStatus.CAPTURED


async def _payment_delivery(root: Payment, info: Info[Context, None]) -> Delivery | None:
    principal = info.context.require_principal()
    view = await info.context.loaders.delivery_by_payment_id.load(str(root.id))
    if view is None:
        return None
    return Delivery.of(ensure_reader(principal, info.context.loaders.prime(view)))


@strawberry.federation.type(keys=["id"])
class Payment:
    id: strawberry.ID
    status: PaymentStatus = strawberry.field(resolver=_payment_status, directives=[External()])
    shippable: bool = strawberry.field(
        resolver=_payment_shippable,
        directives=[Requires(fields=FieldSet("status"))],
        description="True only for a captured payment (computed from payments' status).",
    )
    delivery: Delivery | None = strawberry.field(
        resolver=_payment_delivery,
        directives=[Authenticated()],
        description="The payment's delivery; null when none is scheduled.",
    )
    # The status payments sent in the representation (for @requires), if any.
    known_status: strawberry.Private[PaymentStatus | None] = None

    @classmethod
    def resolve_reference(
        cls,
        id: str,
        status: str | None = None,
    ) -> Payment:
        known: PaymentStatus | None = None
        if status is not None:
            try:
                known = PaymentStatus(status)
            except ValueError as err:
                raise BadUserInput(f"unknown payment status {status!r}") from err
        return cls(id=strawberry.ID(str(id)), known_status=known)
