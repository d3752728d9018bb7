"""No subgraph request for fields that ``@include``/``@skip`` rule out (counted at the
subgraphs), and with the condition true the response of the unconditioned query.

depot: ``eta`` in tracking requires depot's ``weightKg`` and tracking's key comes through
fleet. catalog: ``topRated`` comes from ratings, which holds ``Node`` as an
``@interfaceObject``; only library can tell which nodes are Books.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from gwharness.catalog import CATALOG_SUPERGRAPH, catalog_subgraphs
from gwharness.depot import DEPOT_SUPERGRAPH, depot_subgraphs
from gwharness.feed import feed_subgraphs, feed_supergraph
from gwharness.gallery import gallery_subgraphs, gallery_supergraph
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.pricing import PRICING_SUPERGRAPH, pricing_subgraphs
from gwharness.shop import SHOP_SUPERGRAPH, shop_subgraphs

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def depot() -> AsyncIterator[GatewayClient]:
    async with running_gateway(DEPOT_SUPERGRAPH, depot_subgraphs()) as client:
        yield client


@pytest.fixture(scope="module")
async def catalog() -> AsyncIterator[GatewayClient]:
    async with running_gateway(CATALOG_SUPERGRAPH, catalog_subgraphs()) as client:
        yield client


async def run(
    gw: GatewayClient, query: str, variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, int]]:
    """The response and the requests each subgraph received for it."""
    gw.reset()
    result = await gw.query(query, variables)
    return result, {name: s.count for name, s in gw.subgraphs.items() if s.count}


ETA = {
    "data": {
        "shipments": [
            {"id": "s1", "eta": "5h"},
            {"id": "s2", "eta": "unknown"},
            {"id": "s3", "eta": None},
        ]
    }
}
IDS = {"data": {"shipments": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}]}}
EVERY_HOP = {"depot": 1, "fleet": 1, "tracking": 1}


async def test_the_unconditioned_query(depot: GatewayClient) -> None:
    assert await run(depot, "{ shipments { id eta } }") == (ETA, EVERY_HOP)


@pytest.mark.parametrize(
    "query",
    [
        "query ($v: Boolean!) { shipments { id eta @include(if: $v) } }",
        "query ($v: Boolean!) { shipments { id ... @include(if: $v) { eta } } }",
        "query ($v: Boolean! = true) { shipments { id eta @include(if: $v) } }",
    ],
)
async def test_a_requiring_field_under_include(depot: GatewayClient, query: str) -> None:
    assert await run(depot, query, {"v": False}) == (IDS, {"depot": 1})
    assert await run(depot, query, {"v": True}) == (ETA, EVERY_HOP)


async def test_a_requiring_field_under_skip(depot: GatewayClient) -> None:
    query = "query ($s: Boolean!) { shipments { id eta @skip(if: $s) } }"
    assert await run(depot, query, {"s": True}) == (IDS, {"depot": 1})
    assert await run(depot, query, {"s": False}) == (ETA, EVERY_HOP)


async def test_literal_conditions(depot: GatewayClient) -> None:
    assert await run(depot, "{ shipments { id eta @skip(if: true) } }") == (IDS, {"depot": 1})
    assert await run(depot, "{ shipments { id ... @include(if: false) { eta } } }") == (
        IDS,
        {"depot": 1},
    )
    assert await run(depot, "{ shipments { id eta @include(if: true) } }") == (ETA, EVERY_HOP)


@pytest.mark.parametrize(
    ("a", "b", "fetched"),
    [(False, False, False), (False, True, False), (True, True, False), (True, False, True)],
)
async def test_nested_conditions(depot: GatewayClient, a: bool, b: bool, fetched: bool) -> None:
    query = (
        "query ($a: Boolean!, $b: Boolean!) "
        "{ shipments { id ... @include(if: $a) { eta @skip(if: $b) } } }"
    )
    expected = (ETA, EVERY_HOP) if fetched else (IDS, {"depot": 1})
    assert await run(depot, query, {"a": a, "b": b}) == expected


async def test_a_hop_shared_with_an_unconditioned_field_keeps_that_field(
    depot: GatewayClient,
) -> None:
    query = "query ($v: Boolean!) { shipments { trackingNo eta @include(if: $v) } }"
    numbers = ["T1", "T2", None]
    assert await run(depot, query, {"v": False}) == (
        {"data": {"shipments": [{"trackingNo": n} for n in numbers]}},
        {"depot": 1, "fleet": 1},
    )
    both = await run(depot, "{ shipments { trackingNo eta } }")
    assert both[1] == EVERY_HOP
    assert await run(depot, query, {"v": True}) == both


TITLES = "{ topRated { id ... on Book { title } } }"


async def test_a_type_condition_behind_an_interface_object(catalog: GatewayClient) -> None:
    query = "query ($b: Boolean!) { topRated { id ... on Book @include(if: $b) { title } } }"
    ids = {"data": {"topRated": [{"id": "b1"}, {"id": "b2"}, {"id": "f1"}]}}
    assert await run(catalog, query, {"b": False}) == (ids, {"ratings": 1})
    unconditioned = await run(catalog, TITLES)
    assert unconditioned[1] == {"ratings": 1, "library": 1}
    assert await run(catalog, query, {"b": True}) == unconditioned


async def test_a_skipped_type_condition_the_interface_object_answers(
    catalog: GatewayClient,
) -> None:
    query = "query ($s: Boolean!) { topRated { id ... on Book @skip(if: $s) { rating } } }"
    ids = {"data": {"topRated": [{"id": "b1"}, {"id": "b2"}, {"id": "f1"}]}}
    assert await run(catalog, query, {"s": True}) == (ids, {"ratings": 1})
    ratings = {
        "data": {"topRated": [{"id": "b1", "rating": 5}, {"id": "b2", "rating": 4}, {"id": "f1"}]}
    }
    assert await run(catalog, query, {"s": False}) == (ratings, {"ratings": 1, "library": 1})


async def test_a_conditioned_type_condition_beside_an_unconditioned_one(
    catalog: GatewayClient,
) -> None:
    query = (
        "query ($b: Boolean!) { topRated { id ... on Film { title } "
        "... on Book @include(if: $b) { title } } }"
    )
    films = {"data": {"topRated": [{"id": "b1"}, {"id": "b2"}, {"id": "f1", "title": "Alien"}]}}
    assert await run(catalog, query, {"b": False}) == (films, {"ratings": 1, "library": 1})
    both = await run(catalog, "{ topRated { id ... on Film { title } ... on Book { title } } }")
    assert await run(catalog, query, {"b": True}) == both
    assert both[1] == {"ratings": 1, "library": 1}


async def test_a_literal_condition_that_empties_a_selection(depot: GatewayClient) -> None:
    """The subgraph is asked ``carrier { __typename }`` (a selection cannot be empty) and the
    client gets ``{}``, as graphql-js answers."""
    query = "{ shipments { id carrier { code @skip(if: true) } } }"
    empty: dict[str, Any] = {
        "data": {"shipments": [{"id": s, "carrier": {}} for s in ("s1", "s2", "s3")]}
    }
    assert await run(depot, query) == (empty, {"depot": 1})
    query = "{ shipments { id carrier { ... @include(if: false) { name } } } }"
    assert await run(depot, query) == (empty, {"depot": 1})


async def test_a_literal_condition_on_the_only_root_field(depot: GatewayClient) -> None:
    assert await run(depot, "{ shipments @skip(if: true) { id eta } }") == ({"data": {}}, {})


@pytest.fixture(scope="module")
async def gallery() -> AsyncIterator[GatewayClient]:
    async with running_gateway(gallery_supergraph(), gallery_subgraphs()) as client:
        yield client


async def test_a_conditioned_type_joins_the_fetch_of_another_type(
    gallery: GatewayClient,
) -> None:
    """Books' names are fetched anyway: Games' names join that request under the directive."""
    query = "query ($s: Boolean!) { shelf { id name @skip(if: $s) ... on Book { name } } }"
    books_only = await run(gallery, "{ shelf { id ... on Book { name } } }")
    every_name = await run(gallery, "{ shelf { id name ... on Book { name } } }")
    assert books_only[1] == every_name[1] == {"shop": 1, "names": 1}
    assert await run(gallery, query, {"s": True}) == books_only
    assert await run(gallery, query, {"s": False}) == every_name


@pytest.fixture(scope="module")
async def shop() -> AsyncIterator[GatewayClient]:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as client:
        yield client


@pytest.fixture(scope="module")
async def pricing() -> AsyncIterator[GatewayClient]:
    async with running_gateway(PRICING_SUPERGRAPH, pricing_subgraphs()) as client:
        yield client


async def test_a_requiring_field_joins_a_fetch_made_anyway(shop: GatewayClient) -> None:
    """price and weight come with the product list whatever $s: shippingEstimate joins
    inStock's inventory request, one request either way."""
    query = "query ($s: Boolean!) { topProducts { inStock shippingEstimate @skip(if: $s) } }"
    stock = await run(shop, "{ topProducts { inStock } }")
    both = await run(shop, "{ topProducts { inStock shippingEstimate } }")
    assert stock[1] == both[1] == {"products": 1, "inventory": 1}
    assert await run(shop, query, {"s": True}) == stock
    assert await run(shop, query, {"s": False}) == both


