"""End-to-end fragments on abstract types: inline fragments on interfaces and members,
nested, named, under ``@skip``/``@include`` (literal and variables), and type conditions
that exist only in some subgraphs. Only the members the client asked for get fields."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

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


async def test_named_fragments_on_the_interface_and_its_members(zoo: GatewayClient) -> None:
    query = """
    fragment A on Animal { id }
    fragment D on Dog { breed }
    fragment C on Cat { lives ...A }
    { animals { ...A ...D ...C } }
    """
    assert await zoo.query(query) == {
        "data": {
            "animals": [
                {"id": "c1", "lives": 9},
                {"id": "d1", "breed": "Beagle"},
                {"id": "c2", "lives": None},
                {"id": "d2", "breed": None},
            ]
        }
    }


async def test_nested_fragments_alternating_interface_and_member(zoo: GatewayClient) -> None:
    result = await zoo.query(
        "{ animals { ... on Animal { ... on Dog { ... on Animal { name } breed } } } }"
    )
    assert result == {
        "data": {
            "animals": [{}, {"name": "Rex", "breed": "Beagle"}, {}, {"name": "Fido", "breed": None}]
        }
    }


async def test_literal_skip_and_include_on_member_fragments(zoo: GatewayClient) -> None:
    result = await zoo.query(
        "{ animals { id ... on Dog @skip(if: true) { breed } ... on Cat @include(if: true) { lives } } }"
    )
    assert result == {
        "data": {
            "animals": [
                {"id": "c1", "lives": 9},
                {"id": "d1"},
                {"id": "c2", "lives": None},
                {"id": "d2"},
            ]
        }
    }
    assert calls(zoo) == {"animals": 1}  # the skipped Dog fields never reach breeds


MEMBER_FRAGMENTS = (
    "query($d: Boolean!, $c: Boolean!) "
    "{ animals { id ... on Dog @include(if: $d) { breed } ... on Cat @skip(if: $c) { lives } } }"
)


@pytest.mark.parametrize(
    ("variables", "animals", "subgraph_calls"),
    [
        (
            {"d": False, "c": True},
            [{"id": "c1"}, {"id": "d1"}, {"id": "c2"}, {"id": "d2"}],
            {"animals": 1},
        ),
        (
            {"d": True, "c": False},
            [
                {"id": "c1", "lives": 9},
                {"id": "d1", "breed": "Beagle"},
                {"id": "c2", "lives": None},
                {"id": "d2", "breed": None},
            ],
            {"animals": 1, "breeds": 1},
        ),
    ],
    ids=["both-excluded", "both-included"],
)
async def test_member_fragments_under_variables(
    zoo: GatewayClient,
    variables: dict[str, bool],
    animals: list[dict[str, Any]],
    subgraph_calls: dict[str, int],
) -> None:
    assert await zoo.query(MEMBER_FRAGMENTS, variables) == {"data": {"animals": animals}}
    assert calls(zoo) == subgraph_calls


async def test_a_conditional_field_inside_a_member_fragment(zoo: GatewayClient) -> None:
    query = "query($b: Boolean!) { animals { ... on Dog { name breed @include(if: $b) } } }"
    assert await zoo.query(query, {"b": False}) == {
        "data": {"animals": [{}, {"name": "Rex"}, {}, {"name": "Fido"}]}
    }
    assert calls(zoo) == {"animals": 1}


DOWNCAST = "query($b: Boolean!) { patients { id ... on Dog @include(if: $b) { name breed } } }"


@pytest.mark.parametrize(
    ("include", "patients"),
    [
        (True, [{"id": "d2", "name": "Fido", "breed": None}, {"id": "c1"}]),
        (False, [{"id": "d2"}, {"id": "c1"}]),
    ],
    ids=["included", "excluded"],
)
async def test_a_conditional_member_fragment_behind_an_interface_object(
    zoo: GatewayClient, include: bool, patients: list[dict[str, Any]]
) -> None:
    # The variable goes only to the fetch printing the fragment (animals), not to vet.
    assert await zoo.query(DOWNCAST, {"b": include}) == {"data": {"patients": patients}}
    assert "$b" not in zoo.subgraphs["vet"].operations()[0]


@pytest.mark.parametrize(
    ("include", "patients"),
    [
        (True, [{"id": "d2", "vaccinated": None}, {"id": "c1"}]),
        (False, [{"id": "d2"}, {"id": "c1"}]),
    ],
    ids=["included", "excluded"],
)
async def test_a_conditional_member_fragment_of_interface_object_fields(
    zoo: GatewayClient, include: bool, patients: list[dict[str, Any]]
) -> None:
    query = "query($b: Boolean!) { patients { id ... on Dog @include(if: $b) { vaccinated } } }"
    assert await zoo.query(query, {"b": include}) == {"data": {"patients": patients}}


async def test_an_interface_fragment_of_interface_object_fields_stays_there(
    zoo: GatewayClient,
) -> None:
    result = await zoo.query("{ patients { ... on Animal { vaccinated } } }")
    assert result == {"data": {"patients": [{"vaccinated": None}, {"vaccinated": False}]}}
    assert calls(zoo) == {"vet": 1}


async def test_one_response_key_from_fragments_on_two_members(zoo: GatewayClient) -> None:
    result = await zoo.query("{ animals { ... on Dog { x: name } ... on Cat { x: name } } }")
    assert result == {
        "data": {"animals": [{"x": "Tom"}, {"x": "Rex"}, {"x": "Kitty"}, {"x": "Fido"}]}
    }


@pytest.mark.parametrize(
    ("include", "feed_items"),
    [
        (True, [{"views": 100}, {}, {}, None, {"views": 5}, {}]),
        (False, [{}, {}, {}, None, {}, {}]),
    ],
    ids=["included", "excluded"],
)
async def test_a_conditional_type_condition_unknown_to_the_listing_subgraph(
    feed: GatewayClient, include: bool, feed_items: list[Any]
) -> None:
    query = (
        "query($b: Boolean!) { feed { ... on Podcast @include(if: $b) { episodes } "
        "... on Article @include(if: $b) { views } } }"
    )
    assert await feed.query(query, {"b": include}) == {"data": {"feed": feed_items}}


async def test_named_fragments_shared_by_two_abstract_fields(feed: GatewayClient) -> None:
    query = """
    fragment C on Content { id }
    fragment P on Podcast { episodes ...C }
    { library { ...P ... on Video { ...C } } playlist { ...P } }
    """
    assert await feed.query(query) == {
        "data": {
            "library": [
                {"episodes": 12, "id": "p1"},
                {"id": "v1"},
                {"episodes": None, "id": "p2"},
                {"id": "v2"},
            ],
            "playlist": [{}, {"episodes": 12, "id": "p1"}],
        }
    }
    assert calls(feed) == {"media": 1}


async def test_a_union_fragment_spread_on_the_union_itself(feed: GatewayClient) -> None:
    result = await feed.query("{ feed { ... on FeedItem { ... on Article { id } } } }")
    assert result == {"data": {"feed": [{"id": "a1"}, {}, {}, None, {"id": "a2"}, {}]}}


async def test_a_requiring_interface_field_under_a_false_include(zoo: GatewayClient) -> None:
    query = "query($g: Boolean!) { animals { name greeting @include(if: $g) } }"
    assert await zoo.query(query, {"g": False}) == {
        "data": {"animals": [{"name": "Tom"}, {"name": "Rex"}, {"name": "Kitty"}, {"name": "Fido"}]}
    }
    assert calls(zoo) == {"animals": 1}  # neither the requirement nor care


@pytest.mark.parametrize(
    ("flag", "patients", "subgraph_calls"),
    [
        (
            True,
            [{"id": "d2", "vaccinated": None}, {"id": "c1", "vaccinated": False}],
            {"vet": 1},
        ),
        (
            False,
            [{"id": "d2", "greeting": "Hello, Fido!"}, {"id": "c1", "greeting": "Hello, Tom!"}],
            {"vet": 1, "animals": 1, "care": 1},
        ),
    ],
    ids=["true", "false"],
)
async def test_skip_and_include_on_interface_object_fields(
    zoo: GatewayClient,
    flag: bool,
    patients: list[dict[str, Any]],
    subgraph_calls: dict[str, int],
) -> None:
    query = (
        "query($g: Boolean!) { patients { id greeting @skip(if: $g) vaccinated @include(if: $g) } }"
    )
    assert await zoo.query(query, {"g": flag}) == {"data": {"patients": patients}}
    assert calls(zoo) == subgraph_calls


@pytest.mark.parametrize(
    ("flag", "occupants", "subgraph_calls"),
    [
        (True, [{"__typename": "Dog", "id": "d2"}, None, {"__typename": "Cat", "id": "c1"}], 2),
        (False, [{"id": "d2"}, None, {"id": "c1"}], 1),
    ],
    ids=["included", "excluded"],
)
async def test_a_conditional_typename_behind_a_reference(
    zoo: GatewayClient, flag: bool, occupants: list[Any], subgraph_calls: int
) -> None:
    # Only the concrete type needs the jump to animals; without it shelter answers alone.
    query = "query($t: Boolean!) { kennels { occupant { __typename @include(if: $t) id } } }"
    assert await zoo.query(query, {"t": flag}) == {
        "data": {"kennels": [{"occupant": o} for o in occupants]}
    }
    assert sum(calls(zoo).values()) == subgraph_calls
