"""DataLoaders: every ``_entities`` call resolves its events with ONE SQL query."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from events.models import Event
from events.repository import events_by_ids, events_of_subjects

__all__ = ["EventLoader", "TrailKey", "TrailLoader", "event_loader", "trail_loader"]

EventLoader = DataLoader[int, Event | None]


def event_loader(sessions: async_sessionmaker[AsyncSession]) -> EventLoader:
    async def load(ids: Sequence[int]) -> list[Event | None]:
        async with sessions() as session:
            found = await events_by_ids(session, ids=ids)
        return [found.get(event_id) for event_id in ids]

    return DataLoader(load_fn=load)


# (subject type, subject id, first, after) -> that subject's page of events, newest first.
TrailKey = tuple[str, str, int, int | None]
TrailLoader = DataLoader[TrailKey, list[Event]]


def trail_loader(sessions: async_sessionmaker[AsyncSession]) -> TrailLoader:
    """``Payment.events``/``Delivery.events`` of one ``_entities`` call: one query per
    distinct (type, first, after), which is one in practice."""

    async def load(keys: Sequence[TrailKey]) -> list[list[Event]]:
        groups: dict[tuple[str, int, int | None], list[str]] = {}
        for subject_type, subject_id, first, after in keys:
            groups.setdefault((subject_type, first, after), []).append(subject_id)
        pages: dict[TrailKey, list[Event]] = {}
        async with sessions() as session:
            for (subject_type, first, after), ids in groups.items():
                found = await events_of_subjects(
                    session, subject_type=subject_type, subject_ids=ids, first=first, after=after
                )
                for subject_id, rows in found.items():
                    pages[subject_type, subject_id, first, after] = rows
        return [pages.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