async def test_a_requirement_chain_under_a_condition(pricing: GatewayClient) -> None:
    """finalEur needs tax (which needs a EUR price) and the discount: with $v false only
    the fetches for the discount are made."""
    query = "query ($v: Boolean!) { items { id discount finalEur @include(if: $v) } }"
    discount = await run(pricing, "{ items { id discount } }")
    assert discount[1] == {"items": 1, "prices": 1}
    assert await run(pricing, query, {"v": False}) == discount
    unconditioned = await run(pricing, "{ items { id discount finalEur } }")
    assert unconditioned[1] == {"items": 1, "prices": 1, "tax": 1, "ship": 1}
    assert await run(pricing, query, {"v": True}) == unconditioned


async def test_fields_of_one_fetch_under_different_conditions(catalog: GatewayClient) -> None:
    """store is asked only when price or stock is wanted, and then once for both."""
    query = (
        "query ($a: Boolean!, $b: Boolean!) "
        "{ media { title ... on Book { price @include(if: $a) stock @include(if: $b) } } }"
    )
    titles = await run(catalog, "{ media { title } }")
    assert titles[1] == {"library": 1}
    assert await run(catalog, query, {"a": False, "b": False}) == titles
    prices = await run(catalog, "{ media { title ... on Book { price } } }")
    stocks = await run(catalog, "{ media { title ... on Book { stock } } }")
    both = await run(catalog, "{ media { title ... on Book { price stock } } }")
    assert prices[1] == stocks[1] == both[1] == {"library": 1, "store": 1}
    assert await run(catalog, query, {"a": True, "b": False}) == prices
    assert await run(catalog, query, {"a": False, "b": True}) == stocks
    assert await run(catalog, query, {"a": True, "b": True}) == both


