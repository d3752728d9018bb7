"""The committed schema.graphql is exactly what the code serves, and it is Federation v2."""

from __future__ import annotations

from pathlib import Path

from events_testkit import GraphQL

from events.config import Settings
from events.schema import build_events_schema
from servicekit.graphql import subgraph_sdl

COMMITTED = Path(__file__).parents[1] / "schema.graphql"


def test_committed_schema_matches_the_code(settings: Settings) -> None:
    sdl = subgraph_sdl(build_events_schema(settings))
    assert COMMITTED.read_text() == sdl, (
        "services/events/schema.graphql is stale: regenerate it with "
        "`uv run python -m events.sdl > services/events/schema.graphql`"
    )


async def test_service_sdl_is_federation_v2_with_link(gql: GraphQL) -> None:
    body = await gql("{ _service { sdl } }")
    sdl = body["data"]["_service"]["sdl"]
    assert '@link(url: "https://specs.apollo.dev/federation/v2.' in sdl
    assert 'type Event @key(fields: "id")' in sdl
    assert sdl.rstrip("\n") == COMMITTED.read_text().rstrip("\n")
