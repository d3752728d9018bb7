"""saveEvent answers as the original API did; createEvent takes an input object."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from events_testkit import SAVE_EVENT, GraphQL

ORIGINAL_CLIENT_MUTATION = """
mutation {
  saveEvent(email: "ada@example.com", environment: "prod", component: "billing",
            message: "invoice sent", data: "{\\"invoice\\": 42, \\"tags\\": [\\"a\\"]}") {
    event { id createdAt message }
  }
}
"""


async def test_original_mutation_text_saves_and_answers_the_event(
    gql: GraphQL, count_rows: Callable[[], Awaitable[int]]
) -> None:
    before = await count_rows()
    body = await gql(ORIGINAL_CLIENT_MUTATION)
    assert "errors" not in body, body
    event = body["data"]["saveEvent"]["event"]
    assert event["message"] == "invoice sent"
    assert int(event["id"]) > 0
    created = datetime.fromisoformat(event["createdAt"])
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)
    assert await count_rows() == before + 1


async def test_data_comes_back_as_a_json_string_and_as_a_value(gql: GraphQL) -> None:
    data = {"nested": {"list": [1, 2.5, None, True]}, "text": "é"}
    body = await gql(
        SAVE_EVENT,
        {"email": "ada@example.com", "environment": "dev", "component": "api",
         "message": "m", "data": json.dumps(data)},
    )  # fmt: skip
    event = body["data"]["saveEvent"]["event"]
    assert isinstance(event["data"], str)
    assert json.loads(event["data"]) == data
    assert event["dataValue"] == data


async def test_saved_event_is_readable_by_id(gql: GraphQL) -> None:
    saved = await gql(
        SAVE_EVENT,
        {"email": "bob@example.com", "environment": "test", "component": "worker",
         "message": "job done", "data": "[1, 2]"},
    )  # fmt: skip
    event_id = saved["data"]["saveEvent"]["event"]["id"]
    body = await gql("query($id: ID!) { event(id: $id) { id email data } }", {"id": event_id})
    assert body["data"]["event"] == {"id": event_id, "email": "bob@example.com", "data": "[1, 2]"}


async def test_data_is_optional(gql: GraphQL) -> None:
    body = await gql(
        SAVE_EVENT,
        {"email": "c@example.com", "environment": "dev", "component": "api", "message": "x"},
    )
    assert body["data"]["saveEvent"]["event"]["data"] is None


async def test_create_event_takes_any_json_value(
    gql: GraphQL, count_rows: Callable[[], Awaitable[int]]
) -> None:
    before = await count_rows()
    body = await gql(
        """mutation($input: CreateEventInput!) {
             createEvent(input: $input) { event { id data dataValue component } } }""",
        {"input": {"email": "d@example.com", "environment": "dev", "component": "cli",
                   "message": "hello", "data": [1, {"a": "b"}]}},
    )  # fmt: skip
    event = body["data"]["createEvent"]["event"]
    assert event["dataValue"] == [1, {"a": "b"}]
    assert json.loads(event["data"]) == [1, {"a": "b"}]
    assert await count_rows() == before + 1
