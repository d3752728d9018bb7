"""Malformed requests get spec-shaped GraphQL errors, no stack trace, and write nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from events_testkit import GraphQL, codes, only_error


async def test_malformed_json_body(
    client: httpx.AsyncClient, count_rows: Callable[[], Awaitable[int]]
) -> None:
    before = await count_rows()
    response = await client.post(
        "/graphql",
        content=b'{"query": "mutation { saveEvent(email: \\"a@b.co\\") { event { id } } ',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "data" not in body
    assert "Traceback" not in response.text
    assert await count_rows() == before


async def test_unknown_field_is_a_validation_error(gql: GraphQL) -> None:
    body = await gql("{ events { id colour } }")
    error = only_error(body)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "colour" in error["message"]
    assert "data" not in body or body["data"] is None


async def test_wrong_variable_type_writes_nothing(
    gql: GraphQL, count_rows: Callable[[], Awaitable[int]]
) -> None:
    before = await count_rows()
    body = await gql(
        """mutation($input: CreateEventInput!) { createEvent(input: $input) { event { id } } }""",
        {"input": {"email": "a@example.com", "environment": "dev", "component": "c",
                   "message": 12345}},
    )  # fmt: skip
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "message" in body["errors"][0]["message"]
    assert await count_rows() == before


async def test_json_string_must_be_a_string(
    gql: GraphQL, count_rows: Callable[[], Awaitable[int]]
) -> None:
    before = await count_rows()
    body = await gql(
        'mutation($d: JSONString) { saveEvent(email: "a@example.com", environment: "d",'
        ' component: "c", message: "m", data: $d) { event { id } } }',
        {"d": {"not": "a string"}},
    )
    assert codes(body) == ["BAD_USER_INPUT"]
    assert await count_rows() == before


async def test_syntax_error(gql: GraphQL) -> None:
    assert codes(await gql("{ events { id ")) == ["GRAPHQL_PARSE_FAILED"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
async def test_health_endpoints(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