@pytest.mark.parametrize(("g", "b"), [(False, False), (False, True), (True, False), (True, True)])
async def test_two_type_conditions_under_different_conditions(
    gallery: GatewayClient, g: bool, b: bool
) -> None:
    """Games' and Books' names come from one names request, made when either is wanted."""
    query = (
        "query ($g: Boolean!, $b: Boolean!) "
        "{ shelf { id ... on Game @include(if: $g) { name } ... on Book @skip(if: $b) { name } } }"
    )
    literal = query.split(") ", 1)[1].replace("$g", str(g).lower()).replace("$b", str(b).lower())
    expected = await run(gallery, literal)
    assert expected[1] == ({"shop": 1, "names": 1} if g or not b else {"shop": 1})
    assert await run(gallery, query, {"g": g, "b": b}) == expected


async def test_a_part_under_two_skips_joins_a_fetch(gallery: GatewayClient) -> None:
    """Under the root fragment's @include($w), Books' second name is under two @skip: each
    gets its own fragment in the names request (one fragment with both was refused)."""
    query = (
        "query ($v: Boolean!, $w: Boolean!) { ... on Query @include(if: $w) { shelf { name "
        "... on Book @skip(if: $w) { name_3: name @skip(if: $v) } } } }"
    )
    for v, w in [(False, True), (False, False), (True, False)]:
        literal = query.split(") ", 1)[1].replace("$v", str(v).lower())
        expected = await run(gallery, literal.replace("$w", str(w).lower()))
        assert await run(gallery, query, {"v": v, "w": w}) == expected


@pytest.mark.parametrize(
    "query",
    [
        "query ($f: Boolean!) { nodes { id rating ... on Film @include(if: $f) { rating } } }",
        "query ($f: Boolean!) { nodes { ... on Book { rating } ... on Film @skip(if: $f) { rating } } }",
        "query ($f: Boolean!) { nodes { rating @include(if: $f) ... on Book { rating } } }",
    ],
)
async def test_conditioned_types_behind_an_interface_object(
    catalog: GatewayClient, query: str
) -> None:
    """ratings is asked once, whatever $f: the conditioned part adds no request."""
    for f in (False, True):
        expected = await run(catalog, query.split(") ", 1)[1].replace("$f", str(f).lower()))
        assert expected[1] == {"library": 1, "ratings": 1}
        assert await run(catalog, query, {"f": f}) == expected


@pytest.fixture(scope="module")
async def feed() -> AsyncIterator[GatewayClient]:
    async with running_gateway(feed_supergraph(), feed_subgraphs()) as client:
        yield client


@pytest.mark.parametrize(("v", "w"), [(False, False), (False, True), (True, False), (True, True)])
@pytest.mark.parametrize(
    "query",
    [
        # Videos' score needs posts' duration first; Podcasts' views do not
        "query ($v: Boolean!, $w: Boolean!) "
        "{ library { ... on Video @skip(if: $v) { score } ... on Podcast @skip(if: $w) { views } } }",
        "query ($v: Boolean!) "
        "{ library { ... on Video { score @skip(if: $v) } ... on Podcast { views } } }",
    ],
)
async def test_a_shared_fetch_never_sits_under_one_side_s_condition(
    feed: GatewayClient, query: str, v: bool, w: bool
) -> None:
    """The stats request serves both parts: it runs after posts (skipped with $v), not
    inside its Skip node, or Podcasts lost their views whenever $v was true."""
    literal = query.split(") ", 1)[1].replace("$v", str(v).lower()).replace("$w", str(w).lower())
    variables = {name: value for name, value in (("v", v), ("w", w)) if f"${name}" in query}
    assert await run(feed, query, variables) == await run(feed, literal)


async def test_conditions_contradicting_the_enclosing_ones(depot: GatewayClient) -> None:
    """eta under @include($v) and @skip($v) is never wanted: no fetch, whatever $v."""
    query = "query ($v: Boolean!) { shipments { id ... @include(if: $v) { eta @skip(if: $v) } } }"
    for v in (False, True):
        assert await run(depot, query, {"v": v}) == (IDS, {"depot": 1})
