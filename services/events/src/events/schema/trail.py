"""The event trail of payments and deliveries: ``Payment.events`` and ``Delivery.events``.

The events subgraph contributes an ``events`` field to the ``Payment`` and ``Delivery``
entities (owned by payments and delivery). Every ``_entities`` call resolves the events of
all its references with ONE SQL query (a DataLoader keyed by the page arguments).

Visibility: the trail of a payment is shown to whoever may see the payment. Through the
gateway the owning subgraph's ``payment(id)``/``delivery(id)`` already refuses anyone else,
and this field is only reachable through those parents, so events adds no rule of its own
(an ``_entities`` call straight to the events subgraph is service-to-service traffic that
the deployment keeps off the public network, like every subgraph port).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from events.context import EventsContext
from events.schema.types import Event
from servicekit.errors import BadUserInput

__all__ = ["MAX_TRAIL_PAGE", "Delivery", "Payment"]

MAX_TRAIL_PAGE = 100


def _after(after: str | None) -> int | None:
    if after is None:
        return None
    try:
        value = int(after)
    except ValueError:
        value = 0
    if not 0 < value < 2**63:
        raise BadUserInput("after must be the id of an event of this trail", argument="after")
    return value


async def _trail(
    info: Info[EventsContext, None],
    subject_type: str,
    subject_id: str,
    first: int,
    after: str | None,
) -> list[Event]:
    if not 1 <= first <= MAX_TRAIL_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_TRAIL_PAGE}", argument="first")
    rows = await info.context.trail_loader.load((subject_type, subject_id, first, _after(after)))
    return [Event.from_row(row) for row in rows]


_EVENTS_DOC = (
    "The trail of state changes, newest first. `after`: the id of the last event of the "
    "previous page."
)


async def _payment_events(
    root: Payment, info: Info[EventsContext, None], first: int = 20, after: str | None = None
) -> list[Event]:
    return await _trail(info, "Payment", str(root.id), first, after)


async def _delivery_events(
    root: Delivery, info: Info[EventsContext, None], first: int = 20, after: str | None = None
) -> list[Event]:
    return await _trail(info, "Delivery", str(root.id), first, after)


@strawberry.federation.type(keys=["id"])
class Payment:
    id: strawberry.ID
    events: list[Event] = strawberry.field(resolver=_payment_events, description=_EVENTS_DOC)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> Payment:
        return cls(id=id)


@strawberry.federation.type(keys=["id"])
class Delivery:
    id: strawberry.ID
    events: list[Event] = strawberry.field(resolver=_delivery_events, description=_EVENTS_DOC)

    @classmethod
    def resolve_reference(cls, id: strawberry.ID, **_: Any) -> Delivery:
        return cls(id=id)
