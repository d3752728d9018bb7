"""Write operations; both are idempotent (``idempotencyKey``, scoped per caller)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.federation.schema_directives import Authenticated, RequiresScopes
from strawberry.types import Info

from delivery.context import Context
from delivery.pii import validate_recipient
from delivery.schema.types import AddressInput, Delivery, parse_delivery_id
from delivery.service import StatusUpdate
from delivery.status import DeliveryStatus
from delivery.views import WRITE_SCOPE

__all__ = ["Mutation"]


async def _answer(info: Info[Context, None], delivery_id: object) -> Delivery:
    # The caller was allowed to make this change (payer, or delivery:write), so it may
    # read the delivery it changed; other reads follow the reader rule.
    view = await info.context.loaders.delivery_by_id.load(parse_delivery_id(delivery_id))
    if view is None:
        raise RuntimeError("a delivery that was just written is missing")
    return Delivery.of(view)


async def resolve_schedule_delivery(
    info: Info[Context, None],
    payment_id: strawberry.ID,
    recipient_name: str,
    address: AddressInput,
    idempotency_key: str,
) -> Delivery:
    principal = info.context.require_principal()
    recipient = validate_recipient(
        name=recipient_name,
        line1=address.line1,
        line2=address.line2,
        city=address.city,
        postal_code=address.postal_code,
        country=address.country,
    )
    delivery_id = await info.context.service.schedule_delivery(
        principal=principal,
        authorization=info.context.authorization,
        payment_id=str(payment_id),
        recipient=recipient,
        idempotency_key=idempotency_key,
    )
    return await _answer(info, delivery_id)


async def resolve_update_delivery_status(
    info: Info[Context, None],
    *,
    id: strawberry.ID,
    status: DeliveryStatus,
    idempotency_key: str,
    note: str | None = None,
    courier: str | None = None,
    tracking_number: str | None = None,
    eta: datetime | None = None,
) -> Delivery:
    principal = info.context.require_principal()
    delivery_id = await info.context.service.update_delivery_status(
        principal=principal,
        delivery_id=parse_delivery_id(id),
        update=StatusUpdate(
            status=status,
            note=note,
            courier=courier,
            tracking_number=tracking_number,
            eta=eta,
        ),
        idempotency_key=idempotency_key,
    )
    return await _answer(info, delivery_id)


@strawberry.type
class Mutation:
    schedule_delivery: Delivery = strawberry.field(
        resolver=resolve_schedule_delivery,
        directives=[Authenticated()],
        description="Schedule the delivery of a captured payment (at most one per payment).",
    )
    update_delivery_status: Delivery = strawberry.field(
        resolver=resolve_update_delivery_status,
        directives=[Authenticated(), RequiresScopes(scopes=[[WRITE_SCOPE]])],
        description="Move a delivery along PENDING → DISPATCHED → IN_TRANSIT → DELIVERED "
        "(or CANCELLED / FAILED). Dispatching sets the courier and tracking number.",
    )
