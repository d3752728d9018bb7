"""A poison event against the real events service: it rejects the event's content with
BAD_USER_INPUT; the relay isolates it from its batch, dead-letters it after the configured
rejections, and the subject's later events reach the log.

Real PostgreSQL (the payments outbox and the events log, both as migrated) and the real
events app in process over ASGI, reached by the real sender.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from events.config import Settings as EventsSettings
from events.main import create_app as create_events_app
from events.models import MAX_MESSAGE_LENGTH, Event
from payments.models import outbox
from servicekit.database import create_engine
from servicekit.migrations import upgrade_with_engine
from servicekit.outbox import EventsSender, OutboxRelay, record_event
from servicekit.outbox_admin import list_dead_letters, requeue_dead_letters
from servicekit.testing import fresh_database

SECRET = "dead-letter-e2e-secret-0123456789abcdef"
TOO_LONG = "x" * (MAX_MESSAGE_LENGTH + 1)  # events refuses it: BAD_USER_INPUT


async def _migrated(server: str, name: str, settings: Any, package: str) -> Any:
    engine = create_engine(settings, url=await fresh_database(server, name))
    await upgrade_with_engine(package, engine)
    return engine


@pytest.fixture
async def databases(postgres_server_url: str) -> AsyncIterator[tuple[Any, Any]]:
    settings = EventsSettings(env="test", jwt_secret=SecretStr(SECRET))
    source = await _migrated(postgres_server_url, "dlq_payments", settings, "payments.migrations")
    log = await _migrated(postgres_server_url, "dlq_events", settings, "events.migrations")
    yield source, log
    await source.dispose()
    await log.dispose()


async def test_a_poison_event_is_dead_lettered_and_its_subject_proceeds(
    databases: tuple[Any, Any],
) -> None:
    source_engine, log_engine = databases
    source = async_sessionmaker(source_engine, expire_on_commit=False)
    log = async_sessionmaker(log_engine, expire_on_commit=False)
    changes = [("pay-1", "created"), ("pay-2", "created"), ("pay-1", TOO_LONG),
               ("pay-1", "captured"), ("pay-2", "captured")]  # fmt: skip
    ids = []
    for subject, message in changes:
        async with source() as session, session.begin():
            ids.append(
                await record_event(
                    session,
                    outbox,
                    subject_type="Payment",
                    subject_id=subject,
                    kind="payment.changed",
                    message=message,
                    payload={"amount": 100},
                    actor="alice@example.com",
                )
            )
    poison = ids[2]

    app = create_events_app(
        EventsSettings(
            env="test",
            database_url=log_engine.url.render_as_string(hide_password=False),
            app_secret=SecretStr(SECRET),
            jwt_secret=SecretStr(SECRET),
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http,
    ):
        sender = EventsSender(
            http, url="http://events.test/graphql", secret=SECRET, component="payments",
            environment="test",
        )  # fmt: skip
        relay = OutboxRelay(
            sessions=source, table=outbox, send=sender, max_rejections=3,
            backoff_base_seconds=0.001, backoff_cap_seconds=0.002,
        )  # fmt: skip

        async def drain() -> None:
            for _ in range(300):  # bounded: a hang fails instead of waiting
                await relay.run_once()
                async with source() as session:
                    pending = await session.scalar(
                        select(func.count())
                        .select_from(outbox)
                        .where(outbox.c.delivered_at.is_(None), outbox.c.dead_at.is_(None))
                    )
                if pending == 0:
                    return
                await asyncio.sleep(0.003)
            raise AssertionError("the outbox did not drain")

        await drain()
        async with log() as session:
            stored = (
                await session.execute(
                    select(Event.source_event_id, Event.subject_id, Event.message).order_by(
                        Event.id
                    )
                )
            ).all()
        by_subject: dict[str, list[str]] = {}
        for row in stored:
            assert row.subject_id is not None
            by_subject.setdefault(row.subject_id, []).append(row.message)
        assert by_subject == {"pay-1": ["created", "captured"], "pay-2": ["created", "captured"]}
        assert poison not in {row.source_event_id for row in stored}

        letters, total = await list_dead_letters(source, outbox)
        assert total == 1
        assert letters[0].event_id == poison
        assert letters[0].rejections == 3
        assert letters[0].last_error == (
            "DeliveryRejected: events rejected the batch: BAD_USER_INPUT at events[0].message"
        )

        # Requeued while events still refuses it: sent again, dead again, nothing else moves.
        calls_before = relay.rejections_total
        assert await requeue_dead_letters(source, outbox, None) == [poison]
        await drain()
        assert relay.rejections_total == calls_before + 3
        assert (await list_dead_letters(source, outbox))[1] == 1
        async with log() as session:
            assert await session.scalar(select(func.count()).select_from(Event)) == len(stored)
