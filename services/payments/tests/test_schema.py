"""The committed SDL is the served SDL, with the shared federation contracts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.schema import create_schema
from payments.testing import GraphQLClient, payments_client, settings_for, token
from servicekit.graphql import subgraph_sdl

SCHEMA_FILE = Path(__file__).parents[1] / "schema.graphql"


def test_the_committed_schema_matches_the_code() -> None:
    assert SCHEMA_FILE.read_text() == subgraph_sdl(create_schema(settings_for())), (
        "schema.graphql is stale: regenerate it from payments.schema.create_schema"
    )


def test_payment_status_is_the_shared_enum() -> None:
    sdl = SCHEMA_FILE.read_text()
    assert (
        "enum PaymentStatus {\n  AUTHORIZED\n  CAPTURED\n  REFUNDED\n  CANCELLED\n  FAILED\n}"
        in sdl
    )


async def test_the_served_sdl_carries_key_and_auth_directives(client: GraphQLClient) -> None:
    sdl = (await client.run("{ _service { sdl } }", anonymous=True)).ok()["_service"]["sdl"]
    assert 'type Payment @key(fields: "id")' in sdl
    assert "payment(id: ID!): Payment @authenticated" in sdl
    for mutation in ("createPayment", "capturePayment", "refundPayment", "cancelPayment"):
        line = next(line for line in sdl.splitlines() if line.strip().startswith(mutation))
        assert line.endswith('@requiresScopes(scopes: [["payments:write"]])'), line
    assert "federation/v2.11" in sdl


async def test_cached_validation_still_rejects_a_repeated_invalid_operation(
    client: GraphQLClient,
) -> None:
    for _ in range(2):
        result = await client.run("{ payment(id: 1) { nope } }")
        assert result.data is None
        assert result.codes == ["GRAPHQL_VALIDATION_FAILED"]


async def test_the_depth_limit_holds_for_repeated_operations(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    shallow = "{ payments { pageInfo { hasNextPage } } }"
    deep = "{ payments { edges { node { id } } } }"
    async with payments_client(settings_for(max_query_depth=2), sessionmaker=sessions) as graphql:
        graphql.default_token = token("alice@example.com")
        for _ in range(2):
            assert not (await graphql.run(shallow)).errors
            refused = await graphql.run(deep)
            assert refused.data is None
            assert refused.codes == ["GRAPHQL_VALIDATION_FAILED"]
