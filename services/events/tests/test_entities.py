"""Federation: _entities resolves any number of events with one SQL statement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from events_testkit import GraphQL, add_events
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Event { id message component } }
}
"""

_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@pytest.fixture
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the test runs (savepoints aside)."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_hundred_representations_issue_one_sql_statement(
    gql: GraphQL, sessions: async_sessionmaker[AsyncSession], statements: list[str]
) -> None:
    ids = await add_events(
        sessions, [{"component": "etest", "message": f"e{i}"} for i in range(100)]
    )
    representations = [{"__typename": "Event", "id": str(event_id)} for event_id in ids]
    statements.clear()
    body = await gql(ENTITIES, {"representations": representations})
    assert "errors" not in body, body
    entities = body["data"]["_entities"]
    assert [entity["id"] for entity in entities] == [str(event_id) for event_id in ids]
    assert [entity["message"] for entity in entities] == [f"e{i}" for i in range(100)]
    assert len(statements) == 1, statements
    assert "FROM events" in statements[0]


async def test_unknown_and_repeated_representations(
    gql: GraphQL, sessions: async_sessionmaker[AsyncSession], statements: list[str]
) -> None:
    (event_id,) = await add_events(sessions, [{"component": "etest", "message": "only"}])
    representations = [
        {"__typename": "Event", "id": str(event_id)},
        {"__typename": "Event", "id": "987654321"},
        {"__typename": "Event", "id": "nonsense"},
        {"__typename": "Event", "id": event_id},
    ]
    statements.clear()
    body = await gql(ENTITIES, {"representations": representations})
    assert body["data"]["_entities"] == [
        {"id": str(event_id), "message": "only", "component": "etest"},
        None,
        None,
        {"id": str(event_id), "message": "only", "component": "etest"},
    ]
    assert len(statements) == 1, statements


async def test_representation_without_id_is_bad_user_input(gql: GraphQL) -> None:
    body = await gql(ENTITIES, {"representations": [{"__typename": "Event", "other": 1}]})
    assert body["data"]["_entities"] == [None]
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
