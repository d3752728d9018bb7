"""The app's background task deletes expired idempotency keys (and keeps live ones)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from payments.models import idempotency_keys
from payments.testing import payments_client, settings_for


async def test_expired_keys_are_purged_in_the_background(
    database_url: str, engine: AsyncEngine
) -> None:
    scope = f"purge-{uuid.uuid4().hex[:8]}"
    row = {"scope": scope, "operation": "createPayment", "request_hash": "0" * 64,
           "outcome": {"ok": True, "value": None}}  # fmt: skip
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            insert(idempotency_keys),
            [
                {**row, "key": "expired", "expires_at": now - timedelta(seconds=1)},
                {**row, "key": "live", "expires_at": now + timedelta(hours=1)},
            ],
        )
    settings = settings_for(database_url=database_url, idempotency_purge_interval_seconds=0.05)
    left: list[str] = []
    try:
        async with payments_client(settings):
            for _ in range(200):  # bounded wait for the task's first rounds
                async with engine.connect() as conn:
                    query = select(idempotency_keys.c.key).where(idempotency_keys.c.scope == scope)
                    left = list((await conn.execute(query)).scalars())
                if left == ["live"]:
                    break
                await asyncio.sleep(0.05)
    finally:
        async with engine.begin() as conn:
            await conn.execute(delete(idempotency_keys).where(idempotency_keys.c.scope == scope))
    assert left == ["live"]
