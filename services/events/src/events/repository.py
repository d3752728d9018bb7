"""Queries on the event log. Keyword-only arguments, full return types, no GraphQL here."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from events.cursors import Position
from events.models import Event

__all__ = [
    "EventFilters",
    "IngestConflictError",
    "IngestedEvent",
    "count_events",
    "events_by_ids",
    "events_of_subjects",
    "ingest_events",
    "insert_event",
    "list_events",
]


@dataclass(frozen=True, slots=True)
class EventFilters:
    """Exact matches on the labels, a case-insensitive substring of the message, a time range
    (``since`` inclusive, ``until`` exclusive). ``None`` means "do not filter"."""

    email: str | None = None
    environment: str | None = None
    component: str | None = None
    text: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(filters: EventFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.email is not None:
        conditions.append(Event.email == filters.email)
    if filters.environment is not None:
        conditions.append(Event.environment == filters.environment)
    if filters.component is not None:
        conditions.append(Event.component == filters.component)
    if filters.text is not None:
        # ILIKE '%text%' is served by the pg_trgm GIN index (3+ characters).
        conditions.append(Event.message.ilike(_like_pattern(filters.text), escape="\\"))
    if filters.since is not None:
        conditions.append(Event.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(Event.created_at < filters.until)
    return conditions


async def list_events(
    session: AsyncSession,
    *,
    filters: EventFilters,
    limit: int,
    after: Position | None = None,
) -> list[Event]:
    """Newest first; ``after`` continues strictly past that keyset position."""
    if limit <= 0:
        return []
    conditions = _conditions(filters)
    if after is not None:
        # A row comparison matches the (created_at DESC, id DESC) index order.
        conditions.append(tuple_(Event.created_at, Event.id) < tuple_(after.created_at, after.id))
    statement = (
        select(Event)
        .where(*conditions)
        .order_by(Event.created_at.desc(), Event.id.desc())
        .limit(limit)
    )
    return list((await session.scalars(statement)).all())


async def events_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> dict[int, Event]:
    """One query for any number of ids (the entity loader's batch)."""
    if not ids:
        return {}
    rows = await session.scalars(select(Event).where(Event.id.in_(list(set(ids)))))
    return {row.id: row for row in rows}


async def insert_event(
    session: AsyncSession,
    *,
    email: str,
    environment: str,
    component: str,
    message: str,
    data: Any,
) -> Event:
    """Insert and commit; ``created_at`` comes from the database clock."""
    statement = (
        insert(Event)
        .values(
            email=email, environment=environment, component=component, message=message, data=data
        )
        .returning(Event)
    )
    event = (await session.scalars(statement)).one()
    await session.commit()
    return event


async def count_events(session: AsyncSession) -> int:
    return int((await session.scalar(select(func.count()).select_from(Event))) or 0)


@dataclass(frozen=True, slots=True)
class IngestedEvent:
    """One event delivered by another service's outbox relay."""

    source_event_id: uuid.UUID
    subject_type: str
    subject_id: str
    kind: str
    email: str
    environment: str
    component: str
    message: str
    data: Any
    occurred_at: datetime


class IngestConflictError(Exception):
    """Event ids already stored with a different content (not a redelivery: a bug upstream)."""

    def __init__(self, ids: Sequence[uuid.UUID]) -> None:
        super().__init__(f"{len(ids)} event id(s) already stored with other content")
        self.ids = list(ids)


def _same(row: Event, event: IngestedEvent) -> bool:
    return (
        row.subject_type, row.subject_id, row.kind, row.email, row.environment, row.component,
        row.message, row.data, row.occurred_at,
    ) == (
        event.subject_type, event.subject_id, event.kind, event.email, event.environment,
        event.component, event.message, event.data, event.occurred_at,
    )  # fmt: skip


async def ingest_events(
    session: AsyncSession, *, events: Sequence[IngestedEvent]
) -> tuple[int, int]:
    """Insert a batch once: redelivered ids are skipped. Returns (ingested, duplicates).

    ``createdAt`` of an ingested event is when the change happened at the source. A skipped
    id whose stored content differs raises :class:`IngestConflictError` and nothing of the
    batch is stored.
    """
    if not events:
        return 0, 0
    statement = (
        pg_insert(Event)
        .values(
            [
                {
                    "source_event_id": event.source_event_id,
                    "subject_type": event.subject_type,
                    "subject_id": event.subject_id,
                    "kind": event.kind,
                    "email": event.email,
                    "environment": event.environment,
                    "component": event.component,
                    "message": event.message,
                    "data": event.data,
                    "occurred_at": event.occurred_at,
                    "created_at": event.occurred_at,
                }
                for event in events
            ]
        )
        .on_conflict_do_nothing(index_elements=[Event.source_event_id])
        .returning(Event.source_event_id)
    )
    inserted = {row.source_event_id for row in (await session.execute(statement)).all()}
    skipped = {e.source_event_id: e for e in events if e.source_event_id not in inserted}
    if skipped:
        stored = await session.scalars(
            select(Event).where(Event.source_event_id.in_(list(skipped)))
        )
        conflicts = [
            row.source_event_id
            for row in stored
            if row.source_event_id is not None and not _same(row, skipped[row.source_event_id])
        ]
        if conflicts:
            await session.rollback()
            raise IngestConflictError([c for c in conflicts if c is not None])
    await session.commit()
    return len(inserted), len(events) - len(inserted)


async def events_of_subjects(
    session: AsyncSession,
    *,
    subject_type: str,
    subject_ids: Sequence[str],
    first: int,
    after: int | None = None,
) -> dict[str, list[Event]]:
    """The newest ``first`` events of each subject (after the event ``after``), ONE query.

    A window function numbers each subject's events newest first; ties on ``created_at``
    are broken by id, the order the log stored them.
    """
    conditions: list[ColumnElement[bool]] = [
        Event.subject_type == subject_type,
        Event.subject_id.in_(list(subject_ids)),
    ]
    if after is not None:
        anchor = select(Event.created_at, Event.id).where(Event.id == after).subquery()
        conditions.append(
            tuple_(Event.created_at, Event.id)
            < tuple_(select(anchor.c.created_at).scalar_subquery(), after)
        )
    rank = func.row_number().over(
        partition_by=Event.subject_id, order_by=(Event.created_at.desc(), Event.id.desc())
    )
    ranked = select(Event, rank.label("rank")).where(*conditions).subquery()
    row = aliased(Event, ranked)
    result = await session.scalars(
        select(row).where(ranked.c.rank <= first).order_by(ranked.c.subject_id, ranked.c.rank)
    )
    found: dict[str, list[Event]] = {subject_id: [] for subject_id in subject_ids}
    for event in result:
        if event.subject_id is not None:
            found.setdefault(event.subject_id, []).append(event)
    return found
