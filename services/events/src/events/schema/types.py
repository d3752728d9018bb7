"""GraphQL object types of the events subgraph."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry
from strawberry.scalars import JSON

from events.models import Event as EventRow
from events.schema.scalars import JSONString
from servicekit.errors import BadUserInput

if TYPE_CHECKING:
    from strawberry.types import Info

    from events.context import EventsContext

__all__ = [
    "CreateEventInput",
    "CreateEventPayload",
    "Event",
    "EventConnection",
    "EventEdge",
    "EventFilter",
    "EventPageInfo",
    "SaveEventPayload",
]


@strawberry.federation.type(keys=["id"], description="One entry of the application event log.")
class Event:
    id: strawberry.ID
    email: str
    environment: str
    component: str
    message: str
    data: JSONString | None = strawberry.field(
        description="The event's JSON data as a string holding JSON (the original API's shape)."
    )
    created_at: datetime = strawberry.field(description="Set by the server when saved.")
    data_value: JSON | None = strawberry.field(
        description="The event's JSON data as a JSON value (object, list, ...)."
    )
    subject_type: str | None = strawberry.field(
        default=None,
        description="What the event is about (`Payment`, `Delivery`) for events of the trail.",
    )
    subject_id: str | None = strawberry.field(
        default=None, description="The id of the payment or delivery the event is about."
    )

    @classmethod
    def from_row(cls, row: EventRow) -> Event:
        return cls(
            id=strawberry.ID(str(row.id)),
            email=row.email,
            environment=row.environment,
            component=row.component,
            message=row.message,
            data=JSONString(row.data) if row.data is not None else None,
            created_at=row.created_at,
            data_value=JSON(row.data) if row.data is not None else None,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
        )

    @classmethod
    async def resolve_reference(
        cls, info: Info[EventsContext, None], id: strawberry.ID | None = None, **_: object
    ) -> Event | None:
        # Extra representation fields are ignored; a representation without its key is the
        # caller's mistake, reported as such rather than as an internal error.
        if id is None:
            raise BadUserInput("an Event representation needs its id", argument="representations")
        event_id = _as_int(id)
        if event_id is None:
            return None
        row = await info.context.event_loader.load(event_id)
        return cls.from_row(row) if row is not None else None


def _as_int(value: object) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@strawberry.input(description="Filters; every field left out does not filter.")
class EventFilter:
    email: str | None = strawberry.field(default=None, description="Exact email address.")
    environment: str | None = None
    component: str | None = None
    text: str | None = strawberry.field(
        default=None,
        description="Case-insensitive substring of the message (like ILIKE '%text%').",
    )
    since: datetime | None = strawberry.field(
        default=None, description="Created at or after this instant (UTC when no offset)."
    )
    until: datetime | None = strawberry.field(
        default=None, description="Created strictly before this instant (UTC when no offset)."
    )


@strawberry.type
class EventEdge:
    cursor: str
    node: Event


@strawberry.type(description="Relay-style page information of an event connection.")
class EventPageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="A page of events, newest first, with opaque signed cursors.")
class EventConnection:
    edges: list[EventEdge]
    page_info: EventPageInfo

    @strawberry.field
    def nodes(self) -> list[Event]:
        return [edge.node for edge in self.edges]


@strawberry.type(name="SaveEvent", description="The original API's saveEvent payload.")
class SaveEventPayload:
    event: Event | None


@strawberry.input
class CreateEventInput:
    email: str
    environment: str
    component: str
    message: str
    data: JSON | None = strawberry.field(default=None, description="Any JSON value.")


@strawberry.type
class CreateEventPayload:
    event: Event
