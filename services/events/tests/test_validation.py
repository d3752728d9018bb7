"""Bad input of each kind is a BAD_USER_INPUT naming the argument, and nothing is written."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from events_testkit import SAVE_EVENT, GraphQL, only_error

VALID: dict[str, Any] = {
    "email": "ada@example.com",
    "environment": "prod",
    "component": "billing",
    "message": "ok",
    "data": "{}",
}

BAD_SAVE_EVENT = [
    pytest.param({"email": "not-an-email"}, "email", id="bad-email"),
    pytest.param({"email": None}, "email", id="missing-email"),
    pytest.param({"email": "a b@example.com"}, "email", id="email-with-space"),
    pytest.param({"environment": "e" * 65}, "environment", id="long-environment"),
    pytest.param({"component": "c" * 65}, "component", id="long-component"),
    pytest.param({"component": "  "}, "component", id="blank-component"),
    pytest.param({"message": "m" * 10_001}, "message", id="long-message"),
    pytest.param({"data": "{not json"}, "data", id="invalid-json"),
    pytest.param({"data": json.dumps({"k": "x" * 65_536})}, "data", id="data-over-64KiB"),
]


@pytest.mark.parametrize(("change", "argument"), BAD_SAVE_EVENT)
async def test_save_event_rejects_bad_input_and_writes_nothing(
    gql: GraphQL,
    count_rows: Callable[[], Awaitable[int]],
    change: dict[str, Any],
    argument: str,
) -> None:
    before = await count_rows()
    body = await gql(SAVE_EVENT, {**VALID, **change})
    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argumentName"] == argument
    assert argument in error["message"]
    assert body["data"] is None
    assert await count_rows() == before


async def test_limits_are_inclusive(gql: GraphQL) -> None:
    body = await gql(
        SAVE_EVENT,
        {**VALID, "environment": "e" * 64, "component": "c" * 64, "message": "m" * 10_000},
    )
    assert "errors" not in body, body


async def test_create_event_names_the_input_field(
    gql: GraphQL, count_rows: Callable[[], Awaitable[int]]
) -> None:
    before = await count_rows()
    body = await gql(
        "mutation($input: CreateEventInput!) { createEvent(input: $input) { event { id } } }",
        {"input": {**VALID, "data": {"big": "x" * 70_000}}},
    )
    error = only_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": "input.data"}
    assert await count_rows() == before


BAD_QUERIES = [
    pytest.param("{ events(first: 501) { id } }", "first", id="events-first-over-500"),
    pytest.param("{ events(first: -1) { id } }", "first", id="events-negative-first"),
    pytest.param(
        "{ eventsConnection(first: 1000) { edges { cursor } } }", "first", id="connection-first"
    ),
    pytest.param(
        '{ eventsConnection(after: "garbage") { edges { cursor } } }', "after", id="bad-cursor"
    ),
    pytest.param(
        '{ eventsByParameters(date: "2018-01-01") { id } }', "date", id="iso-date-not-dmy"
    ),
    pytest.param('{ eventsByParameters(date: "31-02-2018") { id } }', "date", id="no-such-day"),
    pytest.param('{ eventsByParameters(date: "yesterday") { id } }', "date", id="word-date"),
    pytest.param(
        '{ events(filter: {environment: "%s"}) { id } }' % ("e" * 65),
        "filter.environment",
        id="long-filter",
    ),
]


@pytest.mark.parametrize(("query", "argument"), BAD_QUERIES)
async def test_queries_reject_bad_arguments(gql: GraphQL, query: str, argument: str) -> None:
    error = only_error(await gql(query))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": argument}


async def test_a_forged_cursor_is_rejected(gql: GraphQL) -> None:
    await gql(SAVE_EVENT, VALID)
    await gql(SAVE_EVENT, VALID)
    page = await gql("{ eventsConnection(first: 1) { pageInfo { endCursor } } }")
    cursor: str = page["data"]["eventsConnection"]["pageInfo"]["endCursor"]
    body, signature = cursor.split(".")
    tampered = f"{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
    error = only_error(
        await gql(
            "query($after: String) { eventsConnection(after: $after) { edges { cursor } } }",
            {"after": tampered},
        )
    )
    assert error["extensions"]["argumentName"] == "after"
