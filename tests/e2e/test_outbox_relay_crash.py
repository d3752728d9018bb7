"""A relay killed between the events service's acknowledgement and marking its rows delivered
sends them again; the real events app stores each event once, in order per subject.

Real PostgreSQL (the payments outbox as migrated, the events log as migrated) and the real
events app in process over ASGI; only the relay's death is simulated (the sender raises after
the events app answered, so the claim transaction rolls back as if the process had died).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from events.config import Settings as EventsSettings
from events.main import create_app as create_events_app
from events.models import Event
from payments.models import outbox
from servicekit.database import create_engine
from servicekit.migrations import upgrade_with_engine
from servicekit.outbox import EventsSender, OutboxMessage, OutboxRelay, record_event
from servicekit.testing import fresh_database

SECRET = "relay-crash-test-secret-0123456789abcdef"
SUBJECTS = 5
PER_SUBJECT = 8


async def _migrated(server: str, name: str, settings: Any, package: str) -> Any:
    url = await fresh_database(server, name)
    engine = create_engine(settings, url=url)
    await upgrade_with_engine(package, engine)
    return engine


@pytest.fixture
async def databases(postgres_server_url: str) -> AsyncIterator[tuple[Any, Any]]:
    settings = EventsSettings(env="test", jwt_secret=SecretStr(SECRET))
    source = await _migrated(
        postgres_server_url, "relay_crash_payments", settings, "payments.migrations"
    )
    log = await _migrated(postgres_server_url, "relay_crash_events", settings, "events.migrations")
    yield source, log
    await source.dispose()
    await log.dispose()


class DiesAfterAck:
    """The real sender, then death before the relay can mark: for the first ``deaths`` calls."""

    def __init__(self, sender: EventsSender, deaths: int) -> None:
        self.sender, self.deaths = sender, deaths
        self.sent: list[uuid.UUID] = []

    async def __call__(self, batch: Sequence[OutboxMessage]) -> None:
        await self.sender(batch)  # the events service has stored the batch
        self.sent.extend(m.event_id for m in batch)
        if self.deaths > 0:
            self.deaths -= 1
            raise RuntimeError("relay killed between delivering and marking delivered")


def _events_app(log_engine: Any) -> Any:
    return create_events_app(
        EventsSettings(
            env="test",
            database_url=log_engine.url.render_as_string(hide_password=False),
            app_secret=SecretStr(SECRET),
            jwt_secret=SecretStr(SECRET),
        )
    )


async def test_a_refused_batch_stays_pending_with_its_error(databases: tuple[Any, Any]) -> None:
    source_engine, log_engine = databases
    source = async_sessionmaker(source_engine, expire_on_commit=False)
    async with source() as session, session.begin():
        for step in range(2):
            await record_event(
                session, outbox, subject_type="Payment", subject_id="pay-x", kind="k",
                message=f"m{step}", payload={}, actor="alice@example.com",
            )  # fmt: skip
    app = _events_app(log_engine)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http,
    ):
        forged = EventsSender(
            http, url="http://events.test/graphql", secret="not-the-events-secret-0123456789",
            component="payments", environment="test",
        )  # fmt: skip
        relay = OutboxRelay(sessions=source, table=outbox, send=forged)
        assert await relay.run_once() == 0
        await relay.refresh_gauges()
    assert (relay.failures_total, relay.backlog) == (1, 2)
    async with source() as session:
        errors = (await session.scalars(select(outbox.c.last_error).order_by(outbox.c.seq))).all()
    # Only the subject's first change was due: the second waits behind it (order per subject).
    assert errors == ["DeliveryRefused: events refused the batch: UNAUTHENTICATED", None]


async def test_a_relay_killed_after_the_ack_duplicates_nothing(
    databases: tuple[Any, Any],
) -> None:
    source_engine, log_engine = databases
    source = async_sessionmaker(source_engine, expire_on_commit=False)
    log = async_sessionmaker(log_engine, expire_on_commit=False)
    expected: dict[str, list[uuid.UUID]] = {}
    for step in range(PER_SUBJECT):  # one transaction per change, subjects interleaved
        for s in range(SUBJECTS):
            async with source() as session, session.begin():
                event_id = await record_event(
                    session, outbox, subject_type="Payment", subject_id=f"pay-{s}",
                    kind="payment.changed", message=f"change {step}", payload={"step": step},
                    actor="alice@example.com",
                )  # fmt: skip
            expected.setdefault(f"pay-{s}", []).append(event_id)

    events_app = _events_app(log_engine)
    async with (
        events_app.router.lifespan_context(events_app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=events_app)) as http,
    ):
        sender = EventsSender(
            http, url="http://events.test/graphql", secret=SECRET, component="payments",
            environment="test",
        )  # fmt: skip
        dying = DiesAfterAck(sender, deaths=3)
        relay = OutboxRelay(
            sessions=source, table=outbox, send=dying, batch_size=7,
            backoff_base_seconds=0.001, backoff_cap_seconds=0.01,
        )  # fmt: skip
        for _ in range(200):  # bounded: every row delivered long before
            await relay.run_once()
            async with source() as session:
                pending = await session.scalar(
                    select(func.count()).select_from(outbox).where(outbox.c.delivered_at.is_(None))
                )
            if pending == 0:
                break

    assert pending == 0
    total = SUBJECTS * PER_SUBJECT
    assert len(dying.sent) > total  # the killed batches really were sent twice
    async with log() as session:
        rows = (
            await session.execute(
                select(Event.source_event_id, Event.subject_id).order_by(Event.id)
            )
        ).all()
    assert len(rows) == len({r.source_event_id for r in rows}) == total
    stored: dict[str, list[uuid.UUID]] = {}
    for row in rows:
        assert row.subject_id is not None
        assert row.source_event_id is not None
        stored.setdefault(row.subject_id, []).append(row.source_event_id)
    assert stored == expected
