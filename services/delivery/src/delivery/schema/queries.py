"""Read operations. Every read follows the reader rule: the payer, or ``delivery:admin``."""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Authenticated
from strawberry.types import Info

from delivery import repository
from delivery.context import Context
from delivery.schema.types import Delivery, load_delivery, parse_delivery_id
from delivery.status import DeliveryStatus
from delivery.views import ADMIN_SCOPE, ensure_reader, to_view
from servicekit.errors import BadUserInput

__all__ = ["Query"]

MAX_PAGE = 100
_AUTH = [Authenticated()]


async def resolve_delivery(info: Info[Context, None], id: strawberry.ID) -> Delivery | None:
    return await load_delivery(info, parse_delivery_id(id))


async def resolve_by_tracking_number(
    info: Info[Context, None], tracking_number: str
) -> Delivery | None:
    principal = info.context.require_principal()
    wanted = tracking_number.strip().upper()
    if not wanted or len(wanted) > 64:
        raise BadUserInput("trackingNumber must be 1-64 characters", argument="trackingNumber")
    loaders = info.context.loaders
    row = await loaders.run(
        lambda s: repository.delivery_by_tracking_number(s, tracking_number=wanted)
    )
    if row is None:
        return None
    view = loaders.prime(to_view(row, info.context.cipher))
    return Delivery.of(ensure_reader(principal, view))


async def resolve_deliveries(
    info: Info[Context, None], status: DeliveryStatus | None = None, first: int = 20
) -> list[Delivery]:
    principal = info.context.require_principal()
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_PAGE}", argument="first")
    owners = (
        None if principal.has_scope(ADMIN_SCOPE) else frozenset(
            k.lower() for k in principal.owner_keys
        )
    )  # fmt: skip
    loaders = info.context.loaders
    rows = await loaders.run(
        lambda s: repository.list_deliveries(
            s, payer_emails=owners, status=status.value if status else None, first=first
        )
    )
    return [Delivery.of(loaders.prime(to_view(row, info.context.cipher))) for row in rows]


@strawberry.type
class Query:
    delivery: Delivery | None = strawberry.field(resolver=resolve_delivery, directives=_AUTH)
    delivery_by_tracking_number: Delivery | None = strawberry.field(
        resolver=resolve_by_tracking_number, directives=_AUTH
    )
    deliveries: list[Delivery] = strawberry.field(
        resolver=resolve_deliveries,
        directives=_AUTH,
        description="Newest first: the caller's deliveries, or all with delivery:admin.",
    )
