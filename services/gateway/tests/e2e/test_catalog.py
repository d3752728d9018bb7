"""End-to-end scenarios over the catalog supergraph: interfaces and unions whose
members live in several subgraphs, an ``@interfaceObject``, a full ``@override``
and ``@inaccessible`` fields and enum values."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.catalog import CATALOG_SUPERGRAPH, catalog_subgraphs
from gwharness.gatewayapp import GatewayClient, running_gateway

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(CATALOG_SUPERGRAPH, catalog_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


def calls(gw: GatewayClient) -> dict[str, int]:
    return {name: s.count for name, s in gw.subgraphs.items() if s.count}


async def test_interface_members_get_fields_from_another_subgraph(gw: GatewayClient) -> None:
    result = await gw.query(
        "{ media { title ... on Book { price stock } ... on Film { minutes } } }"
    )
    assert result == {
        "data": {
            "media": [
                {"title": "Dune", "price": 1999, "stock": 3},
                {"title": "Alien", "minutes": 117},
                {"title": "Emma", "price": 899, "stock": 0},
            ]
        }
    }
    assert calls(gw) == {"library": 1, "store": 1}
    reps = gw.subgraphs["store"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "Book", "id": "b1"}, {"__typename": "Book", "id": "b2"}]


async def test_a_union_with_type_conditions_and_typename(gw: GatewayClient) -> None:
    result = await gw.query(
        '{ search(term: "all") { __typename ... on Book { title price } ... on Author { name } } }'
    )
    assert result == {
        "data": {
            "search": [
                {"__typename": "Book", "title": "Dune", "price": 1999},
                {"__typename": "Author", "name": "Ursula"},
                {"__typename": "Film"},
            ]
        }
    }


async def test_unmatched_type_conditions_give_empty_objects(gw: GatewayClient) -> None:
    result = await gw.query('{ search(term: "all") { ... on Film { minutes } } }')
    assert result == {"data": {"search": [{}, {}, {"minutes": 117}]}}


async def test_a_type_condition_under_include(gw: GatewayClient) -> None:
    query = "query($f: Boolean!) { media { title ... on Book @include(if: $f) { stock } } }"
    assert await gw.query(query, {"f": False}) == {
        "data": {"media": [{"title": "Dune"}, {"title": "Alien"}, {"title": "Emma"}]}
    }
    assert calls(gw) == {"library": 1}
    assert await gw.query(query, {"f": True}) == {
        "data": {
            "media": [
                {"title": "Dune", "stock": 3},
                {"title": "Alien"},
                {"title": "Emma", "stock": 0},
            ]
        }
    }


async def test_an_interface_object_field_is_fetched_with_the_interface_name(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ nodes { id rating } }")
    assert result == {"data": {"nodes": [{"id": "b2", "rating": 4}, {"id": "f1", "rating": 3}]}}
    reps = gw.subgraphs["ratings"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "Node", "id": "b2"}, {"__typename": "Node", "id": "f1"}]


async def test_an_interface_object_root_needs_no_other_subgraph(gw: GatewayClient) -> None:
    result = await gw.query("{ topRated { id rating } }")
    assert result == {
        "data": {
            "topRated": [
                {"id": "b1", "rating": 5},
                {"id": "b2", "rating": 4},
                {"id": "f1", "rating": 3},
            ]
        }
    }
    assert calls(gw) == {"ratings": 1}


async def test_typename_behind_an_interface_object_is_the_concrete_type(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ topRated { __typename id } }")
    assert result == {
        "data": {
            "topRated": [
                {"__typename": "Book", "id": "b1"},
                {"__typename": "Book", "id": "b2"},
                {"__typename": "Film", "id": "f1"},
            ]
        }
    }
    assert calls(gw) == {"ratings": 1, "library": 1}


async def test_an_interface_fragment_reaching_the_interface_object(gw: GatewayClient) -> None:
    result = await gw.query("{ media { __typename ... on Node { id rating } } }")
    assert result == {
        "data": {
            "media": [
                {"__typename": "Book", "id": "b1", "rating": 5},
                {"__typename": "Film", "id": "f1", "rating": 3},
                {"__typename": "Book", "id": "b2", "rating": 4},
            ]
        }
    }


async def test_a_concrete_fragment_with_an_interface_object_field(gw: GatewayClient) -> None:
    result = await gw.query("{ nodes { id ... on Film { title rating } } }")
    assert result == {
        "data": {"nodes": [{"id": "b2"}, {"id": "f1", "title": "Alien", "rating": 3}]}
    }


async def test_type_conditions_under_an_interface_object_root(gw: GatewayClient) -> None:
    result = await gw.query("{ topRated { id ... on Book { title } } }")
    assert result == {
        "data": {
            "topRated": [{"id": "b1", "title": "Dune"}, {"id": "b2", "title": "Emma"}, {"id": "f1"}]
        }
    }


async def test_an_overridden_field_comes_from_the_overriding_subgraph(gw: GatewayClient) -> None:
    assert await gw.query("{ bestseller { price stock format } }") == {
        "data": {"bestseller": {"price": 1999, "stock": 3, "format": "PAPER"}}
    }
    assert calls(gw) == {"store": 1}
    # library still has a price field (returning -1); it is never asked for it.
    await gw.query('{ node(id: "b1") { ... on Book { title price } } }')
    assert all("price" not in op for op in gw.subgraphs["library"].operations())


async def test_an_inaccessible_field_cannot_be_queried(gw: GatewayClient) -> None:
    response = await gw.post("{ media { ... on Book { internalCode } } }")
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert error["message"] == "Cannot query field 'internalCode' on type 'Book'."
    assert calls(gw) == {}


async def test_inaccessible_elements_are_absent_from_introspection(gw: GatewayClient) -> None:
    result = await gw.query(
        '{ b: __type(name: "Book") { fields { name } } f: __type(name: "Format") '
        "{ enumValues { name } } }"
    )
    fields = [f["name"] for f in result["data"]["b"]["fields"]]
    assert "internalCode" not in fields
    assert fields == ["id", "title", "year", "author", "price", "stock", "format", "rating"]
    assert result["data"]["f"] == {"enumValues": [{"name": "PAPER"}, {"name": "EBOOK"}]}


async def test_an_inaccessible_enum_value_from_a_subgraph_becomes_null(gw: GatewayClient) -> None:
    result = await gw.query('{ node(id: "b2") { id rating ... on Book { title stock format } } }')
    assert result == {
        "data": {"node": {"id": "b2", "rating": 4, "title": "Emma", "stock": 0, "format": None}},
        "errors": [
            {
                "message": "Invalid value for enum Format from a subgraph.",
                "path": ["node", "format"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }


async def test_an_aliased_field_under_a_type_condition_behind_an_interface_object(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ topRated { rating id ... on Film { id_0: id } } }")
    assert result == {
        "data": {
            "topRated": [
                {"rating": 5, "id": "b1"},
                {"rating": 4, "id": "b2"},
                {"rating": 3, "id": "f1", "id_0": "f1"},
            ]
        }
    }


async def test_type_conditions_selecting_the_same_leaves_for_every_type(
    gw: GatewayClient,
) -> None:
    # Planned as one ratings fetch: the concrete types are unknown but do not matter.
    result = await gw.query("{ topRated { rating ... on Film { id } ... on Book { id } } }")
    assert result == {
        "data": {
            "topRated": [
                {"rating": 5, "id": "b1"},
                {"rating": 4, "id": "b2"},
                {"rating": 3, "id": "f1"},
            ]
        }
    }
