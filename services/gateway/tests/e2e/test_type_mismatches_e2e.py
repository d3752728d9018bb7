"""End-to-end type mismatches over the feed: shared fields whose nullability or list-ness
differ by subgraph are shaped by the API schema's type, fields that cannot merge across
sibling fragments in one subgraph are aliased, and nulls at non-null positions propagate
to the nearest nullable parent with one error at the right path."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.feed import feed_subgraphs, feed_supergraph
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.scenario import calls

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(feed_supergraph(), feed_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


async def test_fields_that_cannot_merge_across_members_are_aliased(gw: GatewayClient) -> None:
    # In media, Video.title is String! and Podcast.title is String: one selection set
    # cannot hold both under one key, the client's query is valid all the same.
    result = await gw.query("{ library { ... on Video { title } ... on Podcast { title } } }")
    assert result == {
        "data": {
            "library": [{"title": "Talk"}, {"title": "Cats"}, {"title": None}, {"title": "Dogs"}]
        }
    }
    assert calls(gw) == {"media": 1}
    [operation] = gw.subgraphs["media"].operations()
    assert "_qp0_title: title" in operation


async def test_aliased_unmergeable_fields_under_a_client_alias(gw: GatewayClient) -> None:
    result = await gw.query(
        "{ playlist { ... on Video { name: title } ... on Podcast { name: title } } }"
    )
    assert result == {"data": {"playlist": [{"name": "Dogs"}, {"name": "Talk"}]}}


async def test_a_list_field_nullable_on_one_side_only(gw: GatewayClient) -> None:
    # Article.tags: [String!]! in posts, [String] in stats, [String] in the API: a null from
    # stats is a valid value, not an error.
    result = await gw.query("{ feed { ... on Article { tags } } trending { id tags title } }")
    assert result == {
        "data": {
            "feed": [{"tags": ["intro", "news"]}, {}, {}, None, {"tags": []}, {}],
            "trending": [
                {"id": "a2", "tags": [], "title": None},
                {"id": "a9", "tags": None, "title": None},
                {"id": "a1", "tags": ["intro", "news"], "title": "Hello"},
            ],
        }
    }
    assert calls(gw) == {"posts": 2, "stats": 1}


async def test_a_null_non_null_field_from_another_subgraph_reaches_the_root(
    gw: GatewayClient,
) -> None:
    # posts does not know a9: Article.body is String!, trending is [Article!]!.
    result = await gw.query("{ trending { id body } }")
    assert result == {
        "data": None,
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Article.body.",
                "path": ["trending", 1, "body"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }


async def test_a_null_member_field_under_a_non_null_interface_list(gw: GatewayClient) -> None:
    # stats does not know p2; Podcast.views is Int!, library is [Content!]!.
    result = await gw.query("{ library { ... on Podcast { views } } }")
    assert result == {
        "data": None,
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Podcast.views.",
                "path": ["library", 2, "views"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }


async def test_a_nullable_sibling_root_field_survives_a_null_at_another(
    gw: GatewayClient,
) -> None:
    # The null stops at the nearest nullable parent: playlist is [FeedItem!]! and p1 is
    # known to stats, featured is nullable and untouched.
    result = await gw.query(
        "{ playlist { ... on Podcast { views } } featured { title } feed { ... on Video { views } } }"
    )
    assert result == {
        "data": {
            "playlist": [{}, {"views": 3}],
            "featured": {"title": "Cats"},
            "feed": [{}, {"views": 7}, {}, None, {}, None],
        },
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Video.views.",
                "path": ["feed", 5, "views"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }
