"""Many simultaneous requests against a real engine-backed app (no shared connection).

These tests commit; each uses its own payments and callers and deletes its rows.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from delivery_testkit import Gql, Payments, codes, make_settings, running_delivery, schedule
from delivery_testkit import token as make_token
from delivery_testkit import update as update_status
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from starlette.types import ASGIApp

from delivery.models import Delivery, StatusChange, idempotency_keys

CALLS = 20


@pytest.fixture
async def live(database_url: str, payments_app: ASGIApp) -> AsyncIterator[Gql]:
    settings = make_settings(database_url=database_url, db_pool_size=CALLS + 5)
    async with running_delivery(settings, payments_app=payments_app) as gql:
        yield gql


@pytest.fixture
async def cleanup(engine: AsyncEngine) -> AsyncIterator[dict[str, list[str]]]:
    """Collects what a test commits, and deletes it afterwards."""
    created: dict[str, list[str]] = {"payments": [], "scopes": []}
    yield created
    async with async_sessionmaker(engine)() as session, session.begin():
        await session.execute(delete(Delivery).where(Delivery.payment_id.in_(created["payments"])))
        await session.execute(
            delete(idempotency_keys).where(idempotency_keys.c.scope.in_(created["scopes"]))
        )


async def _rows_for(engine: AsyncEngine, payment_id: str) -> list[Delivery]:
    async with async_sessionmaker(engine)() as session:
        found = await session.scalars(select(Delivery).where(Delivery.payment_id == payment_id))
        return list(found)


def _caller(cleanup: dict[str, list[str]], *scopes: str) -> tuple[str, str]:
    subject = f"payer-{uuid.uuid4().hex[:10]}@example.com"
    cleanup["scopes"].append(subject)
    return subject, make_token(subject, *scopes)


async def test_twenty_simultaneous_schedules_make_one_delivery(
    live: Gql, payments: Payments, engine: AsyncEngine, cleanup: dict[str, list[str]]
) -> None:
    payer, bearer = _caller(cleanup)
    payment_id = await payments.add(payer=payer)
    cleanup["payments"].append(payment_id)

    results = await asyncio.gather(
        *(schedule(live, payment_id, key=f"attempt-{n}", as_=bearer) for n in range(CALLS))
    )

    succeeded = [r for r in results if r.get("data")]
    assert len(succeeded) == 1
    outcome = Counter(code for r in results for code in codes(r))
    assert outcome == Counter({"INVALID_STATE": CALLS - 1})
    rows = await _rows_for(engine, payment_id)
    assert [str(r.id) for r in rows] == [succeeded[0]["data"]["scheduleDelivery"]["id"]]


async def test_twenty_simultaneous_retries_of_one_request_answer_alike(
    live: Gql, payments: Payments, engine: AsyncEngine, cleanup: dict[str, list[str]]
) -> None:
    payer, bearer = _caller(cleanup)
    payment_id = await payments.add(payer=payer)
    cleanup["payments"].append(payment_id)

    results = await asyncio.gather(
        *(schedule(live, payment_id, key="one-key", as_=bearer) for _ in range(CALLS))
    )

    assert all("errors" not in r for r in results), [codes(r) for r in results]
    assert len({str(r["data"]) for r in results}) == 1
    assert payments.lookups == 1  # one effect: payments was asked once, one row written
    assert len(await _rows_for(engine, payment_id)) == 1


async def test_simultaneous_conflicting_status_changes_let_exactly_one_win(
    live: Gql, payments: Payments, engine: AsyncEngine, cleanup: dict[str, list[str]]
) -> None:
    payer, bearer = _caller(cleanup)
    _writer, writer_token = _caller(cleanup, "delivery:write")
    payment_id = await payments.add(payer=payer)
    cleanup["payments"].append(payment_id)
    created = await schedule(live, payment_id, as_=bearer)
    delivery_id = created["data"]["scheduleDelivery"]["id"]

    targets = ["DISPATCHED", "CANCELLED"] * (CALLS // 2)
    results: list[dict[str, Any]] = await asyncio.gather(
        *(update_status(live, delivery_id, t, as_=writer_token) for t in targets)
    )

    winners = [r["data"]["updateDeliveryStatus"]["status"] for r in results if r.get("data")]
    assert len(winners) == 1
    assert Counter(c for r in results for c in codes(r)) == Counter({"INVALID_STATE": CALLS - 1})
    async with async_sessionmaker(engine)() as session:
        history = await session.scalar(
            select(func.count())
            .select_from(StatusChange)
            .where(StatusChange.delivery_id == uuid.UUID(delivery_id))
        )
    assert history == 2
