"""Poison events and retention, against real PostgreSQL and a real HTTP receiver.

The receiver is an in-process ASGI app speaking the events service's ``ingestEvents``
contract (idempotent by id; a batch is stored whole or refused whole); the relay reaches it
through the real :class:`EventsSender` over HTTP (httpx's ASGI transport).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import generate_latest
from sqlalchemy import MetaData, Table, func, select, update
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from servicekit.metrics import ServiceMetrics
from servicekit.outbox import (
    DeliveryRefused,
    DeliveryRejected,
    EventsSender,
    OutboxMessage,
    OutboxRelay,
    outbox_table,
    record_event,
    relay_hook,
)
from servicekit.outbox_admin import discard_dead_letters, list_dead_letters, requeue_dead_letters
from servicekit.testing import fresh_database

SECRET = "dead-letter-test-secret-0123456789abcdef"
POISON = "poison"  # the receiver refuses any batch holding an event whose message starts so


class Receiver:
    """An events-like endpoint: ``mode`` says how it answers the next requests."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.refuses_poison = True
        self.arrivals: list[dict[str, Any]] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.requests = 0
        self.app = FastAPI()
        self.app.post("/graphql")(self.graphql)

    def _error(self, code: str, **extensions: Any) -> JSONResponse:
        errors = [{"message": "refused", "extensions": {"code": code, **extensions}}]
        return JSONResponse({"data": None, "errors": errors})

    async def graphql(self, request: Request) -> Any:
        self.requests += 1
        if self.mode == "503":
            return JSONResponse({"errors": [{"message": "down"}]}, status_code=503)
        if self.mode == "429":
            return JSONResponse({"errors": [{"message": "slow down"}]}, status_code=429)
        if self.mode == "unauthenticated":
            return self._error("UNAUTHENTICATED")
        events = json.loads(await request.body())["variables"]["events"]
        for index, event in enumerate(events):
            if self.refuses_poison and event["message"].startswith(POISON):
                return self._error("BAD_USER_INPUT", argumentName=f"events[{index}].message")
        for event in events:
            self.arrivals.append(event)
            self.stored.setdefault(event["id"], event)
        return JSONResponse({"data": {"ingestEvents": {"ingested": len(events), "duplicates": 0}}})


@pytest.fixture
async def engine(postgres_server_url: str) -> AsyncIterator[AsyncEngine]:
    url = await fresh_database(postgres_server_url, "kit_outbox_dead_letters")
    engine = create_async_engine(url, pool_size=5)
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


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
async def sender(receiver: Receiver) -> AsyncIterator[EventsSender]:
    transport = httpx.ASGITransport(app=receiver.app)
    async with httpx.AsyncClient(transport=transport) as client:
        yield EventsSender(
            client, url="http://events.test/graphql", secret=SECRET, component="payments",
            environment="test",
        )  # fmt: skip


def _relay(sessions: Any, table: Table, send: Any, **options: Any) -> OutboxRelay:
    return OutboxRelay(
        sessions=sessions, table=table, send=send, backoff_base_seconds=0.001,
        backoff_cap_seconds=0.002, **options,
    )  # fmt: skip


async def _write(
    sessions: async_sessionmaker[AsyncSession], table: Table, events: list[tuple[str, str]]
) -> dict[str, uuid.UUID]:
    """(subject, message) in this order, one transaction each; the ids by message."""
    ids = {}
    for subject, message in events:
        async with sessions() as session, session.begin():
            ids[message] = await record_event(
                session, table, subject_type="Payment", subject_id=subject, kind="payment.x",
                message=message, payload={"payerEmail": "payer@example.com"}, actor="alice",
            )  # fmt: skip
    return ids


async def _row(
    sessions: async_sessionmaker[AsyncSession], table: Table, event_id: uuid.UUID
) -> Any:
    async with sessions() as session:
        return (await session.execute(select(table).where(table.c.event_id == event_id))).one()


async def _pending(sessions: async_sessionmaker[AsyncSession], table: Table) -> int:
    async with sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(table)
            .where(table.c.delivered_at.is_(None), table.c.dead_at.is_(None))
        )
    return int(count or 0)


async def _drain(relay: OutboxRelay, sessions: Any, table: Table, rounds: int = 500) -> None:
    """Run the relay until nothing is pending (bounded: a hang fails, it never waits on time)."""
    for _ in range(rounds):
        await relay.run_once()
        if await _pending(sessions, table) == 0:
            return
        await asyncio.sleep(0.003)  # let the (millisecond) backoff expire
    raise AssertionError("the outbox did not drain")


