"""End-to-end ``__typename`` scenarios: at the root (answered by the gateway), at abstract
positions (always the concrete type, never an interface-object name), under aliases and
inside fragments."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.feed import feed_subgraphs, feed_supergraph
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.scenario import calls
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


async def test_the_root_typename_needs_no_subgraph(zoo: GatewayClient) -> None:
    assert await zoo.query("{ __typename q: __typename }") == {
        "data": {"__typename": "Query", "q": "Query"}
    }
    assert calls(zoo) == {}


async def test_aliased_typenames_at_the_root_and_an_interface(zoo: GatewayClient) -> None:
    result = await zoo.query(
        "{ a: __typename animals { t: __typename ... on Animal { __typename } } }"
    )
    assert result == {
        "data": {
            "a": "Query",
            "animals": [
                {"t": "Cat", "__typename": "Cat"},
                {"t": "Dog", "__typename": "Dog"},
                {"t": "Cat", "__typename": "Cat"},
                {"t": "Dog", "__typename": "Dog"},
            ],
        }
    }
    assert calls(zoo) == {"animals": 1}


async def test_never_the_interface_object_name(zoo: GatewayClient) -> None:
    result = await zoo.query("{ patients { __typename } }")
    assert result == {"data": {"patients": [{"__typename": "Dog"}, {"__typename": "Cat"}]}}
    assert calls(zoo) == {"vet": 1, "animals": 1}


async def test_aliases_and_a_member_fragment_behind_an_interface_object(
    zoo: GatewayClient,
) -> None:
    result = await zoo.query(
        "{ patients { t1: __typename t2: __typename ... on Dog { __typename id } } }"
    )
    assert result == {
        "data": {
            "patients": [
                {"t1": "Dog", "t2": "Dog", "__typename": "Dog", "id": "d2"},
                {"t1": "Cat", "t2": "Cat"},
            ]
        }
    }


async def test_typenames_through_a_non_resolvable_reference(zoo: GatewayClient) -> None:
    result = await zoo.query("{ kennels { __typename occupant { __typename } } }")
    assert result == {
        "data": {
            "kennels": [
                {"__typename": "Kennel", "occupant": {"__typename": "Dog"}},
                {"__typename": "Kennel", "occupant": None},
                {"__typename": "Kennel", "occupant": {"__typename": "Cat"}},
            ]
        }
    }
    assert calls(zoo) == {"shelter": 1, "animals": 1}


async def test_the_typename_of_an_object_type_is_static(zoo: GatewayClient) -> None:
    result = await zoo.query("{ dogOfTheDay { __typename } kennels { number __typename } }")
    assert result == {
        "data": {
            "dogOfTheDay": {"__typename": "Dog"},
            "kennels": [
                {"number": 1, "__typename": "Kennel"},
                {"number": 2, "__typename": "Kennel"},
                {"number": 3, "__typename": "Kennel"},
            ],
        }
    }
    assert calls(zoo) == {"breeds": 1, "shelter": 1}


async def test_an_aliased_typename_in_a_union(feed: GatewayClient) -> None:
    result = await feed.query(
        "{ mediaFeed: playlist { kind: __typename ... on Content { title } } }"
    )
    assert result == {
        "data": {
            "mediaFeed": [
                {"kind": "Video", "title": "Dogs"},
                {"kind": "Podcast", "title": "Talk"},
            ]
        }
    }
    assert calls(feed) == {"media": 1}


async def test_typenames_inside_nested_fragments_of_a_union(feed: GatewayClient) -> None:
    result = await feed.query(
        "{ feed { ... on Content { __typename ... on Video { url } } ... on Ad { __typename } } }"
    )
    assert result == {
        "data": {
            "feed": [
                {"__typename": "Article"},
                {"__typename": "Video", "url": "https://v/1"},
                {"__typename": "Ad"},
                None,
                {"__typename": "Article"},
                {"__typename": "Video", "url": None},
            ]
        }
    }


async def test_typename_beside_interface_object_fields(zoo: GatewayClient) -> None:
    result = await zoo.query("{ animals { __typename vaccinated } }")
    assert result == {
        "data": {
            "animals": [
                {"__typename": "Cat", "vaccinated": False},
                {"__typename": "Dog", "vaccinated": True},
                {"__typename": "Cat", "vaccinated": True},
                {"__typename": "Dog", "vaccinated": None},
            ]
        }
    }
    assert calls(zoo) == {"animals": 1, "vet": 1}
