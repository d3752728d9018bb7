"""Re-encrypt every delivery's personal data under the active key.

Runs in batches, one transaction each, so it never holds many locks for long;
rows already under the active key are left alone, so running it again (or
after an interruption) is safe. Rows locked by a concurrent transaction are
skipped and reported as remaining; a second run picks them up.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery import repository
from delivery.crypto import PiiCipher
from delivery.models import Delivery
from delivery.pii import open_recipient, seal_recipient

__all__ = ["RotationResult", "rotate_pii_key"]


@dataclass(frozen=True, slots=True)
class RotationResult:
    active_key_id: str
    rotated: int
    remaining: int


async def rotate_pii_key(
    sessions: async_sessionmaker[AsyncSession], *, cipher: PiiCipher, batch_size: int = 500
) -> RotationResult:
    rotated = 0
    while True:
        async with sessions() as session, session.begin():
            rows = await repository.lock_rows_to_rotate(
                session, active_key_id=cipher.active, limit=batch_size
            )
            for row in rows:
                recipient = open_recipient(
                    cipher, key_id=row.pii_key_id, blob=row.pii_ciphertext, delivery_id=row.id
                )
                row.pii_key_id, row.pii_ciphertext = seal_recipient(
                    cipher, recipient, delivery_id=row.id
                )
        rotated += len(rows)
        if len(rows) < batch_size:
            break
    async with sessions() as session:
        remaining = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.pii_key_id != cipher.active)
        )
    return RotationResult(active_key_id=cipher.active, rotated=rotated, remaining=remaining or 0)
