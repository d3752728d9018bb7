"""Mutations: the original ``saveEvent`` (unchanged for its clients) and ``createEvent``."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from events.context import EventsContext
from events.repository import insert_event
from events.schema.ingest import IngestEventsPayload, resolve_ingest_events
from events.schema.scalars import JSONString
from events.schema.types import CreateEventInput, CreateEventPayload, Event, SaveEventPayload
from events.validation import (
    check_data_size,
    check_email,
    check_label,
    check_message,
    parse_json_string,
)

__all__ = ["Mutation"]

Ctx = Info[EventsContext, None]


async def _save(
    context: EventsContext,
    *,
    email: str,
    environment: str,
    component: str,
    message: str,
    data: Any,
) -> Event:
    async with context.sessions() as session:
        row = await insert_event(session, email=email, environment=environment,
                                 component=component, message=message, data=data)  # fmt: skip
    return Event.from_row(row)


async def resolve_save_event(
    info: Ctx,
    *,
    email: str | None = None,
    environment: str | None = None,
    component: str | None = None,
    message: str | None = None,
    data: JSONString | None = None,
) -> SaveEventPayload:
    # Arguments stay nullable as in the original, so its clients' variable types still fit.
    values = {
        "email": check_email(email, argument="email"),
        "environment": check_label(environment, argument="environment"),
        "component": check_label(component, argument="component"),
        "message": check_message(message, argument="message"),
        "data": parse_json_string(data if isinstance(data, str) else None, argument="data"),
    }
    return SaveEventPayload(event=await _save(info.context, **values))


async def resolve_create_event(info: Ctx, input: CreateEventInput) -> CreateEventPayload:
    values = {
        "email": check_email(input.email, argument="input.email"),
        "environment": check_label(input.environment, argument="input.environment"),
        "component": check_label(input.component, argument="input.component"),
        "message": check_message(input.message, argument="input.message"),
        "data": check_data_size(input.data, argument="input.data"),
    }
    return CreateEventPayload(event=await _save(info.context, **values))


@strawberry.type
class Mutation:
    save_event: SaveEventPayload = strawberry.mutation(
        resolver=resolve_save_event,
        description="Save an event (the original API). `data` is a string holding JSON; "
        "`createdAt` is set by the server.",
    )
    create_event: CreateEventPayload = strawberry.mutation(
        resolver=resolve_create_event, description="Save an event; `data` is any JSON value."
    )
    ingest_events: IngestEventsPayload = strawberry.federation.mutation(
        resolver=resolve_ingest_events,
        inaccessible=True,
        description="Store a batch from another service's outbox (scope events:ingest); "
        "events already stored (same id) are counted as duplicates.",
    )
