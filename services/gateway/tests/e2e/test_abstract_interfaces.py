"""End-to-end interface scenarios over the zoo (an entity interface) and the feed (a value
interface whose implementations live in different subgraphs): member fields from other
subgraphs, types implementing the interface in one subgraph only, shareable, external,
provided and required fields of members."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.feed import feed_subgraphs, feed_supergraph
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.scenario import calls, representations
from gwharness.zoo import zoo_subgraphs, zoo_supergraph

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def zoo_shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(zoo_supergraph(), zoo_subgraphs()) as client:
        yield client


@pytest.fixture(scope="module")
async def feed_shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(feed_supergraph(), feed_subgraphs()) as client:
        yield client


@pytest.fixture
def zoo(zoo_shared: GatewayClient) -> GatewayClient:
    zoo_shared.reset()
    return zoo_shared


@pytest.fixture
def feed(feed_shared: GatewayClient) -> GatewayClient:
    feed_shared.reset()
    return feed_shared


# --- the zoo: an entity interface ------------------------------------------------------


async def test_interface_fields_in_list_order(zoo: GatewayClient) -> None:
    result = await zoo.query("{ animals { __typename id name } }")
    assert result == {
        "data": {
            "animals": [
                {"__typename": "Cat", "id": "c1", "name": "Tom"},
                {"__typename": "Dog", "id": "d1", "name": "Rex"},
                {"__typename": "Cat", "id": "c2", "name": "Kitty"},
                {"__typename": "Dog", "id": "d2", "name": "Fido"},
            ]
        }
    }
    assert calls(zoo) == {"animals": 1}


async def test_member_fields_from_a_subgraph_without_the_interface(zoo: GatewayClient) -> None:
    result = await zoo.query("{ animals { name ... on Dog { breed } ... on Cat { lives } } }")
    assert result == {
        "data": {
            "animals": [
                {"name": "Tom", "lives": 9},
                {"name": "Rex", "breed": "Beagle"},
                {"name": "Kitty", "lives": None},
                {"name": "Fido", "breed": None},
            ]
        }
    }
    assert calls(zoo) == {"animals": 1, "breeds": 1}
    # breeds' Dog does not implement Animal: it gets Dog representations, dogs only.
    assert representations(zoo, "breeds") == [
        {"__typename": "Dog", "id": "d1"},
        {"__typename": "Dog", "id": "d2"},
    ]


async def test_a_shareable_member_field_stays_in_the_current_subgraph(zoo: GatewayClient) -> None:
    assert await zoo.query("{ animals { ... on Dog { name } } }") == {
        "data": {"animals": [{}, {"name": "Rex"}, {}, {"name": "Fido"}]}
    }
    assert calls(zoo) == {"animals": 1}
    zoo.reset()
    assert await zoo.query("{ dogOfTheDay { name breed } }") == {
        "data": {"dogOfTheDay": {"name": "Fido", "breed": None}}
    }
    assert calls(zoo) == {"breeds": 1}


async def test_a_nullable_member_field_and_an_unknown_id(zoo: GatewayClient) -> None:
    result = await zoo.query(
        '{ kitty: animal(id: "c2") { ... on Cat { lives } name } nobody: animal(id: "zz") { id } }'
    )
    assert result == {"data": {"kitty": {"lives": None, "name": "Kitty"}, "nobody": None}}
    assert calls(zoo) == {"animals": 1}


async def test_an_interface_fragment_from_a_type_that_lacks_it_in_its_subgraph(
    zoo: GatewayClient,
) -> None:
    result = await zoo.query("{ dogOfTheDay { __typename ... on Animal { id name } } }")
    assert result == {"data": {"dogOfTheDay": {"__typename": "Dog", "id": "d2", "name": "Fido"}}}
    assert calls(zoo) == {"breeds": 1}


# --- the feed: a value interface implemented in different subgraphs ---------------------


async def test_each_subgraph_lists_its_own_implementations(feed: GatewayClient) -> None:
    result = await feed.query("{ library { __typename id title } posts { __typename id title } }")
    assert result == {
        "data": {
            "library": [
                {"__typename": "Podcast", "id": "p1", "title": "Talk"},
                {"__typename": "Video", "id": "v1", "title": "Cats"},
                {"__typename": "Podcast", "id": "p2", "title": None},
                {"__typename": "Video", "id": "v2", "title": "Dogs"},
            ],
            "posts": [
                {"__typename": "Article", "id": "a1", "title": "Hello"},
                {"__typename": "Video", "id": "v2", "title": "Dogs"},
                {"__typename": "Article", "id": "a2", "title": None},
            ],
        }
    }
    assert calls(feed) == {"media": 1, "posts": 1}


async def test_an_interface_field_here_and_a_member_field_in_another_subgraph(
    feed: GatewayClient,
) -> None:
    result = await feed.query("{ library { title ... on Video { duration } } }")
    assert result == {
        "data": {
            "library": [
                {"title": "Talk"},
                {"title": "Cats", "duration": 120},
                {"title": None},
                {"title": "Dogs", "duration": None},
            ]
        }
    }
    assert calls(feed) == {"media": 1, "posts": 1}
    assert representations(feed, "posts") == [
        {"__typename": "Video", "id": "v1"},
        {"__typename": "Video", "id": "v2"},
    ]


async def test_member_fields_where_the_member_does_not_implement_the_interface(
    feed: GatewayClient,
) -> None:
    # stats knows Article but not Content: only the articles are sent there.
    result = await feed.query("{ posts { id ... on Article { views } } }")
    assert result == {
        "data": {"posts": [{"id": "a1", "views": 100}, {"id": "v2"}, {"id": "a2", "views": 5}]}
    }
    assert representations(feed, "stats") == [
        {"__typename": "Article", "id": "a1"},
        {"__typename": "Article", "id": "a2"},
    ]


async def test_a_member_field_requiring_a_field_of_the_listing_subgraph(
    feed: GatewayClient,
) -> None:
    result = await feed.query("{ feed { ... on Video { score duration } } }")
    assert result == {
        "data": {
            "feed": [
                {},
                {"score": 2.0, "duration": 120},
                {},
                None,
                {},
                {"score": None, "duration": None},
            ]
        }
    }
    assert calls(feed) == {"posts": 1, "stats": 1}
    assert representations(feed, "stats") == [
        {"__typename": "Video", "id": "v1", "duration": 120},
        {"__typename": "Video", "id": "v2", "duration": None},
    ]


async def test_a_member_field_requiring_a_field_of_a_third_subgraph(feed: GatewayClient) -> None:
    result = await feed.query("{ playlist { ... on Video { score } } }")
    assert result == {"data": {"playlist": [{"score": None}, {}]}}
    # media lists, posts has the required duration, stats computes the score.
    assert calls(feed) == {"media": 1, "posts": 1, "stats": 1}
    assert representations(feed, "stats") == [{"__typename": "Video", "id": "v2", "duration": None}]


async def test_a_provided_member_field_needs_no_other_subgraph(feed: GatewayClient) -> None:
    result = await feed.query("{ featured { __typename id url title } }")
    assert result == {
        "data": {
            "featured": {"__typename": "Video", "id": "v1", "url": "https://v/1", "title": "Cats"}
        }
    }
    assert calls(feed) == {"posts": 1}


async def test_an_external_member_field_off_the_provides_path(feed: GatewayClient) -> None:
    result = await feed.query("{ feed { ... on Video { url } } }")
    assert result == {"data": {"feed": [{}, {"url": "https://v/1"}, {}, None, {}, {"url": None}]}}
    assert calls(feed) == {"posts": 1, "media": 1}
    assert "url" not in feed.subgraphs["posts"].operations()[0]


async def test_member_fields_of_one_entity_from_two_other_subgraphs(feed: GatewayClient) -> None:
    result = await feed.query("{ posts { ... on Video { url duration } ... on Article { body } } }")
    assert result == {
        "data": {
            "posts": [
                {"body": "First post"},
                {"url": None, "duration": None},
                {"body": "Untitled"},
            ]
        }
    }
    assert calls(feed) == {"posts": 1, "media": 1}
