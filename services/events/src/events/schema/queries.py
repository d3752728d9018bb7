"""Queries: the original ``events`` and ``eventsByParameters``, plus ``eventsConnection``."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from events.context import EventsContext
from events.cursors import Position, decode_cursor, encode_cursor
from events.repository import EventFilters, list_events
from events.schema.types import Event, EventConnection, EventEdge, EventFilter, EventPageInfo
from events.validation import (
    as_utc,
    check_email_filter,
    check_first,
    check_optional_label,
    check_text,
    parse_legacy_date,
)

__all__ = ["Query", "filters_from_input"]

Ctx = Info[EventsContext, None]


def filters_from_input(value: EventFilter | None, *, argument: str = "filter") -> EventFilters:
    if value is None:
        return EventFilters()
    return EventFilters(
        email=check_email_filter(value.email, argument=f"{argument}.email"),
        environment=check_optional_label(value.environment, argument=f"{argument}.environment"),
        component=check_optional_label(value.component, argument=f"{argument}.component"),
        text=check_text(value.text, argument=f"{argument}.text"),
        since=as_utc(value.since),
        until=as_utc(value.until),
    )


async def resolve_events(
    info: Ctx, filter: EventFilter | None = None, first: int | None = None
) -> list[Event]:
    settings = info.context.settings
    limit = check_first(first, default=settings.default_page_size,
                        maximum=settings.max_page_size)  # fmt: skip
    filters = filters_from_input(filter)
    async with info.context.sessions() as session:
        rows = await list_events(session, filters=filters, limit=limit)
    return [Event.from_row(row) for row in rows]


async def resolve_events_connection(
    info: Ctx,
    filter: EventFilter | None = None,
    first: int | None = 50,
    after: str | None = None,
) -> EventConnection:
    settings = info.context.settings
    key = settings.cursor_key()
    limit = check_first(first, default=settings.default_page_size,
                        maximum=settings.max_page_size)  # fmt: skip
    filters = filters_from_input(filter)
    position = decode_cursor(after, key=key) if after is not None else None
    async with info.context.sessions() as session:
        rows = await list_events(session, filters=filters, limit=limit + 1, after=position)
    has_next = len(rows) > limit
    edges = [
        EventEdge(
            cursor=encode_cursor(Position(created_at=row.created_at, id=row.id), key=key),
            node=Event.from_row(row),
        )
        for row in rows[:limit]
    ]
    return EventConnection(
        edges=edges,
        page_info=EventPageInfo(
            has_next_page=has_next,
            has_previous_page=position is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


async def resolve_event(info: Ctx, id: strawberry.ID) -> Event | None:
    return await Event.resolve_reference(info, id)


async def resolve_events_by_parameters(
    info: Ctx,
    *,
    email: str | None = None,
    environment: str | None = None,
    component: str | None = None,
    text: str | None = None,
    date: Annotated[
        str | None, strawberry.argument(description="day-month-year, e.g. 1-1-2018")
    ] = None,
    first: int | None = None,
) -> list[Event]:
    settings = info.context.settings
    limit = check_first(first, default=settings.default_page_size,
                        maximum=settings.max_page_size)  # fmt: skip
    filters = EventFilters(
        email=check_email_filter(email, argument="email"),
        environment=check_optional_label(environment, argument="environment"),
        component=check_optional_label(component, argument="component"),
        text=check_text(text, argument="text"),
        since=parse_legacy_date(date, argument="date"),
    )
    async with info.context.sessions() as session:
        rows = await list_events(session, filters=filters, limit=limit)
    return [Event.from_row(row) for row in rows]


@strawberry.type
class Query:
    events: list[Event] = strawberry.field(
        resolver=resolve_events,
        description="Events, newest first (at most `first`, 50 by default, 500 max).",
    )
    events_connection: EventConnection = strawberry.field(
        resolver=resolve_events_connection,
        description="Events newest first, as a Relay connection; cursors stay valid while "
        "events are added.",
    )
    event: Event | None = strawberry.field(
        resolver=resolve_event, description="One event by id, or null."
    )
    events_by_parameters: list[Event] = strawberry.field(
        resolver=resolve_events_by_parameters,
        description="The original search: every argument left out does not filter; `date` "
        "(day-month-year, e.g. 01-01-2018) means on or after that day (UTC).",
    )
