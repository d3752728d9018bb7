"""End-to-end failures at abstract positions: a subgraph failing for one member's fields
gives null at that member's paths and one coded error; the other members stay intact."""

from __future__ import annotations

import pytest
from gwharness.feed import feed_subgraphs, feed_supergraph
from gwharness.gatewayapp import running_gateway
from gwharness.scenario import stopped
from gwharness.zoo import zoo_subgraphs, zoo_supergraph

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_stopped_subgraph_of_one_member_leaves_the_other_member_intact() -> None:
    async with running_gateway(zoo_supergraph(), zoo_subgraphs(), **stopped("breeds")) as gw:
        result = await gw.query("{ animals { name ... on Dog { breed } ... on Cat { lives } } }")
    assert result == {
        "data": {
            "animals": [
                {"name": "Tom", "lives": 9},
                {"name": "Rex", "breed": None},
                {"name": "Kitty", "lives": None},
                {"name": "Fido", "breed": None},
            ]
        },
        "errors": [
            {
                "message": "HTTP fetch failed from 'breeds': ConnectError",
                "path": ["animals"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR"},
            }
        ],
    }


async def test_a_stopped_member_subgraph_in_a_union_with_a_value_type() -> None:
    async with running_gateway(feed_supergraph(), feed_subgraphs(), **stopped("media")) as gw:
        result = await gw.query(
            "{ feed { ... on Video { url } ... on Article { title } ... on Ad { slogan } } }"
        )
    assert result == {
        "data": {
            "feed": [
                {"title": "Hello"},
                {"url": None},
                {"slogan": "Buy now"},
                None,
                {"title": None},
                {"url": None},
            ]
        },
        "errors": [
            {
                "message": "HTTP fetch failed from 'media': ConnectError",
                "path": ["feed"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR"},
            }
        ],
    }
    assert gw.subgraphs["posts"].count == 1


async def test_a_stopped_subgraph_nulls_the_nullable_items_of_its_member() -> None:
    # Article.views is Int!: without stats each article item becomes null; the fetch error
    # explains those nulls (no error per item), the Video and the Ad stay.
    async with running_gateway(feed_supergraph(), feed_subgraphs(), **stopped("stats")) as gw:
        result = await gw.query("{ feed { __typename ... on Article { views } } }")
    assert result == {
        "data": {
            "feed": [
                None,
                {"__typename": "Video"},
                {"__typename": "Ad"},
                None,
                None,
                {"__typename": "Video"},
            ]
        },
        "errors": [
            {
                "message": "HTTP fetch failed from 'stats': ConnectError",
                "path": ["feed"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR"},
            }
        ],
    }


async def test_a_coded_subgraph_error_on_one_member_field() -> None:
    async with running_gateway(feed_supergraph(), feed_subgraphs()) as gw:
        result = await gw.query("{ library { __typename ... on Podcast { id hosts } } }")
    assert result == {
        "data": {
            "library": [
                {"__typename": "Podcast", "id": "p1", "hosts": ["Ann", "Bob"]},
                {"__typename": "Video"},
                {"__typename": "Podcast", "id": "p2", "hosts": None},
                {"__typename": "Video"},
            ]
        },
        "errors": [
            {
                "message": "hosts of p2 are being re-indexed",
                "path": ["library", 2, "hosts"],
                "extensions": {"code": "HOSTS_UNAVAILABLE"},
            }
        ],
    }


async def test_a_stopped_requires_subgraph_behind_an_interface() -> None:
    # Animal.greeting is String!: the animal becomes null, the root field is nullable.
    async with running_gateway(zoo_supergraph(), zoo_subgraphs(), **stopped("care")) as gw:
        result = await gw.query('{ animal(id: "c1") { name greeting } kennels { number } }')
    assert result == {
        "data": {
            "animal": None,
            "kennels": [{"number": 1}, {"number": 2}, {"number": 3}],
        },
        "errors": [
            {
                "message": "HTTP fetch failed from 'care': ConnectError",
                "path": ["animal"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR"},
            }
        ],
    }
