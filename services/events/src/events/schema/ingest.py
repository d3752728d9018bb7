"""``ingestEvents``: other services' outbox relays deliver their events here.

Needs a bearer token with the scope ``events:ingest``. Redelivered events (same ``id``) are
skipped, so the relay's at-least-once delivery stores each event once; an id stored with a
different content is refused with ``EVENT_ID_CONFLICT`` (nothing of the batch is stored).
The mutation is ``@inaccessible``: relays call the events subgraph directly, the gateway's
client-facing API does not offer it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from events.context import EventsContext
from events.repository import IngestConflictError, IngestedEvent, ingest_events
from events.validation import as_utc, check_data_size, check_email, check_label, check_message
from servicekit.errors import AppError, BadUserInput, Forbidden

__all__ = ["INGEST_SCOPE", "IngestEventInput", "IngestEventsPayload", "resolve_ingest_events"]

INGEST_SCOPE = "events:ingest"
MAX_BATCH = 500
_MAX_TAG = 64


@strawberry.input(description="One event from another service's outbox.")
class IngestEventInput:
    id: strawberry.ID = strawberry.field(description="The source's event id (a UUID).")
    subject_type: str
    subject_id: str
    kind: str
    email: str
    environment: str
    component: str
    message: str
    occurred_at: datetime
    data: JSON | None = None


@strawberry.type
class IngestEventsPayload:
    ingested: int
    duplicates: int


def _tag(value: str, *, argument: str) -> str:
    if not value.strip() or len(value) > _MAX_TAG:
        raise BadUserInput(f"{argument} must be 1 to {_MAX_TAG} characters", argument=argument)
    return value


def _event(value: IngestEventInput, *, at: str) -> IngestedEvent:
    try:
        source_id = uuid.UUID(str(value.id))
    except ValueError:
        raise BadUserInput(f"{at}.id is not a UUID", argument=f"{at}.id") from None
    return IngestedEvent(
        source_event_id=source_id,
        subject_type=_tag(value.subject_type, argument=f"{at}.subjectType"),
        subject_id=_tag(value.subject_id, argument=f"{at}.subjectId"),
        kind=_tag(value.kind, argument=f"{at}.kind"),
        email=check_email(value.email, argument=f"{at}.email"),
        environment=check_label(value.environment, argument=f"{at}.environment"),
        component=check_label(value.component, argument=f"{at}.component"),
        message=check_message(value.message, argument=f"{at}.message"),
        data=check_data_size(value.data, argument=f"{at}.data"),
        occurred_at=as_utc(value.occurred_at) or value.occurred_at,
    )


async def resolve_ingest_events(
    info: Info[EventsContext, None], events: list[IngestEventInput]
) -> IngestEventsPayload:
    principal = info.context.require_principal()
    if not principal.has_scope(INGEST_SCOPE):
        raise Forbidden(f"ingestEvents needs the scope {INGEST_SCOPE}")
    if len(events) > MAX_BATCH:
        raise BadUserInput(f"at most {MAX_BATCH} events per batch", argument="events")
    batch = [_event(value, at=f"events[{index}]") for index, value in enumerate(events)]
    async with info.context.sessions() as session:
        try:
            ingested, duplicates = await ingest_events(session, events=batch)
        except IngestConflictError as conflict:
            raise AppError(
                "an event id is already stored with a different content",
                code="EVENT_ID_CONFLICT",
                ids=[str(i) for i in conflict.ids[:20]],
            ) from None
    return IngestEventsPayload(ingested=ingested, duplicates=duplicates)
