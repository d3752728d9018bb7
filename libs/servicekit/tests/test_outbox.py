"""The outbox relay against real PostgreSQL: order per subject, retries, several relays."""

import asyncio
import random
from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import MetaData, Table, func, select
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from servicekit.outbox import OutboxMessage, OutboxRelay, outbox_table, record_event
from servicekit.testing import fresh_database


@pytest.fixture
async def engine(postgres_server_url: str) -> AsyncIterator[AsyncEngine]:
    url = await fresh_database(postgres_server_url, "kit_outbox")
    engine = create_async_engine(url, pool_size=10)
    yield engine
    await engine.dispose()


@pytest.fixture
async def table(engine: AsyncEngine) -> Table:
    metadata = MetaData()
    table = outbox_table(metadata)
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return table


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


class Receiver:
    """Ingests like the events service: idempotent by event id, in arrival order."""

    def __init__(self, *, fail_first: int = 0, crash_after_ack: int = 0) -> None:
        self.log: dict[str, OutboxMessage] = {}
        self.arrivals: list[OutboxMessage] = []
        self.calls = 0
        self.fail_first = fail_first
        self.crash_after_ack = crash_after_ack

    async def __call__(self, batch: Sequence[OutboxMessage]) -> None:
        self.calls += 1
        if self.calls <= self.fail_first:
            raise ConnectionError("events service unreachable")
        await asyncio.sleep(random.uniform(0, 0.003))
        for message in batch:
            self.arrivals.append(message)
            self.log.setdefault(str(message.event_id), message)
        if self.crash_after_ack > 0:
            self.crash_after_ack -= 1
            raise RuntimeError("relay died after the receiver stored the batch")


async def _write(sessions: async_sessionmaker[AsyncSession], table: Table, n: int) -> None:
    async with sessions() as session, session.begin():
        for i in range(n):
            await record_event(
                session, table, subject_type="Payment", subject_id=f"p{i % 7}",
                kind="payment.changed", message=f"change {i}", payload={"i": i}, actor="alice",
            )  # fmt: skip


async def _pending(sessions: async_sessionmaker[AsyncSession], table: Table) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(table).where(table.c.delivered_at.is_(None))
        )
    return int(count or 0)


def _in_order_per_subject(arrivals: list[OutboxMessage]) -> bool:
    seen: dict[str, int] = {}
    for message in arrivals:
        i = int(message.payload["i"])
        if seen.get(message.subject_id, -1) > i:
            return False
        seen[message.subject_id] = i
    return True


async def test_a_rolled_back_change_leaves_no_event(sessions, table) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError):
        async with sessions() as session, session.begin():
            await record_event(
                session, table, subject_type="Payment", subject_id="p1", kind="x",
                message="never", payload={},
            )  # fmt: skip
            raise RuntimeError("the state change failed")
    assert await _pending(sessions, table) == 0


async def test_events_are_delivered_once_in_order_and_marked(sessions, table) -> None:  # type: ignore[no-untyped-def]
    await _write(sessions, table, 40)
    receiver = Receiver()
    relay = OutboxRelay(sessions=sessions, table=table, send=receiver, batch_size=8)
    while await relay.run_once():
        pass
    assert len(receiver.log) == 40
    assert len(receiver.arrivals) == 40
    assert _in_order_per_subject(receiver.arrivals)
    assert await _pending(sessions, table) == 0
    await relay.refresh_gauges()
    assert relay.backlog == 0


async def test_an_unreachable_receiver_keeps_the_rows_and_backs_off(sessions, table) -> None:  # type: ignore[no-untyped-def]
    await _write(sessions, table, 5)
    receiver = Receiver(fail_first=1)
    relay = OutboxRelay(
        sessions=sessions, table=table, send=receiver, backoff_base_seconds=0.01,
        backoff_cap_seconds=0.05,
    )  # fmt: skip
    assert await relay.run_once() == 0
    assert await _pending(sessions, table) == 5
    async with sessions() as session:
        attempts = (await session.execute(select(table.c.attempts))).scalars().all()
        assert set(attempts) == {1}
        await relay.refresh_gauges()
    assert relay.backlog == 5
    for _ in range(200):
        if await relay.run_once():
            break
        await asyncio.sleep(0.01)
    assert await _pending(sessions, table) == 0
    assert len(receiver.log) == 5


async def test_a_relay_dying_after_the_ack_duplicates_nothing_in_the_log(sessions, table) -> None:  # type: ignore[no-untyped-def]
    await _write(sessions, table, 6)
    receiver = Receiver(crash_after_ack=1)
    relay = OutboxRelay(
        sessions=sessions, table=table, send=receiver, backoff_base_seconds=0.001,
        backoff_cap_seconds=0.002,
    )  # fmt: skip
    for _ in range(500):
        await relay.run_once()
        if await _pending(sessions, table) == 0:
            break
        await asyncio.sleep(0.005)
    assert len(receiver.arrivals) == 12  # the first batch arrived twice …
    assert len(receiver.log) == 6  # … and the idempotent log kept it once


async def test_competing_relays_never_reorder_a_subject(sessions, table) -> None:  # type: ignore[no-untyped-def]
    await _write(sessions, table, 140)
    receiver = Receiver()
    relays = [
        OutboxRelay(sessions=sessions, table=table, send=receiver, batch_size=3) for _ in range(4)
    ]

    async def drain(relay: OutboxRelay) -> None:
        idle = 0
        while idle < 5:
            idle = 0 if await relay.run_once() else idle + 1
            await asyncio.sleep(0)

    await asyncio.gather(*(drain(r) for r in relays))
    assert await _pending(sessions, table) == 0
    assert len(receiver.arrivals) == 140
    assert len(receiver.log) == 140
    assert _in_order_per_subject(receiver.arrivals)
