"""eventsConnection: keyset cursors, stable while events are inserted between pages."""

from __future__ import annotations

from typing import Any

from events_testkit import GraphQL, add_events
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

PAGE = """
query($after: String, $first: Int) {
  eventsConnection(filter: {component: "ptest"}, first: $first, after: $after) {
    edges { cursor node { id message } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def page(gql: GraphQL, *, first: int, after: str | None) -> dict[str, Any]:
    body = await gql(PAGE, {"first": first, "after": after})
    assert "errors" not in body, body
    connection: dict[str, Any] = body["data"]["eventsConnection"]
    return connection


async def test_pages_cover_every_event_once_while_others_insert(
    gql: GraphQL, sessions: async_sessionmaker[AsyncSession]
) -> None:
    original = await add_events(
        sessions, [{"component": "ptest", "message": f"m{i}"} for i in range(7)]
    )
    seen: list[int] = []
    after: str | None = None
    pages = 0
    while True:
        connection = await page(gql, first=3, after=after)
        pages += 1
        seen += [int(edge["node"]["id"]) for edge in connection["edges"]]
        assert [node["id"] for node in connection["nodes"]] == [
            edge["node"]["id"] for edge in connection["edges"]
        ]
        info = connection["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        if connection["edges"]:
            assert info["startCursor"] == connection["edges"][0]["cursor"]
            assert info["endCursor"] == connection["edges"][-1]["cursor"]
        # Newer events arrive between pages: they must not shift what comes next.
        await add_events(sessions, [{"component": "ptest", "message": f"new{pages}"}])
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == sorted(original, reverse=True)
    assert pages == 3


async def test_empty_connection(gql: GraphQL) -> None:
    connection = await page(gql, first=5, after=None)
    assert connection["edges"] == []
    assert connection["pageInfo"] == {
        "hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None,
    }  # fmt: skip


async def test_first_zero_returns_no_edges_but_says_more_exist(
    gql: GraphQL, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_events(sessions, [{"component": "ptest"}])
    connection = await page(gql, first=0, after=None)
    assert connection["edges"] == []
    assert connection["pageInfo"]["hasNextPage"] is True
