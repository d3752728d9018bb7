"""The executor running hand-built plans against in-process subgraphs.

Each test states the exact client ``data`` and the ``errors`` (messages, codes,
paths) the gateway must return, and how many requests each subgraph received.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from gwharness import Subgraph
from gwharness.handplan import HandRunner, key_requires, leaf

from gateway.executor import Executor
from gateway.executor.fetch import ExecutionState
from gateway.executor.walk import run_node
from gateway.plan import Condition, Fetch, Flatten, Parallel, Sequence

API = """
type Query { top: [Product!]!  product(upc: String!): Product  me: User  grid: [[Product]] }
type Product {
  upc: String! name: String price(x: Int): Int color: Color reviews: [Review!]! stock: Int!
  query: Query
}
type Review { id: ID! body: String! }
type User { id: ID! username: String }
enum Color { RED GREEN }
"""

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"upc": "1", "name": "Table", "price": 10, "color": "RED"},
    "2": {"upc": "2", "name": "Chair", "price": 5, "color": "BLUE"},  # BLUE: not in the API
    "3": {"upc": "3", "name": "Lamp", "price": 7, "color": "GREEN"},
}
REVIEWS: dict[str, list[dict[str, Any]]] = {
    "1": [{"id": "r1", "body": "Solid"}, {"id": "r2", "body": "Heavy"}],
    "2": [],
    "3": [{"id": "r3", "body": "Bright"}],
}


def products_subgraph(top: list[Any] | None = None) -> Subgraph:
    rows = top if top is not None else list(PRODUCTS.values())
    return Subgraph(
        "products",
        """
        type Product @key(fields: "upc") {
          upc: String  name: String price: Int color: String query: Query
        }
        type Query { top: [Product]  product(upc: String!): Product  grid: [[Product]] }
        """,
        resolvers={
            "Query": {
                "top": lambda _p: rows,
                "product": lambda _p, upc: PRODUCTS.get(upc),
                "grid": lambda _p: [[PRODUCTS["1"], None], [], [PRODUCTS["3"], PRODUCTS["1"]]],
            },
            "Product": {"query": lambda _p: {}},
        },
        entities={"Product": lambda rep: PRODUCTS.get(rep["upc"])},
    )


def reviews_subgraph() -> Subgraph:
    def stock(product: dict[str, Any]) -> int:
        if product["upc"] == "3":
            raise ValueError("stock service unavailable")
        return 4

    return Subgraph(
        "reviews",
        """
        type Product @key(fields: "upc") { upc: String! reviews: [Review!]! stock: Int }
        type Review { id: ID! body: String! }
        """,
        resolvers={"Product": {"stock": stock}},
        entities={
            "Product": lambda rep: {"upc": rep["upc"], "reviews": REVIEWS.get(rep["upc"], [])}
        },
    )


@pytest.fixture
async def runner() -> AsyncIterator[HandRunner]:
    r = HandRunner(API, [products_subgraph(), reviews_subgraph()])
    yield r
    await r.close()


def reviews_fetch(selection: str = "reviews { id body }", fid: int = 1) -> Fetch:
    return Fetch(
        service="reviews",
        operation="query($representations:[_Any!]!){_entities(representations:$representations)"
        f"{{...on Product{{{selection}}}}}}}",
        operation_name=None,
        kind="query",
        variable_usages=(),
        requires=key_requires("Product", leaf("upc")),
        id=fid,
    )


def root(operation: str, service: str = "products", fid: int = 0) -> Fetch:
    return Fetch(service, operation, None, "query", (), None, fid)


async def test_root_then_entity_fetch_merges_in_client_order(runner: HandRunner) -> None:
    plan = runner.plan(
        "{ top { name reviews { body } upc } }",
        Sequence(
            (
                root("{top{__typename upc name}}"),
                Flatten(("top", "@"), reviews_fetch("reviews{body}")),
            )
        ),
    )
    result = await runner.run(plan)
    assert result.to_dict() == {
        "data": {
            "top": [
                {"name": "Table", "reviews": [{"body": "Solid"}, {"body": "Heavy"}], "upc": "1"},
                {"name": "Chair", "reviews": [], "upc": "2"},
                {"name": "Lamp", "reviews": [{"body": "Bright"}], "upc": "3"},
            ]
        }
    }
    assert runner.subgraphs["reviews"].count == 1
    sent = runner.subgraphs["reviews"].requests[0]["variables"]["representations"]
    assert sent == [
        {"__typename": "Product", "upc": "1"},
        {"__typename": "Product", "upc": "2"},
        {"__typename": "Product", "upc": "3"},
    ]


async def test_duplicate_entities_send_one_representation_and_fill_both_places() -> None:
    rows = [PRODUCTS["1"], PRODUCTS["3"], PRODUCTS["1"]]
    runner = HandRunner(API, [products_subgraph(rows), reviews_subgraph()])
    plan = runner.plan(
        "{ top { upc reviews { id } } }",
        Sequence(
            (root("{top{__typename upc}}"), Flatten(("top", "@"), reviews_fetch("reviews{id}")))
        ),
    )
    result = await runner.run(plan)
    await runner.close()
    assert result.to_dict() == {
        "data": {
            "top": [
                {"upc": "1", "reviews": [{"id": "r1"}, {"id": "r2"}]},
                {"upc": "3", "reviews": [{"id": "r3"}]},
                {"upc": "1", "reviews": [{"id": "r1"}, {"id": "r2"}]},
            ]
        }
    }
    reps = runner.subgraphs["reviews"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "Product", "upc": "1"}, {"__typename": "Product", "upc": "3"}]


async def test_null_entities_and_null_keys_are_not_sent() -> None:
    rows: list[dict[str, Any] | None] = [None, {"upc": None, "name": "Ghost"}, PRODUCTS["3"]]
    runner = HandRunner(
        API.replace("top: [Product!]!", "top: [Product]!").replace("upc: String!", "upc: String"),
        [products_subgraph(rows), reviews_subgraph()],
    )
    plan = runner.plan(
        "{ top { name reviews { id } } }",
        Sequence(
            (
                root("{top{__typename upc name}}"),
                Flatten(("top", "@"), reviews_fetch("reviews{id}")),
            )
        ),
    )
    result = await runner.run(plan)
    await runner.close()
    reps = runner.subgraphs["reviews"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "Product", "upc": "3"}]
    # The entity with a null key could not get its non-null reviews: it becomes null.
    assert result.data == {"top": [None, None, {"name": "Lamp", "reviews": [{"id": "r3"}]}]}
    assert result.errors == [
        {
            "message": "Cannot return null for non-nullable field Product.reviews.",
            "path": ["top", 1, "reviews"],
            "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
        }
    ]


async def test_an_empty_list_makes_no_entity_call() -> None:
    runner = HandRunner(API, [products_subgraph([]), reviews_subgraph()])
    plan = runner.plan(
        "{ top { reviews { id } } }",
        Sequence(
            (root("{top{__typename upc}}"), Flatten(("top", "@"), reviews_fetch("reviews{id}")))
        ),
    )
    result = await runner.run(plan)
    await runner.close()
    assert result.to_dict() == {"data": {"top": []}}
    assert runner.subgraphs["reviews"].count == 0


async def test_an_entity_error_is_repathed_to_every_duplicate_position() -> None:
    rows = [PRODUCTS["3"], PRODUCTS["1"], PRODUCTS["3"]]
    runner = HandRunner(
        API.replace("stock: Int!", "stock: Int"), [products_subgraph(rows), reviews_subgraph()]
    )
    plan = runner.plan(
        "{ top { upc stock } }",
        Sequence((root("{top{__typename upc}}"), Flatten(("top", "@"), reviews_fetch("stock")))),
    )
    result = await runner.run(plan)
    await runner.close()
    assert result.data == {
        "top": [{"upc": "3", "stock": None}, {"upc": "1", "stock": 4}, {"upc": "3", "stock": None}]
    }
    assert [e["path"] for e in result.errors] == [["top", 0, "stock"], ["top", 2, "stock"]]
    assert {e["message"] for e in result.errors} == {"stock service unavailable"}
    assert all("locations" not in e for e in result.errors)


async def test_a_non_null_entity_error_nulls_the_nearest_nullable_parent() -> None:
    rows = [PRODUCTS["1"], PRODUCTS["3"]]
    runner = HandRunner(
        API.replace("top: [Product!]!", "top: [Product]!"),
        [products_subgraph(rows), reviews_subgraph()],
    )
    plan = runner.plan(
        "{ top { upc stock } }",
        Sequence((root("{top{__typename upc}}"), Flatten(("top", "@"), reviews_fetch("stock")))),
    )
    result = await runner.run(plan)
    await runner.close()
    assert result.data == {"top": [{"upc": "1", "stock": 4}, None]}
    # Only the subgraph's error: the null it explains adds no second error.
    assert result.errors == [
        {
            "message": "stock service unavailable",
            "path": ["top", 1],
            "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
        }
    ]


async def test_a_malformed_entities_length_is_a_coded_error(runner: HandRunner) -> None:
    plan = runner.plan(
        '{ product(upc: "1") { name reviews { id } } }',
        Sequence(
            (
                root('{product(upc:"1"){__typename upc name}}'),
                Flatten(("product",), reviews_fetch("reviews{id}")),
            )
        ),
    )
    # One representation is sent; the subgraph answers with two items.
    runner.subgraphs["reviews"].fixed_body = b'{"data":{"_entities":[{"reviews":[]},null]}}'
    result = await runner.run(plan)
    assert result.data == {"product": None}
    assert result.errors == [
        {
            "message": "Subgraph 'reviews' returned a malformed response: "
            "expected 1 entities, got 2.",
            "path": ["product"],
            "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
        }
    ]


def down_fetch() -> Fetch:
    return Fetch(
        "down",
        reviews_fetch().operation,
        None,
        "query",
        (),
        key_requires("Product", leaf("upc")),
        1,
    )


async def test_a_stopped_subgraph_under_non_null_fields_nulls_the_whole_data(
    runner: HandRunner,
) -> None:
    plan = runner.plan(
        "{ top { name reviews { id } } }",
        Sequence((root("{top{__typename upc name}}"), Flatten(("top", "@"), down_fetch()))),
    )
    result = await runner.run(plan)
    # top: [Product!]! and reviews: [Review!]!: the null reaches the root.
    assert result.data is None
    assert len(result.errors) == 1
    assert result.errors[0]["path"] == ["top"]
    assert result.errors[0]["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR"}


async def test_a_stopped_subgraph_with_nullable_fields_keeps_the_rest() -> None:
    runner = HandRunner(
        API.replace("reviews: [Review!]!", "reviews: [Review!]"),
        [products_subgraph(), reviews_subgraph()],
    )
    plan = runner.plan(
        "{ top { name reviews { id } } }",
        Sequence((root("{top{__typename upc name}}"), Flatten(("top", "@"), down_fetch()))),
    )
    result = await runner.run(plan)
    await runner.close()
    assert result.data == {
        "top": [
            {"name": "Table", "reviews": None},
            {"name": "Chair", "reviews": None},
            {"name": "Lamp", "reviews": None},
        ]
    }
    assert len(result.errors) == 1
    assert result.errors[0]["path"] == ["top"]
    assert result.errors[0]["extensions"] == {"code": "SUBREQUEST_HTTP_ERROR"}
    assert "down" in result.errors[0]["message"]


async def test_a_failing_parallel_branch_does_not_cancel_its_sibling(runner: HandRunner) -> None:
    gate = asyncio.Event()
    runner.subgraphs["products"].hold = gate
    failing = Fetch("down", "{me{id}}", None, "query", (), None, 1)

    async def release_after_failure() -> None:
        await runner.subgraphs["products"].received(1)
        gate.set()

    plan = runner.plan(
        "{ top { name } me { id } }",
        Parallel((root("{top{name}}"), failing)),
    )
    releaser = asyncio.create_task(release_after_failure())
    result = await runner.run(plan)
    await releaser
    assert result.data == {
        "top": [{"name": "Table"}, {"name": "Chair"}, {"name": "Lamp"}],
        "me": None,
    }
    assert [e["extensions"]["code"] for e in result.errors] == ["SUBREQUEST_HTTP_ERROR"]
    assert "path" not in result.errors[0]


async def test_a_timeout_is_a_coded_error_and_the_rest_is_kept() -> None:
    runner = HandRunner(
        API.replace("reviews: [Review!]!", "reviews: [Review!]"),
        [products_subgraph(), reviews_subgraph()],
        subgraph_timeouts_s={"reviews": 0.05},
    )
    runner.subgraphs["reviews"].hold = asyncio.Event()  # never answers
    plan = runner.plan(
        '{ product(upc: "1") { name reviews { id } } }',
        Sequence(
            (
                root('{product(upc:"1"){__typename upc name}}'),
                Flatten(("product",), reviews_fetch("reviews{id}")),
            )
        ),
    )
    result = await runner.run(plan)
    await runner.close()
    assert result.data == {"product": {"name": "Table", "reviews": None}}
    assert result.errors == [
        {
            "message": "Request to subgraph 'reviews' timed out.",
            "path": ["product"],
            "extensions": {"code": "SUBGRAPH_REQUEST_TIMEOUT"},
        }
    ]


async def test_an_enum_value_outside_the_api_schema_becomes_null_with_an_error(
    runner: HandRunner,
) -> None:
    plan = runner.plan("{ top { upc color } }", root("{top{upc color}}"))
    result = await runner.run(plan)
    assert result.data == {
        "top": [
            {"upc": "1", "color": "RED"},
            {"upc": "2", "color": None},
            {"upc": "3", "color": "GREEN"},
        ]
    }
    assert result.errors == [
        {
            "message": "Invalid value for enum Color from a subgraph.",
            "path": ["top", 1, "color"],
            "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
        }
    ]


async def test_lists_of_lists_collect_every_entity(runner: HandRunner) -> None:
    plan = runner.plan(
        "{ grid { upc reviews { id } } }",
        Sequence(
            (
                root("{grid{__typename upc}}"),
                Flatten(("grid", "@", "@"), reviews_fetch("reviews{id}")),
            )
        ),
    )
    result = await runner.run(plan)
    r1 = {"upc": "1", "reviews": [{"id": "r1"}, {"id": "r2"}]}
    assert result.to_dict() == {
        "data": {"grid": [[r1, None], [], [{"upc": "3", "reviews": [{"id": "r3"}]}, r1]]}
    }
    reps = runner.subgraphs["reviews"].requests[0]["variables"]["representations"]
    assert reps == [{"__typename": "Product", "upc": "1"}, {"__typename": "Product", "upc": "3"}]


async def test_a_false_condition_skips_the_fetch(runner: HandRunner) -> None:
    plan = runner.plan(
        "query($withReviews: Boolean!) { top { upc reviews @include(if: $withReviews) { id } } }",
        Sequence(
            (
                root("{top{__typename upc}}"),
                Condition("withReviews", Flatten(("top", "@"), reviews_fetch("reviews{id}")), None),
            )
        ),
    )
    result = await runner.run(plan, {"withReviews": False})
    assert result.to_dict() == {"data": {"top": [{"upc": "1"}, {"upc": "2"}, {"upc": "3"}]}}
    assert runner.subgraphs["reviews"].count == 0
    result = await runner.run(plan, {"withReviews": True})
    assert result.data is not None
    assert result.data["top"][2] == {"upc": "3", "reviews": [{"id": "r3"}]}
    assert runner.subgraphs["reviews"].count == 1


async def test_root_typename_and_introspection_are_answered_locally(runner: HandRunner) -> None:
    plan = runner.plan(
        '{ t: __typename  __type(name: "Color") { enumValues { name } } '
        'product(upc: "3") { name } }',
        root('{product(upc:"3"){name}}'),
    )
    result = await runner.run(plan)
    assert result.to_dict() == {
        "data": {
            "t": "Query",
            "__type": {"enumValues": [{"name": "RED"}, {"name": "GREEN"}]},
            "product": {"name": "Lamp"},
        }
    }


async def test_planner_fields_never_leak_and_aliases_are_kept(runner: HandRunner) -> None:
    plan = runner.plan(
        '{ first: product(upc: "1") { title: name } }',
        root('{first:product(upc:"1"){__typename upc title:name price}}'),
    )
    result = await runner.run(plan)
    assert result.to_dict() == {"data": {"first": {"title": "Table"}}}


async def test_variables_forwarded_are_only_the_used_ones(runner: HandRunner) -> None:
    fetch = Fetch(
        "products",
        "query($u:String!){product(upc:$u){name}}",
        None,
        "query",
        ("u",),
        None,
        0,
    )
    plan = runner.plan(
        "query($u: String!, $n: Int) { product(upc: $u) { name } top { price(x: $n) } }",
        Parallel((fetch, root("{top{price}}", fid=1))),
    )
    result = await runner.run(plan, {"u": "2", "n": 3})
    assert result.data == {
        "product": {"name": "Chair"},
        "top": [{"price": 10}, {"price": 5}, {"price": 7}],
    }
    assert runner.subgraphs["products"].requests[0]["variables"] == {"u": "2"}


async def test_a_root_reentry_is_merged_at_every_position(runner: HandRunner) -> None:
    reentry = Fetch("products", '{product(upc:"3"){name}}', None, "query", (), None, 1)
    plan = runner.plan(
        '{ top { upc query { product(upc: "3") { name } } } }',
        Sequence(
            (
                root("{top{upc query{__typename}}}"),
                Flatten(("top", "@", "query"), reentry),
            )
        ),
    )
    result = await runner.run(plan)
    lamp = {"query": {"product": {"name": "Lamp"}}}
    assert result.to_dict() == {
        "data": {"top": [{"upc": "1", **lamp}, {"upc": "2", **lamp}, {"upc": "3", **lamp}]}
    }
    # Sent once, merged three times.
    assert runner.subgraphs["products"].count == 2


def _reachable_twice(value: Any) -> list[Any]:
    """The dicts and lists that ``value`` reaches by more than one path."""
    seen: set[int] = set()
    twice: list[Any] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                twice.append(node)
                continue
            seen.add(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return twice


async def test_the_working_data_stays_a_tree_when_one_answer_feeds_several_positions() -> None:
    # collect() does not check entities for an object seen twice: it relies on every
    # merge placing private objects. Here one representation feeds two positions with
    # nested results, a re-entry feeds three, and an entity fetch below the re-entry
    # feeds those three again.
    rows = [PRODUCTS["1"], PRODUCTS["3"], PRODUCTS["1"]]
    runner = HandRunner(API, [products_subgraph(rows), reviews_subgraph()])
    reentry = Fetch("products", '{product(upc:"1"){__typename upc}}', None, "query", (), None, 2)
    plan = runner.plan(
        '{ top { upc reviews { id body } query { product(upc: "1") { reviews { id } } } } }',
        Sequence(
            (
                root("{top{__typename upc query{__typename}}}"),
                Flatten(("top", "@"), reviews_fetch("reviews{id body}")),
                Flatten(("top", "@", "query"), reentry),
                Flatten(("top", "@", "query", "product"), reviews_fetch("reviews{id}", fid=3)),
            )
        ),
    )
    state = ExecutionState(
        plan=plan,
        transport=runner.transport,
        variables={},
        coerced={},
        abstract_types=frozenset(),
        possible=lambda name: frozenset((name,)),
    )
    assert plan.node is not None
    await run_node(state, plan.node)
    await runner.close()
    assert state.errors == []
    reviews = [{"id": "r1", "body": "Solid"}, {"id": "r2", "body": "Heavy"}]
    assert state.data["top"][0]["reviews"] == state.data["top"][2]["reviews"] == reviews
    assert all(
        item["query"]["product"]["reviews"] == [{"id": "r1"}, {"id": "r2"}]
        for item in state.data["top"]
    )
    sent = [r["variables"]["representations"] for r in runner.subgraphs["reviews"].requests]
    assert sent[1] == [{"__typename": "Product", "upc": "1"}]  # one representation, 3 places
    assert _reachable_twice(state.data) == []


async def test_errors_under_a_planner_alias_are_mapped_back(
    runner: HandRunner,
) -> None:
    runner.subgraphs["products"].fixed_body = (
        b'{"data":{"top":[{"upc":"1","name":"Table","_qp0_name":"T"},'
        b'{"upc":"2","name":"Chair","_qp0_name":null}]},'
        b'"errors":[{"message":"boom","path":["top",1,"_qp0_name"],'
        b'"extensions":{"code":"E1","secret":"x"}}]}'
    )
    fetch = Fetch(
        "products",
        "{top{upc name _qp0_name:name}}",
        None,
        "query",
        (),
        None,
        0,
        internal_aliases=((("top", "_qp0_name"), "name"),),
    )
    result = await runner.run(runner.plan("{ top { upc name } }", fetch))
    assert result.to_dict() == {
        "data": {"top": [{"upc": "1", "name": "Table"}, {"upc": "2", "name": "Chair"}]},
        # The alias is mapped back to the client key; only the code survives from the
        # subgraph's extensions.
        "errors": [{"message": "boom", "path": ["top", 1, "name"], "extensions": {"code": "E1"}}],
    }
    result = await runner.run(runner.plan("{ top { upc } }", fetch))
    # The client did not select name: the path stops where the response does.
    assert result.errors == [{"message": "boom", "path": ["top", 1], "extensions": {"code": "E1"}}]


async def test_a_root_fetch_without_data_adds_no_non_null_errors(runner: HandRunner) -> None:
    runner.subgraphs[
        "products"
    ].fixed_body = b'{"data":null,"errors":[{"message":"down for maintenance"}]}'
    result = await runner.run(runner.plan("{ top { upc } }", root("{top{upc}}")))
    # top is non-null: data is null, and the subgraph's error is the only one.
    assert result.to_dict() == {
        "data": None,
        "errors": [
            {"message": "down for maintenance", "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"}}
        ],
    }


async def test_uncoded_subgraph_errors_can_be_masked() -> None:
    runner = HandRunner(
        API.replace("stock: Int!", "stock: Int"),
        [products_subgraph([PRODUCTS["3"]]), reviews_subgraph()],
        mask_uncoded_subgraph_errors=True,
    )
    runner.executor = Executor(
        api_schema=runner.schema, transport=runner.transport, mask_uncoded_subgraph_errors=True
    )
    plan = runner.plan(
        "{ top { stock } }",
        Sequence((root("{top{__typename upc}}"), Flatten(("top", "@"), reviews_fetch("stock")))),
    )
    result = await runner.run(plan)
    await runner.close()
    assert result.to_dict() == {
        "data": {"top": [{"stock": None}]},
        "errors": [
            {
                "message": "Subgraph error",
                "path": ["top", 0, "stock"],
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR"},
            }
        ],
    }
