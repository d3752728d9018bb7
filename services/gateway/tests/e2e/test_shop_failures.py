"""End-to-end failure and concurrency scenarios over the shop supergraph: stopped,
slow and malformed subgraphs give partial data plus coded errors; parallel branches
do not cancel each other; identical queries share one call, mutations never do."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gwharness.gatewayapp import running_gateway
from gwharness.shop import SHOP_SUPERGRAPH, shop_subgraphs

pytestmark = pytest.mark.asyncio(loop_scope="session")

DOWN = "http://127.0.0.1:1/graphql"  # nothing listens there: connection refused


def _codes(result: dict[str, Any]) -> list[tuple[Any, str]]:
    return [(e.get("path"), e["extensions"]["code"]) for e in result.get("errors", [])]


async def test_a_stopped_subgraph_gives_partial_data_and_one_coded_error() -> None:
    async with running_gateway(
        SHOP_SUPERGRAPH, shop_subgraphs(), subgraph_urls={"inventory": DOWN}
    ) as gw:
        result = await gw.query("{ topProducts(first: 3) { name inStock } }")
    assert result["data"] == {
        "topProducts": [
            {"name": "Table", "inStock": None},
            {"name": "Couch", "inStock": None},
            {"name": "Lamp", "inStock": None},
        ]
    }
    assert _codes(result) == [(["topProducts"], "SUBREQUEST_HTTP_ERROR")]
    assert "inventory" in result["errors"][0]["message"]


async def test_a_stopped_subgraph_under_non_null_fields_nulls_up_to_the_root() -> None:
    async with running_gateway(
        SHOP_SUPERGRAPH, shop_subgraphs(), subgraph_urls={"reviews": DOWN}
    ) as gw:
        result = await gw.query("{ topProducts(first: 2) { name reviews { body } } }")
    # Product.reviews: [Review!]! and Query.topProducts: [Product!]!
    assert result["data"] is None
    assert _codes(result) == [(["topProducts"], "SUBREQUEST_HTTP_ERROR")]


async def test_a_stopped_root_subgraph_keeps_the_other_root_fields() -> None:
    async with running_gateway(
        SHOP_SUPERGRAPH, shop_subgraphs(), subgraph_urls={"accounts": DOWN}
    ) as gw:
        result = await gw.query("{ me { name } topProducts(first: 1) { name } }")
    assert result["data"] == {"me": None, "topProducts": [{"name": "Table"}]}
    assert _codes(result) == [(None, "SUBREQUEST_HTTP_ERROR")]


async def test_a_failing_parallel_branch_does_not_cancel_its_sibling() -> None:
    async with running_gateway(
        SHOP_SUPERGRAPH, shop_subgraphs(), subgraph_urls={"inventory": DOWN}
    ) as gw:
        # reviews answers only once the inventory branch has already failed.
        gate = asyncio.Event()
        gw.subgraphs["reviews"].hold = gate

        async def release() -> None:
            await gw.subgraphs["reviews"].received(1)
            gate.set()

        releaser = asyncio.create_task(release())
        result = await gw.query("{ topProducts(first: 2) { inStock reviews { id } } }")
        await releaser
    assert result["data"] == {
        "topProducts": [
            {"inStock": None, "reviews": [{"id": "r1"}, {"id": "r4"}]},
            {"inStock": None, "reviews": [{"id": "r2"}]},
        ]
    }
    assert _codes(result) == [(["topProducts"], "SUBREQUEST_HTTP_ERROR")]


async def test_a_malformed_entities_length_is_a_coded_error() -> None:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as gw:
        gw.subgraphs["inventory"].fixed_body = b'{"data":{"_entities":[{"inStock":true}]}}'
        result = await gw.query("{ topProducts(first: 2) { name inStock } }")
    assert result["data"] == {
        "topProducts": [{"name": "Table", "inStock": None}, {"name": "Couch", "inStock": None}]
    }
    assert _codes(result) == [(["topProducts"], "SUBREQUEST_MALFORMED_RESPONSE")]


async def test_a_non_graphql_5xx_is_an_http_error() -> None:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as gw:
        gw.subgraphs["inventory"].status = 502
        gw.subgraphs["inventory"].fixed_body = b"<html>bad gateway</html>"
        result = await gw.query("{ topProducts(first: 1) { name inStock } }")
    assert result["data"] == {"topProducts": [{"name": "Table", "inStock": None}]}
    assert _codes(result) == [(["topProducts"], "SUBREQUEST_HTTP_ERROR")]
    assert "502" in result["errors"][0]["message"]


async def test_a_slow_subgraph_times_out_and_the_rest_is_returned() -> None:
    async with running_gateway(
        SHOP_SUPERGRAPH, shop_subgraphs(), subgraph_timeouts_s={"inventory": 0.05}
    ) as gw:
        gw.subgraphs["inventory"].hold = asyncio.Event()  # never answers
        result = await gw.query("{ topProducts(first: 1) { name inStock } }")
    assert result["data"] == {"topProducts": [{"name": "Table", "inStock": None}]}
    assert _codes(result) == [(["topProducts"], "SUBGRAPH_REQUEST_TIMEOUT")]


async def test_dependents_of_a_failed_fetch_are_skipped_without_more_errors() -> None:
    async with running_gateway(
        SHOP_SUPERGRAPH, shop_subgraphs(), subgraph_urls={"reviews": DOWN}
    ) as gw:
        result = await gw.query('{ user(id: "u1") { name reviews { author { name } } } }')
        accounts_calls = gw.subgraphs["accounts"].count
    assert result["data"] == {"user": None}
    assert _codes(result) == [(["user"], "SUBREQUEST_HTTP_ERROR")]
    assert accounts_calls == 1  # the root fetch only; the author jump had nothing to send


async def test_two_identical_concurrent_queries_share_each_subgraph_call() -> None:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as gw:
        gate = asyncio.Event()
        gw.subgraphs["products"].hold = gate
        query = "{ topProducts(first: 2) { name inStock } }"
        first = asyncio.create_task(gw.query(query))
        second = asyncio.create_task(gw.query(query))
        await gw.subgraphs["products"].received(1)
        for _ in range(1000):  # let the second request reach the transport and join
            if gw.gateway.transport.requests_shared:
                break
            await asyncio.sleep(0)
        gate.set()
        results = await asyncio.gather(first, second)
        counts = (gw.subgraphs["products"].count, gw.subgraphs["inventory"].count)
    expected = {
        "data": {
            "topProducts": [{"name": "Table", "inStock": True}, {"name": "Couch", "inStock": False}]
        }
    }
    assert list(results) == [expected, expected]
    assert counts[0] == 1  # the entity fetches that follow may or may not overlap


async def test_two_identical_concurrent_mutations_both_run() -> None:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as gw:
        mutation = 'mutation { addReview(upc: "3", body: "Nice") { id body } }'
        results = await asyncio.gather(gw.query(mutation), gw.query(mutation))
        count = gw.subgraphs["reviews"].count
        after = await gw.query('{ product(upc: "3") { reviews { id } } }')
    assert sorted(r["data"]["addReview"]["id"] for r in results) == ["n1", "n2"]
    assert count == 2
    assert after["data"] == {"product": {"reviews": [{"id": "r3"}, {"id": "n1"}, {"id": "n2"}]}}


async def test_mutations_run_in_document_order_across_subgraphs() -> None:
    journal: list[str] = []
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs(journal)) as gw:
        result = await gw.query(
            """mutation {
              a: rename(id: "u2", name: "A") { name }
              r: addReview(upc: "1", body: "first") { body author { name } }
              b: rename(id: "u2", name: "B") { name }
            }"""
        )
    assert result == {
        "data": {
            "a": {"name": "A"},
            "r": {"body": "first", "author": {"name": "A"}},
            "b": {"name": "B"},
        }
    }
    # The review's author is read from accounts after the first rename, before the second.
    assert journal == ["accounts", "reviews", "accounts", "accounts"]


async def test_consecutive_mutations_to_one_subgraph_share_one_fetch() -> None:
    journal: list[str] = []
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs(journal)) as gw:
        result = await gw.query(
            """mutation {
              a: rename(id: "u1", name: "A") { name }
              b: rename(id: "u1", name: "B") { name }
              r: addReview(upc: "1", body: "later") { body }
            }"""
        )
        accounts_ops = gw.subgraphs["accounts"].operations()
    assert result == {"data": {"a": {"name": "A"}, "b": {"name": "B"}, "r": {"body": "later"}}}
    assert journal == ["accounts", "reviews"]
    assert len(accounts_ops) == 1
    assert accounts_ops[0].startswith("mutation")
