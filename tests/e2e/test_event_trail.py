"""The event trail with real processes: the events service is down while payments and
deliveries change, then comes back; the log ends up with each change exactly once, in order
per subject (issue 9's acceptance)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import defaultdict
from typing import Any

import asyncpg
import httpx
import pytest
from tools.platform_runner import SUBGRAPHS, PlatformRunner

from tests.e2e.conftest import Client, token

pytestmark = pytest.mark.slow

PAYMENTS = 200  # 200 creates + 200 captures/cancels + 100 refunds = 500 payment mutations
SHIPPED = 50  # deliveries: scheduled and dispatched (100 delivery mutations)
CONCURRENCY = 8
DRAIN_DEADLINE_S = 180  # a bound, not a threshold: the relays' backoff is capped at 30 s

CREATE = """mutation($key: String!, $amount: Int!) {
  createPayment(input: {amount: $amount, currency: "EUR"}, idempotencyKey: $key) { id } }"""
STEP = """mutation($id: ID!, $key: String!) {
  %sPayment(id: $id, idempotencyKey: $key) { id status } }"""
REFUND = """mutation($id: ID!, $key: String!, $amount: Int) {
  refundPayment(id: $id, idempotencyKey: $key, amount: $amount) { id status } }"""
SCHEDULE = """mutation($id: ID!, $key: String!) {
  scheduleDelivery(paymentId: $id, recipientName: "Ada Lovelace", idempotencyKey: $key,
    address: {line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE"}) { id } }"""
DISPATCH = """mutation($id: ID!, $key: String!) {
  updateDeliveryStatus(id: $id, status: DISPATCHED, idempotencyKey: $key) { id status } }"""


def _ok(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body["errors"]
    data: dict[str, Any] = body["data"]
    return data


async def _life_of_payment(
    i: int, payments: Client, delivery: Client, courier: Client
) -> tuple[str, list[str], str | None, list[str]]:
    """One payment's changes, in order; returns (id, kinds, delivery id, delivery kinds)."""
    key = uuid.uuid4().hex
    pid = _ok(await payments(CREATE, key=key, amount=1000 + i))["createPayment"]["id"]
    kinds = ["payment.created"]
    if i % 4 == 3:
        _ok(await payments(STEP % "cancel", id=pid, key=f"{key}-c"))
        return pid, [*kinds, "payment.cancelled"], None, []
    _ok(await payments(STEP % "capture", id=pid, key=f"{key}-cap"))
    kinds.append("payment.captured")
    if i % 2 == 0:  # 100 of the 150 captured payments are partly refunded
        _ok(await payments(REFUND, id=pid, key=f"{key}-r", amount=100))
        kinds.append("payment.refunded")
        return pid, kinds, None, []
    if i % 4 != 1 or i >= 4 * SHIPPED:
        return pid, kinds, None, []
    did = _ok(await delivery(SCHEDULE, id=pid, key=f"{key}-s"))["scheduleDelivery"]["id"]
    _ok(await courier(DISPATCH, id=did, key=f"{key}-d"))
    return pid, kinds, did, ["delivery.scheduled", "delivery.dispatched"]


async def _metric(http: httpx.AsyncClient, base: str, name: str) -> float:
    text = (await http.get(f"{base}/metrics")).text
    values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(name)]
    assert values, f"{name} missing from {base}/metrics"
    return sum(values)


async def _log(events_db: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(events_db)
    try:
        return list(
            await conn.fetch(
                "SELECT id, source_event_id, subject_type, subject_id, kind FROM events"
                " WHERE source_event_id IS NOT NULL ORDER BY id"
            )
        )
    finally:
        await conn.close()


async def _outbox(database_url: str, subjects: set[str]) -> tuple[set[uuid.UUID], int]:
    """The event ids of these subjects in a service's outbox, and how many are pending."""
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT event_id, delivered_at FROM outbox WHERE subject_id = ANY($1::text[])",
            sorted(subjects),
        )
    finally:
        await conn.close()
    return {r["event_id"] for r in rows}, sum(r["delivered_at"] is None for r in rows)


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def test_the_log_holds_every_change_once_in_order_after_an_events_outage(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    base = {n: platform.url(n).removesuffix("/graphql") for n in ("payments", "delivery")}
    writer = token("alice@example.com", "payments:write")
    payments = Client(http, platform.url("payments"), writer)
    delivery = Client(http, platform.url("delivery"), token("alice@example.com"))
    courier = Client(http, platform.url("delivery"), token("courier-system", "delivery:write"))
    events_db = _plain(platform.database_urls["events"])
    events_spec = next(spec for spec in SUBGRAPHS if spec.name == "events")

    platform.stop("events")
    try:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def one(i: int) -> tuple[str, list[str], str | None, list[str]]:
            async with gate:
                return await _life_of_payment(i, payments, delivery, courier)

        lives = await asyncio.gather(*(one(i) for i in range(PAYMENTS)))
        # The outbox absorbs the outage: both services stay ready, the backlog is visible.
        for name in ("payments", "delivery"):
            assert (await http.get(f"{base[name]}/readyz")).status_code == 200
            assert await _metric(http, base[name], "outbox_backlog") > 0
    finally:
        platform.start(events_spec)

    expected: dict[tuple[str, str], list[str]] = {}
    for pid, kinds, did, delivery_kinds in lives:
        expected["Payment", pid] = kinds
        if did is not None:
            expected["Delivery", did] = delivery_kinds
    total = sum(len(kinds) for kinds in expected.values())
    assert sum(len(k) for (t, _), k in expected.items() if t == "Payment") == 500
    assert total == 500 + 2 * SHIPPED

    deadline = time.monotonic() + DRAIN_DEADLINE_S
    while True:
        log = [r for r in await _log(events_db) if (r["subject_type"], r["subject_id"]) in expected]
        if len(log) >= total or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)

    # None lost, none duplicated: the log is exactly the outboxes' events.
    ids = [r["source_event_id"] for r in log]
    assert len(ids) == len(set(ids)) == total
    subjects = {subject for _, subject in expected}
    payments_ids, payments_pending = await _outbox(
        _plain(platform.database_urls["payments"]), subjects
    )
    delivery_ids, delivery_pending = await _outbox(
        _plain(platform.database_urls["delivery"]), subjects
    )
    assert set(ids) == payments_ids | delivery_ids
    assert (payments_pending, delivery_pending) == (0, 0)
    # In order per subject: each subject's events arrived in the order its changes happened.
    arrived: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in log:
        arrived[r["subject_type"], r["subject_id"]].append(r["kind"])
    assert dict(arrived) == expected
    for name in ("payments", "delivery"):
        assert await _metric(http, base[name], "outbox_backlog") == 0


TRAIL = """query($id: ID!) {
  payment(id: $id) {
    status
    events { message createdAt }
    delivery { status events { message } }
  }
}"""


async def test_the_gateway_answers_a_payment_with_its_trail(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    gateway = Client(http, platform.url("gateway"), token("alice@example.com", "payments:write"))
    courier = Client(http, platform.url("gateway"), token("courier-system", "delivery:write"))
    key = uuid.uuid4().hex
    pid = _ok(await gateway(CREATE, key=key, amount=4200))["createPayment"]["id"]
    _ok(await gateway(STEP % "capture", id=pid, key=f"{key}-cap"))
    did = _ok(await gateway(SCHEDULE, id=pid, key=f"{key}-s"))["scheduleDelivery"]["id"]
    _ok(await courier(DISPATCH, id=did, key=f"{key}-d"))

    # The relays deliver asynchronously: wait (bounded) for the whole trail.
    deadline = time.monotonic() + DRAIN_DEADLINE_S
    while True:
        payment = _ok(await gateway(TRAIL, id=pid))["payment"]
        complete = len(payment["events"]) == 2 and len(payment["delivery"]["events"]) == 2
        if complete or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.3)
    assert payment["status"] == "CAPTURED"
    assert [e["message"] for e in payment["events"]] == ["payment captured", "payment created"]
    assert payment["events"][0]["createdAt"] >= payment["events"][1]["createdAt"]
    assert payment["delivery"]["status"] == "DISPATCHED"
    assert [e["message"] for e in payment["delivery"]["events"]] == [
        "delivery dispatched",
        "delivery scheduled",
    ]
    # Someone else's token does not see the payment, hence not its trail either.
    stranger = Client(http, platform.url("gateway"), token("mallory@example.com"))
    denied = await stranger(TRAIL, id=pid)
    assert denied.get("data") is None or denied["data"]["payment"] is None
    assert "payment captured" not in str(denied)
