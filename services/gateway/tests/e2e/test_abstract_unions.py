"""End-to-end union scenarios over the feed: the same union with different members in two
subgraphs, a member known to one subgraph only, a union mixing entities and a value type,
null items, and member fields from other subgraphs."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.feed import feed_subgraphs, feed_supergraph
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.scenario import calls, representations

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(feed_supergraph(), feed_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


async def test_every_member_of_a_union_with_a_null_item(gw: GatewayClient) -> None:
    result = await gw.query(
        "{ feed { __typename ... on Article { title body } ... on Video { title duration } "
        "... on Ad { slogan } } }"
    )
    assert result == {
        "data": {
            "feed": [
                {"__typename": "Article", "title": "Hello", "body": "First post"},
                {"__typename": "Video", "title": "Cats", "duration": 120},
                {"__typename": "Ad", "slogan": "Buy now"},
                None,
                {"__typename": "Article", "title": None, "body": "Untitled"},
                {"__typename": "Video", "title": "Dogs", "duration": None},
            ]
        }
    }
    assert calls(gw) == {"posts": 1}


async def test_a_member_the_listing_subgraph_does_not_know(gw: GatewayClient) -> None:
    result = await gw.query("{ feed { ... on Podcast { episodes } } }")
    assert result == {"data": {"feed": [{}, {}, {}, None, {}, {}]}}
    assert calls(gw) == {"posts": 1}
    assert gw.subgraphs["posts"].operations() == ["query { feed { __typename } }"]


async def test_the_same_union_with_other_members_in_another_subgraph(gw: GatewayClient) -> None:
    result = await gw.query(
        "{ playlist { __typename ... on Article { body } ... on Video { duration } "
        "... on Podcast { episodes } } }"
    )
    assert result == {
        "data": {
            "playlist": [
                {"__typename": "Video", "duration": None},
                {"__typename": "Podcast", "episodes": 12},
            ]
        }
    }
    assert calls(gw) == {"media": 1, "posts": 1}
    assert representations(gw, "posts") == [{"__typename": "Video", "id": "v2"}]


async def test_a_union_mixing_entities_and_a_value_type(gw: GatewayClient) -> None:
    result = await gw.query("{ feed { __typename ... on Ad { slogan } ... on Article { views } } }")
    assert result == {
        "data": {
            "feed": [
                {"__typename": "Article", "views": 100},
                {"__typename": "Video"},
                {"__typename": "Ad", "slogan": "Buy now"},
                None,
                {"__typename": "Article", "views": 5},
                {"__typename": "Video"},
            ]
        }
    }
    # The value type and the null item are never sent anywhere.
    assert representations(gw, "stats") == [
        {"__typename": "Article", "id": "a1"},
        {"__typename": "Article", "id": "a2"},
    ]


async def test_an_interface_fragment_inside_a_union(gw: GatewayClient) -> None:
    result = await gw.query("{ feed { ... on Content { id title } } }")
    assert result == {
        "data": {
            "feed": [
                {"id": "a1", "title": "Hello"},
                {"id": "v1", "title": "Cats"},
                {},
                None,
                {"id": "a2", "title": None},
                {"id": "v2", "title": "Dogs"},
            ]
        }
    }
    assert calls(gw) == {"posts": 1}


async def test_a_null_non_null_member_field_nulls_only_its_item(gw: GatewayClient) -> None:
    # stats does not know v2, and Video.views is Int!: the nullable item becomes null.
    result = await gw.query("{ feed { ... on Video { views } } }")
    assert result == {
        "data": {"feed": [{}, {"views": 7}, {}, None, {}, None]},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Video.views.",
                "path": ["feed", 5, "views"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }


async def test_member_fields_from_two_subgraphs_in_parallel(gw: GatewayClient) -> None:
    result = await gw.query("{ feed { ... on Video { url views } ... on Article { views } } }")
    assert result == {
        "data": {
            "feed": [
                {"views": 100},
                {"url": "https://v/1", "views": 7},
                {},
                None,
                {"views": 5},
                None,
            ]
        },
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Video.views.",
                "path": ["feed", 5, "views"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }
    assert calls(gw) == {"posts": 1, "media": 1, "stats": 1}
    # One stats fetch for both members.
    assert representations(gw, "stats") == [
        {"__typename": "Article", "id": "a1"},
        {"__typename": "Video", "id": "v1"},
        {"__typename": "Article", "id": "a2"},
        {"__typename": "Video", "id": "v2"},
    ]


async def test_two_unions_of_the_same_name_from_two_subgraphs(gw: GatewayClient) -> None:
    result = await gw.query("{ feed { __typename } playlist { __typename } }")
    assert result == {
        "data": {
            "feed": [
                {"__typename": "Article"},
                {"__typename": "Video"},
                {"__typename": "Ad"},
                None,
                {"__typename": "Article"},
                {"__typename": "Video"},
            ],
            "playlist": [{"__typename": "Video"}, {"__typename": "Podcast"}],
        }
    }
    assert calls(gw) == {"posts": 1, "media": 1}
