"""DataLoaders: every ``_entities`` call resolves its events with ONE SQL query."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from events.models import Event
from events.repository import events_by_ids

__all__ = ["EventLoader", "event_loader"]

EventLoader = DataLoader[int, Event | None]


def event_loader(sessions: async_sessionmaker[AsyncSession]) -> EventLoader:
    async def load(ids: Sequence[int]) -> list[Event | None]:
        async with sessions() as session:
            found = await events_by_ids(session, ids=ids)
        return [found.get(event_id) for event_id in ids]

    return DataLoader(load_fn=load)
