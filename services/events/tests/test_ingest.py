"""ingestEvents: outbox relays deliver batches once, with the events:ingest scope."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from events_testkit import codes

from events.config import Settings
from servicekit.auth import issue_token
from servicekit.outbox import EventsSender, OutboxMessage

INGEST = """
mutation($events: [IngestEventInput!]!) { ingestEvents(events: $events) { ingested duplicates } }
"""


def event(**change: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "subjectType": "Payment",
        "subjectId": "pay_1",
        "kind": "payment.captured",
        "email": "payer@example.com",
        "environment": "test",
        "component": "payments",
        "message": "payment captured",
        "data": {"amount": 1200, "currency": "EUR"},
        "occurredAt": "2026-11-28T05:00:00+00:00",
        **change,
    }


def bearer(settings: Settings, scopes: list[str]) -> dict[str, str]:
    assert settings.jwt_secret is not None
    token = issue_token(
        secret=settings.jwt_secret.get_secret_value(), subject="service:payments", scopes=scopes
    )
    return {"Authorization": f"Bearer {token}"}


async def post(
    client: httpx.AsyncClient, events: list[dict[str, Any]], headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": INGEST, "variables": {"events": events}}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


async def test_a_redelivered_batch_is_stored_once(
    client: httpx.AsyncClient, settings: Settings, count_rows: Callable[[], Awaitable[int]]
) -> None:
    headers = bearer(settings, ["events:ingest"])
    batch = [event(), event(subjectId="pay_2")]
    before = await count_rows()
    first = await post(client, batch, headers)
    assert first == {"data": {"ingestEvents": {"ingested": 2, "duplicates": 0}}}
    again = await post(client, [*batch, event()], headers)
    assert again == {"data": {"ingestEvents": {"ingested": 1, "duplicates": 2}}}
    assert await count_rows() == before + 3
    listed = await client.post(
        "/graphql", json={"query": '{ events(filter: {component: "payments"}) { message } }'}
    )
    assert [e["message"] for e in listed.json()["data"]["events"]] == ["payment captured"] * 3


@pytest.mark.parametrize(
    ("scopes", "code"), [(None, "UNAUTHENTICATED"), (["payments:write"], "FORBIDDEN")]
)
async def test_ingest_needs_the_scope(
    client: httpx.AsyncClient,
    settings: Settings,
    count_rows: Callable[[], Awaitable[int]],
    scopes: list[str] | None,
    code: str,
) -> None:
    before = await count_rows()
    headers = bearer(settings, scopes) if scopes is not None else {}
    assert codes(await post(client, [event()], headers)) == [code]
    assert await count_rows() == before


async def test_one_bad_event_rejects_the_batch(
    client: httpx.AsyncClient, settings: Settings, count_rows: Callable[[], Awaitable[int]]
) -> None:
    before = await count_rows()
    body = await post(
        client, [event(), event(id="not-a-uuid")], bearer(settings, ["events:ingest"])
    )
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT", "argumentName": "events[1].id",
    }  # fmt: skip
    assert await count_rows() == before


async def test_servicekit_events_sender_is_accepted(
    client: httpx.AsyncClient, settings: Settings, count_rows: Callable[[], Awaitable[int]]
) -> None:
    """The contract with the payments/delivery outbox relay (servicekit.outbox.EventsSender)."""
    assert settings.jwt_secret is not None
    sender = EventsSender(
        client,
        url="http://events.test/graphql",
        secret=settings.jwt_secret.get_secret_value(),
        component="payments",
        environment="test",
    )
    message = OutboxMessage(
        event_id=uuid.uuid4(), subject_type="Payment", subject_id="pay_9",
        kind="payment.authorized", actor="payer@example.com", message="payment authorized",
        payload={"amount": 500}, occurred_at=datetime.now(UTC),
    )  # fmt: skip
    before = await count_rows()
    await sender([message])
    await sender([message])  # a redelivery after a lost acknowledgement
    assert await count_rows() == before + 1
