"""Per-request DataLoaders: every `_entities` call for payments is ONE SQL query."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from payments import repository
from payments.domain import PaymentSnapshot
from payments.service import snapshot

__all__ = ["Loaders", "payment_loader"]


def payment_loader(
    sessions: async_sessionmaker[AsyncSession],
) -> DataLoader[uuid.UUID, PaymentSnapshot | None]:
    async def load(ids: Sequence[uuid.UUID]) -> list[PaymentSnapshot | None]:
        async with sessions() as session:
            found = await repository.get_payments(session, payment_ids=ids)
        return [snapshot(found[i]) if i in found else None for i in ids]

    return DataLoader(load_fn=load)


class Loaders:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.payment = payment_loader(sessions)
