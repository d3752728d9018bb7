"""DataLoaders: every batch of look-ups in a request is one SQL query.

``_entities`` with N ``Delivery`` representations calls ``resolve_reference`` N
times; each call goes through :attr:`Loaders.delivery_by_id`, which collects
the ids of one event-loop tick into one ``WHERE id IN (...)`` query.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from delivery import repository
from delivery.crypto import PiiCipher
from delivery.views import ChangeView, DeliveryView, to_view

__all__ = ["Loaders"]

T = TypeVar("T")


class Loaders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], cipher: PiiCipher) -> None:
        self._sessions = sessions
        self._cipher = cipher
        # One query at a time per request: sessions may share a connection (tests).
        self._lock = asyncio.Lock()
        self.delivery_by_id = DataLoader[uuid.UUID, DeliveryView | None](self._by_ids)
        self.delivery_by_payment_id = DataLoader[str, DeliveryView | None](self._by_payment_ids)
        self.history = DataLoader[uuid.UUID, list[ChangeView]](self._history)

    async def run(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self._lock, self._sessions() as session:
            return await query(session)

    async def _by_ids(self, ids: Sequence[uuid.UUID]) -> list[DeliveryView | None]:
        rows = await self.run(lambda s: repository.deliveries_by_ids(s, ids=list(set(ids))))
        found = {row.id: to_view(row, self._cipher) for row in rows}
        return [found.get(i) for i in ids]

    async def _by_payment_ids(self, payment_ids: Sequence[str]) -> list[DeliveryView | None]:
        rows = await self.run(
            lambda s: repository.deliveries_by_payment_ids(s, payment_ids=list(set(payment_ids)))
        )
        found = {row.payment_id: to_view(row, self._cipher) for row in rows}
        return [found.get(i) for i in payment_ids]

    async def _history(self, ids: Sequence[uuid.UUID]) -> list[list[ChangeView]]:
        rows = await self.run(lambda s: repository.status_changes_for(s, delivery_ids=list(ids)))
        grouped: dict[uuid.UUID, list[ChangeView]] = defaultdict(list)
        for row in rows:
            grouped[row.delivery_id].append(ChangeView.of(row))
        return [grouped.get(i, []) for i in ids]

    def prime(self, view: DeliveryView) -> DeliveryView:
        self.delivery_by_id.prime(view.id, view)
        return view
