"""servicekit.idempotency on a real PostgreSQL: replay, reuse, errors, concurrency, expiry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from servicekit.errors import AppError, BadUserInput, InvalidState
from servicekit.idempotency import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    idempotency_table,
    purge_expired,
    request_hash,
    run_idempotent,
    validate_key,
)
from servicekit.testing import fresh_database

metadata = MetaData()
keys_table = idempotency_table(metadata, name="test_idempotency_keys")
effects = Table(
    "test_effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("scope", String(1000), nullable=False),
    Column("amount", Integer, nullable=False),
)


@pytest.fixture(scope="session")
async def engine(postgres_server_url: str) -> AsyncIterator[AsyncEngine]:
    url = await fresh_database(postgres_server_url, "servicekit_idempotency_test")
    engine = create_async_engine(url, pool_size=25, max_overflow=5)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
def scope() -> str:
    return f"caller-{uuid.uuid4().hex[:12]}"


async def _count(sessions: async_sessionmaker[AsyncSession], table: Table, scope: str) -> int:
    async with sessions() as session:
        query = select(func.count()).select_from(table).where(table.c.scope == scope)
        return int((await session.execute(query)).scalar_one())


def _json(value: dict[str, Any]) -> dict[str, Any]:
    return dict(value)


def _charge(scope: str, amount: int, calls: list[int] | None = None) -> Any:
    async def action(session: AsyncSession) -> dict[str, Any]:
        if calls is not None:
            calls.append(amount)
        if amount <= 0:
            raise InvalidState("declined", currentStatus="FAILED")
        row = await session.execute(
            effects.insert().values(scope=scope, amount=amount).returning(effects.c.id)
        )
        return {"id": row.scalar_one(), "amount": amount}

    return action


async def _run(
    sessions: async_sessionmaker[AsyncSession],
    scope: str,
    key: str,
    amount: int,
    calls: list[int] | None = None,
    **options: Any,
) -> dict[str, Any]:
    return await run_idempotent(
        sessions, table=keys_table, scope=scope, key=key, operation="charge",
        request={"amount": amount}, action=_charge(scope, amount, calls),
        encode=_json, decode=_json, **options,
    )  # fmt: skip


async def test_the_same_key_and_input_replays_the_first_result_without_a_second_effect(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    calls: list[int] = []
    first = await _run(sessions, scope, "k1", 500, calls)
    again = await _run(sessions, scope, "k1", 500, calls)
    assert again == first
    assert calls == [500]
    assert await _count(sessions, effects, scope) == 1


async def test_the_same_key_with_other_input_is_refused_and_writes_nothing(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    await _run(sessions, scope, "k1", 500)
    calls: list[int] = []
    with pytest.raises(IdempotencyKeyReused) as caught:
        await _run(sessions, scope, "k1", 700, calls)
    assert caught.value.extensions["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert calls == []
    assert await _count(sessions, effects, scope) == 1


async def test_the_same_key_for_another_operation_is_refused(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    await _run(sessions, scope, "k1", 500)
    with pytest.raises(IdempotencyKeyReused):
        await run_idempotent(
            sessions, table=keys_table, scope=scope, key="k1", operation="refund",
            request={"amount": 500}, action=_charge(scope, 500), encode=_json, decode=_json,
        )  # fmt: skip


async def test_keys_are_scoped_per_caller(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    other = f"{scope}-other"
    first = await _run(sessions, scope, "shared", 500)
    second = await _run(sessions, other, "shared", 900)
    assert first["amount"] == 500
    assert second["amount"] == 900
    assert await _count(sessions, effects, other) == 1


async def test_an_overlong_scope_is_kept_apart_by_its_hash(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    long_a, long_b = scope + "a" * 300, scope + "b" * 300
    assert (await _run(sessions, long_a, "k", 1))["amount"] == 1
    assert (await _run(sessions, long_b, "k", 2))["amount"] == 2
    assert (await _run(sessions, long_a, "k", 1))["amount"] == 1


async def test_an_error_outcome_is_stored_and_replayed_and_its_effects_rolled_back(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    calls: list[int] = []
    with pytest.raises(AppError) as first:
        await _run(sessions, scope, "k-err", 0, calls)
    with pytest.raises(AppError) as again:
        await _run(sessions, scope, "k-err", 0, calls)
    assert calls == [0]
    assert again.value.message == first.value.message == "declined"
    assert again.value.extensions == {"code": "INVALID_STATE", "currentStatus": "FAILED"}
    assert await _count(sessions, effects, scope) == 0
    assert await _count(sessions, keys_table, scope) == 1


async def test_an_unexpected_exception_stores_nothing_so_the_client_may_retry(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    async def broken(session: AsyncSession) -> dict[str, Any]:
        await session.execute(effects.insert().values(scope=scope, amount=1))
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        await run_idempotent(
            sessions, table=keys_table, scope=scope, key="k", operation="charge",
            request={"amount": 1}, action=broken, encode=_json, decode=_json,
        )  # fmt: skip
    assert await _count(sessions, keys_table, scope) == 0
    assert await _count(sessions, effects, scope) == 0
    assert (await _run(sessions, scope, "k", 1))["amount"] == 1


async def test_concurrent_duplicates_run_the_action_once_and_all_get_the_same_answer(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    calls: list[int] = []
    results = await asyncio.gather(*(_run(sessions, scope, "burst", 300, calls) for _ in range(20)))
    assert calls == [300]
    assert all(result == results[0] for result in results)
    assert await _count(sessions, effects, scope) == 1


async def test_a_duplicate_that_waits_too_long_gets_in_progress_and_no_second_effect(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(session: AsyncSession) -> dict[str, Any]:
        started.set()
        await release.wait()
        await session.execute(effects.insert().values(scope=scope, amount=5))
        return {"amount": 5}

    first = asyncio.create_task(
        run_idempotent(
            sessions,
            table=keys_table,
            scope=scope,
            key="slow",
            operation="charge",
            request={"amount": 5},
            action=slow,
            encode=_json,
            decode=_json,
        )
    )
    await started.wait()
    calls: list[int] = []
    with pytest.raises(IdempotencyInProgress) as caught:
        await _run(sessions, scope, "slow", 5, calls, wait_seconds=0.05)
    assert caught.value.extensions["code"] == "IDEMPOTENCY_IN_PROGRESS"
    release.set()
    assert await first == {"amount": 5}
    assert calls == []
    assert await _count(sessions, effects, scope) == 1
    # Once the first has finished, the duplicate is answered from the record.
    assert await _run(sessions, scope, "slow", 5, calls) == {"amount": 5}
    assert calls == []


async def test_an_expired_key_is_free_again_and_purged(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    await _run(sessions, scope, "old", 100, retention=timedelta(seconds=-1))
    calls: list[int] = []
    reused = await _run(sessions, scope, "old", 200, calls)
    assert reused["amount"] == 200
    assert calls == [200]
    await _run(sessions, scope, "gone", 100, retention=timedelta(seconds=-1))
    await _run(sessions, scope, "gone-too", 100, retention=timedelta(seconds=-1))
    await _run(sessions, scope, "kept", 100)
    assert await purge_expired(sessions, table=keys_table, batch_size=1) >= 2
    async with sessions() as session:
        left = await session.execute(
            select(keys_table.c.key).where(keys_table.c.scope == scope).order_by(keys_table.c.key)
        )
        assert left.scalars().all() == ["kept", "old"]


async def test_purge_keeps_live_records(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    await _run(sessions, scope, "live", 100)
    await purge_expired(sessions, table=keys_table)
    assert await _count(sessions, keys_table, scope) == 1


@pytest.mark.parametrize("key", ["", "   ", "x" * 256])
def test_keys_must_have_1_to_255_characters(key: str) -> None:
    with pytest.raises(BadUserInput) as caught:
        validate_key(key)
    assert caught.value.extensions == {"code": "BAD_USER_INPUT", "argumentName": "idempotencyKey"}


def test_a_255_character_key_is_accepted() -> None:
    assert validate_key("k" * 255) == "k" * 255


def test_the_request_hash_ignores_key_order_but_not_values() -> None:
    assert request_hash("op", {"a": 1, "b": 2}) == request_hash("op", {"b": 2, "a": 1})
    assert request_hash("op", {"a": 1}) != request_hash("op", {"a": 2})
    assert request_hash("op", {"a": 1}) != request_hash("other", {"a": 1})


async def test_the_lock_timeout_is_restored_after_claiming(
    sessions: async_sessionmaker[AsyncSession], scope: str
) -> None:
    seen: list[str] = []

    async def action(session: AsyncSession) -> dict[str, Any]:
        seen.append(str((await session.execute(text("SHOW lock_timeout"))).scalar_one()))
        return {}

    await run_idempotent(
        sessions, table=keys_table, scope=scope, key="t", operation="noop", request={},
        action=action, encode=_json, decode=_json, wait_seconds=0.5,
    )  # fmt: skip
    assert seen == ["0"]
