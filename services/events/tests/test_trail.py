"""The event trail: Payment.events / Delivery.events (batched, newest first, paginated) and
ingestion conflicts (same id, other content)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from events_testkit import GraphQL, codes
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from events.config import Settings
from servicekit.auth import issue_token

INGEST = """
mutation($events: [IngestEventInput!]!) { ingestEvents(events: $events) { ingested duplicates } }
"""
TRAILS = """
query($representations: [_Any!]!, $first: Int!, $after: String) {
  _entities(representations: $representations) {
    ... on Payment { id events(first: $first, after: $after) { id message subjectType subjectId createdAt } }
    ... on Delivery { id events(first: $first, after: $after) { id message createdAt } }
  }
}
"""


def _event(subject_type: str, subject_id: str, minute: int, **change: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "subjectType": subject_type,
        "subjectId": subject_id,
        "kind": f"{subject_type.lower()}.changed",
        "email": "payer@example.com",
        "environment": "test",
        "component": subject_type.lower(),
        "message": f"{subject_id} at {minute}",
        "data": {"minute": minute},
        "occurredAt": f"2026-11-28T05:{minute:02d}:00+00:00",
        **change,
    }


async def _ingest(
    client: httpx.AsyncClient, settings: Settings, events: list[dict[str, Any]]
) -> dict[str, Any]:
    assert settings.jwt_secret is not None
    token = issue_token(
        secret=settings.jwt_secret.get_secret_value(), subject="svc", scopes=["events:ingest"]
    )
    response = await client.post(
        "/graphql",
        json={"query": INGEST, "variables": {"events": events}},
        headers={"Authorization": f"Bearer {token}"},
    )
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "SAVEPOINT" not in statement.upper():
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_trails_are_newest_first_paginated_and_one_query(
    client: httpx.AsyncClient, settings: Settings, gql: GraphQL, statements: list[str]
) -> None:
    pay = [f"pay-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    dlv = f"dlv-{uuid.uuid4().hex[:8]}"
    # Arrival order differs from occurrence order: the trail follows occurrence.
    batch = [_event("Payment", p, m) for m in (3, 1, 2) for p in pay]
    batch += [_event("Delivery", dlv, 4), _event("Delivery", pay[0], 9)]  # another type's id
    assert (await _ingest(client, settings, batch))["data"]["ingestEvents"]["ingested"] == 11

    representations = [{"__typename": "Payment", "id": p} for p in [*pay, "pay-none"]]
    representations.append({"__typename": "Delivery", "id": dlv})
    statements.clear()
    body = await gql(TRAILS, {"representations": representations, "first": 2})
    assert "errors" not in body, body
    entities = body["data"]["_entities"]
    # One query for the payments' page, one for the delivery's (two entity types).
    assert len([s for s in statements if "row_number" in s.lower()]) == 2, statements
    for p, entity in zip(pay, entities[:3], strict=True):
        assert [e["message"] for e in entity["events"]] == [f"{p} at 3", f"{p} at 2"]
        assert {(e["subjectType"], e["subjectId"]) for e in entity["events"]} == {("Payment", p)}
        assert entity["events"][0]["createdAt"].startswith("2026-11-28T05:03:00")
    assert entities[3] == {"id": "pay-none", "events": []}
    assert [e["message"] for e in entities[4]["events"]] == [f"{dlv} at 4"]

    after = entities[0]["events"][-1]["id"]
    page = await gql(TRAILS, {"representations": representations[:1], "first": 2, "after": after})
    assert [e["message"] for e in page["data"]["_entities"][0]["events"]] == [f"{pay[0]} at 1"]


async def test_bad_page_arguments_are_bad_user_input(gql: GraphQL) -> None:
    rep = [{"__typename": "Payment", "id": "p"}]
    assert codes(await gql(TRAILS, {"representations": rep, "first": 0})) == ["BAD_USER_INPUT"]
    body = await gql(TRAILS, {"representations": rep, "first": 5, "after": "x"})
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_an_id_with_other_content_is_a_conflict_and_stores_nothing(
    client: httpx.AsyncClient, settings: Settings, count_rows: Callable[[], Awaitable[int]]
) -> None:
    stored = _event("Payment", "pay-conflict", 1)
    assert "errors" not in await _ingest(client, settings, [stored])
    before = await count_rows()
    same = await _ingest(client, settings, [stored])
    assert same["data"]["ingestEvents"] == {"ingested": 0, "duplicates": 1}
    changed = {**stored, "message": "something else"}
    body = await _ingest(client, settings, [_event("Payment", "pay-new", 2), changed])
    assert codes(body) == ["EVENT_ID_CONFLICT"]
    assert body["errors"][0]["extensions"]["ids"] == [stored["id"]]
    assert await count_rows() == before
