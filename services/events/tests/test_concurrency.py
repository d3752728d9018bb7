"""Many simultaneous saveEvent calls on a pooled engine: every one is saved, once."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from events_testkit import SAVE_EVENT, GraphQL
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from events.models import Event


@pytest.fixture
async def component(engine: AsyncEngine) -> AsyncIterator[str]:
    """A component label no other test uses; its rows are deleted afterwards."""
    label = f"conc-{uuid.uuid4().hex[:12]}"
    yield label
    async with engine.begin() as conn:
        await conn.execute(delete(Event).where(Event.component == label))


async def test_simultaneous_saves_all_land(
    engine_client: httpx.AsyncClient, engine: AsyncEngine, component: str
) -> None:
    gql = GraphQL(engine_client)
    variables = {"email": "load@example.com", "environment": "test", "component": component}
    bodies = await asyncio.gather(
        *(gql(SAVE_EVENT, {**variables, "message": f"n{i}", "data": f'{{"i": {i}}}'})
          for i in range(30))
    )  # fmt: skip
    assert all("errors" not in body for body in bodies), bodies
    ids = {body["data"]["saveEvent"]["event"]["id"] for body in bodies}
    assert len(ids) == 30
    async with engine.connect() as conn:
        stored = await conn.scalar(
            select(func.count()).select_from(Event).where(Event.component == component)
        )
    assert stored == 30


PAGE = """
query($component: String, $after: String) {
  eventsConnection(filter: {component: $component}, first: 7, after: $after) {
    edges { node { id } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_pagination_is_stable_while_others_insert(
    engine_client: httpx.AsyncClient, engine: AsyncEngine, component: str
) -> None:
    gql = GraphQL(engine_client)
    variables = {"email": "page@example.com", "environment": "test", "component": component}
    seeded = [
        (await gql(SAVE_EVENT, {**variables, "message": f"old{i}"}))["data"]["saveEvent"]["event"][
            "id"
        ]
        for i in range(30)
    ]
    inserting = True

    async def insert_meanwhile() -> int:
        count = 0
        while inserting:
            await gql(SAVE_EVENT, {**variables, "message": f"new{count}"})
            count += 1
        return count

    writer = asyncio.create_task(insert_meanwhile())
    seen: list[str] = []
    after: str | None = None
    while True:
        body = await gql(PAGE, {"component": component, "after": after})
        connection = body["data"]["eventsConnection"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    inserting = False
    assert await writer > 0
    assert len(seen) == len(set(seen)), "an event was served twice"
    # Every event that existed before paging started is served, newest first.
    assert [event_id for event_id in seen if event_id in set(seeded)] == list(reversed(seeded))