def _order(receiver: Receiver, subject: str) -> list[str]:
    return [e["message"] for e in receiver.arrivals if e["subjectId"] == subject]


async def test_a_rejected_row_is_isolated_and_the_rest_of_its_batch_is_delivered(
    sessions: Any, table: Table, receiver: Receiver, sender: EventsSender
) -> None:
    ids = await _write(sessions, table, [("p", POISON), ("q", "q0"), ("r", "r0"), ("p", "p1")])
    relay = _relay(sessions, table, sender, max_rejections=3)
    assert await relay.run_once() == 2  # q0 and r0; p1 waits behind the poison
    assert sorted(e["message"] for e in receiver.arrivals) == ["q0", "r0"]
    poison = await _row(sessions, table, ids[POISON])
    assert (poison.rejections, poison.attempts, poison.dead_at) == (1, 1, None)
    assert poison.last_error == (
        "DeliveryRejected: events rejected the batch: BAD_USER_INPUT at events[0].message"
    )
    assert (await _row(sessions, table, ids["p1"])).delivered_at is None


async def test_a_poison_event_is_dead_lettered_then_requeued_once_the_receiver_accepts(
    sessions: Any,
    table: Table,
    receiver: Receiver,
    sender: EventsSender,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = await _write(
        sessions, table,
        [("p", "p0"), ("q", "q0"), ("p", POISON), ("p", "p2"), ("q", "q1"), ("p", "p3")],
    )  # fmt: skip
    relay = _relay(sessions, table, sender, max_rejections=4, batch_size=10)
    with caplog.at_level(logging.WARNING, logger="servicekit.outbox"):
        await _drain(relay, sessions, table)

    # The subject's later events went ahead of the dead letter; other subjects never waited.
    assert _order(receiver, "p") == ["p0", "p2", "p3"]
    assert _order(receiver, "q") == ["q0", "q1"]
    dead = await _row(sessions, table, ids[POISON])
    assert dead.dead_at is not None
    assert dead.delivered_at is None
    assert (dead.rejections, dead.attempts) == (4, 4)
    assert "BAD_USER_INPUT" in dead.last_error
    await relay.refresh_gauges()
    assert (relay.dead_letters, relay.backlog, relay.dead_lettered_total) == (1, 0, 1)

    # One ERROR line names the event, never its payload.
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert errors[0].__dict__["event_id"] == str(ids[POISON])
    assert errors[0].__dict__["subject_id"] == "p"
    assert errors[0].__dict__["kind"] == "payment.x"
    assert "payer@example.com" not in str(errors[0].__dict__)

    letters, total = await list_dead_letters(sessions, table)
    assert total == 1
    assert [letter.event_id for letter in letters] == [ids[POISON]]
    assert "payer@example.com" not in letters[0].line()

    # The receiver is fixed: the requeued letter is sent once more and delivered.
    receiver.refuses_poison = False
    assert await requeue_dead_letters(sessions, table, [ids[POISON]]) == [ids[POISON]]
    requeued = await _row(sessions, table, ids[POISON])
    assert (requeued.dead_at, requeued.rejections, requeued.attempts) == (None, 0, 0)
    before = len(receiver.arrivals)
    await _drain(relay, sessions, table)
    assert [e["id"] for e in receiver.arrivals[before:]] == [str(ids[POISON])]
    assert (await _row(sessions, table, ids[POISON])).delivered_at is not None
    await relay.refresh_gauges()
    assert relay.dead_letters == 0


@pytest.mark.parametrize("mode", ["503", "429", "unauthenticated"])
async def test_transient_failures_never_dead_letter(
    sessions: Any, table: Table, receiver: Receiver, sender: EventsSender, mode: str
) -> None:
    ids = await _write(sessions, table, [("p", "p0"), ("p", "p1")])
    relay = _relay(sessions, table, sender, max_rejections=2)
    receiver.mode = mode
    while receiver.requests < 6:  # three times the rejections that would dead-letter
        await relay.run_once()
        await asyncio.sleep(0.003)
    first = await _row(sessions, table, ids["p0"])
    assert first.attempts >= 6
    assert (first.rejections, first.dead_at, first.delivered_at) == (0, None, None)
    assert first.last_error.startswith("DeliveryRefused: events ")
    receiver.mode = "ok"
    await _drain(relay, sessions, table)
    assert _order(receiver, "p") == ["p0", "p1"]
    assert relay.dead_lettered_total == 0


async def test_an_unreachable_receiver_never_dead_letters(sessions: Any, table: Table) -> None:
    ids = await _write(sessions, table, [("p", "p0")])
    async with httpx.AsyncClient() as client:
        closed_port = EventsSender(
            client, url="http://127.0.0.1:9/graphql", secret=SECRET, component="payments",
            environment="test", timeout_seconds=2.0,
        )  # fmt: skip
        relay = _relay(sessions, table, closed_port, max_rejections=1)
        for _ in range(3):
            assert await relay.run_once() == 0
            await asyncio.sleep(0.003)
    row = await _row(sessions, table, ids["p0"])
    assert (row.attempts, row.rejections, row.dead_at) == (3, 0, None)
    assert row.last_error.startswith("ConnectError")


async def test_requeue_and_discard_touch_dead_letters_only(
    sessions: Any, table: Table, receiver: Receiver, sender: EventsSender
) -> None:
    ids = await _write(sessions, table, [("a", "poison a"), ("b", "poison b"), ("c", "c0")])
    relay = _relay(sessions, table, sender, max_rejections=1)
    await _drain(relay, sessions, table)
    unknown = uuid.uuid4()
    assert await discard_dead_letters(sessions, table, [ids["c0"], unknown]) == []
    assert await requeue_dead_letters(sessions, table, [ids["c0"], unknown]) == []
    assert await discard_dead_letters(sessions, table, [ids["poison a"]]) == [ids["poison a"]]
    letters, total = await list_dead_letters(sessions, table)
    assert (total, [letter.event_id for letter in letters]) == (1, [ids["poison b"]])
    assert await requeue_dead_letters(sessions, table, None) == [ids["poison b"]]
    assert await list_dead_letters(sessions, table) == ([], 0)
    assert await _pending(sessions, table) == 1  # poison b, due again
    async with sessions() as session:
        left = set((await session.scalars(select(table.c.event_id))).all())
    assert left == {ids["poison b"], ids["c0"]}
    assert (await _row(sessions, table, ids["c0"])).delivered_at is not None


def _message(payload: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        event_id=uuid.uuid4(), subject_type="Payment", subject_id="p", kind="k", actor=None,
        message="m", payload=payload, occurred_at=datetime.now(UTC),
    )  # fmt: skip


async def test_an_event_that_cannot_be_serialised_is_rejected_not_retried_forever(
    sender: EventsSender, receiver: Receiver
) -> None:
    with pytest.raises(DeliveryRejected, match="cannot be serialised"):
        await sender([_message({"amount": {1, 2}})])
    with pytest.raises(DeliveryRejected, match="cannot be serialised"):
        await sender([_message({"ratio": float("nan")})])
    assert receiver.requests == 0


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, {"data": {"ingestEvents": {"ingested": 1, "duplicates": 0}}}, None),
        (200, {"data": None, "errors": [{"extensions": {"code": "BAD_USER_INPUT"}}]},
         DeliveryRejected),
        (200, {"data": None, "errors": [{"extensions": {"code": "EVENT_ID_CONFLICT"}}]},
         DeliveryRejected),
        (400, {"errors": [{"extensions": {"code": "BAD_USER_INPUT"}}]}, DeliveryRejected),
        (413, "too large", DeliveryRejected),
        (422, {"detail": "unprocessable"}, DeliveryRejected),
        # a schema drift or an auth problem is not the event's fault: retried
        (400, {"errors": [{"extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]},
         DeliveryRefused),
        (200, {"errors": [{"extensions": {"code": "BAD_USER_INPUT"}},
                          {"extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}, DeliveryRefused),
        (200, {"errors": [{"extensions": {"code": "FORBIDDEN"}}]}, DeliveryRefused),
        (401, {"errors": [{"message": "no"}]}, DeliveryRefused),
        (404, "not found", DeliveryRefused),
        (500, {"errors": [{"extensions": {"code": "BAD_USER_INPUT"}}]}, DeliveryRefused),
        (502, "bad gateway", DeliveryRefused),
        (429, "slow down", DeliveryRefused),
        (200, {"data": None}, DeliveryRefused),
        (200, "not json", DeliveryRefused),
    ],
)  # fmt: skip
async def test_answers_are_classified_transient_or_permanent(
    status: int, body: Any, expected: type[Exception] | None
) -> None:
    app = FastAPI()

    @app.post("/graphql")
    async def answer() -> Any:
        if isinstance(body, str):
            return PlainTextResponse(body, status_code=status)
        return JSONResponse(body, status_code=status)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
        sender = EventsSender(
            client, url="http://events.test/graphql", secret=SECRET, component="c",
            environment="test",
        )  # fmt: skip
        if expected is None:
            await sender([_message({})])
            return
        with pytest.raises(expected) as raised:
            await sender([_message({})])
        assert type(raised.value) is expected


async def test_retention_purges_only_old_delivered_rows_in_small_batches(
    sessions: Any, table: Table, receiver: Receiver, sender: EventsSender
) -> None:
    ids = await _write(sessions, table, [(f"s{i}", f"m{i}") for i in range(7)])
    ids |= await _write(sessions, table, [("x", POISON), ("y", "never sent")])
    relay = _relay(sessions, table, sender, max_rejections=1, retention_seconds=86_400,
                   purge_batch_size=2)  # fmt: skip
    await _drain(relay, sessions, table)
    old = [ids[f"m{i}"] for i in range(5)]
    async with sessions() as session, session.begin():
        # Five deliveries from last week; the dead letter and a pending row are older still.
        await session.execute(
            update(table)
            .where(table.c.event_id.in_(old))
            .values(delivered_at=func.now() - timedelta(days=8))
        )
        await session.execute(
            update(table)
            .where(table.c.event_id == ids["never sent"])
            .values(delivered_at=None, occurred_at=func.now() - timedelta(days=30))
        )
        await session.execute(
            update(table)
            .where(table.c.event_id == ids[POISON])
            .values(occurred_at=func.now() - timedelta(days=30),
                    dead_at=func.now() - timedelta(days=30))
        )  # fmt: skip

    assert await relay.purge_delivered() == 5
    assert relay.purged_total == 5
    async with sessions() as session:
        left = set((await session.scalars(select(table.c.event_id))).all())
    assert left == {ids["m5"], ids["m6"], ids[POISON], ids["never sent"]}
    assert await relay.purge_delivered() == 0


async def test_a_large_purge_is_spread_over_loop_iterations(
    sessions: Any, table: Table, receiver: Receiver, sender: EventsSender
) -> None:
    await _write(sessions, table, [(f"s{i}", f"m{i}") for i in range(5)])
    relay = _relay(sessions, table, sender, purge_batch_size=2, purge_max_batches=1,
                   purge_interval_seconds=3600)  # fmt: skip
    await _drain(relay, sessions, table)
    async with sessions() as session, session.begin():
        await session.execute(update(table).values(delivered_at=func.now() - timedelta(days=8)))
    purged = []
    for _ in range(4):  # each iteration purges one bounded batch; the pass continues at once
        await relay._purge_when_due()
        purged.append(relay.purged_total)
    assert purged == [2, 4, 5, 5]  # the short batch ended the pass; the next waits an hour


async def test_retention_zero_keeps_everything(
    sessions: Any, table: Table, receiver: Receiver, sender: EventsSender
) -> None:
    await _write(sessions, table, [("s", "m0")])
    relay = _relay(sessions, table, sender, retention_seconds=0)
    await _drain(relay, sessions, table)
    async with sessions() as session, session.begin():
        await session.execute(update(table).values(delivered_at=func.now() - timedelta(days=999)))
    assert await relay.purge_delivered() == 0


async def test_the_running_relay_exposes_dead_letters_and_purges_in_metrics(
    sessions: Any, table: Table, receiver: Receiver, sender: EventsSender
) -> None:
    ids = await _write(sessions, table, [("p", POISON), ("p", "p1"), ("q", "q0")])
    async with sessions() as session, session.begin():
        await session.execute(
            update(table)
            .where(table.c.event_id == ids["q0"])
            .values(delivered_at=func.now() - timedelta(days=30))
        )
    relay = _relay(sessions, table, sender, max_rejections=2, idle_seconds=0.01)
    state = SimpleNamespace(metrics=ServiceMetrics("payments"), extras={})
    async with relay_hook(lambda _: relay)(state):
        for _ in range(1000):  # bounded wait for the background loop
            if relay.dead_letters == 1 and relay.purged_total == 1 and relay.backlog == 0:
                break
            await asyncio.sleep(0.01)
        exposition = generate_latest(state.metrics.registry).decode()
    assert "outbox_dead_letters 1.0" in exposition
    assert "outbox_dead_lettered_total 1.0" in exposition
    assert "outbox_purged_total 1.0" in exposition
    assert "outbox_backlog 0.0" in exposition
    assert _order(receiver, "p") == ["p1"]
