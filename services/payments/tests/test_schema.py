"""The committed SDL is the served SDL, with the shared federation contracts."""

from __future__ import annotations

from pathlib import Path

from payments.schema import create_schema
from payments.testing import GraphQLClient, settings_for
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
