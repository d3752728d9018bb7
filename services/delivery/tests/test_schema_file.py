"""The committed SDL is the contract composition reads: it must match the code."""

from __future__ import annotations

from pathlib import Path

from delivery_testkit import Gql, make_settings

from delivery.schema import make_schema
from servicekit.graphql import subgraph_sdl

SCHEMA_FILE = Path(__file__).parents[1] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    generated = subgraph_sdl(make_schema(make_settings()))
    assert SCHEMA_FILE.read_text() == generated, (
        "services/delivery/schema.graphql is stale: regenerate it from delivery.schema"
    )


async def test_service_sdl_is_the_committed_schema(gql: Gql) -> None:
    body = await gql("{ _service { sdl } }")
    assert body["data"]["_service"]["sdl"].strip() == SCHEMA_FILE.read_text().strip()


def test_shared_federation_types_are_declared_as_the_contract_says() -> None:
    sdl = SCHEMA_FILE.read_text()
    assert (
        "enum PaymentStatus {\n  AUTHORIZED\n  CAPTURED\n  REFUNDED\n  CANCELLED\n  FAILED\n}"
        in sdl
    )
    assert "status: PaymentStatus! @external" in sdl
    assert 'shippable: Boolean! @requires(fields: "status")' in sdl
    assert 'type Delivery @key(fields: "id")' in sdl
    assert "payment: Payment!" in sdl
