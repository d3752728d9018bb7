"""Properties of the output: deterministic, valid, graph names like Apollo's, stage isolation."""

from __future__ import annotations

import ast
import random
from pathlib import Path

import pytest
from composition_testkit import Composed, block, fed2
from graphql import build_ast_schema, parse

from gateway import composition
from gateway.composition import SubgraphSource, compose
from gateway.composition.api import api_schema
from gateway.composition.merge import graph_enum_names

SUBGRAPHS = {
    "products": fed2("""
        type Query { top: [Product] }
        type Product @key(fields: "upc") { upc: String! name: String price: Int }
    """),
    "reviews": fed2("""
        type Review { body: String product: Product }
        type Product @key(fields: "upc") { upc: String! reviews: [Review] }
    """),
    "inventory": fed2("""
        type Product @key(fields: "upc") { upc: String! stock: Int }
    """),
}


def test_the_output_does_not_depend_on_the_input_order() -> None:
    sources = [SubgraphSource(n, f"http://{n}", sdl) for n, sdl in SUBGRAPHS.items()]
    outputs = set()
    for seed in range(4):
        shuffled = list(sources)
        random.Random(seed).shuffle(shuffled)
        result = compose(shuffled)
        assert result.ok
        outputs.add(result.supergraph_sdl)
    assert len(outputs) == 1


def test_subgraphs_are_listed_by_name(composed: Composed) -> None:
    sdl = composed(**SUBGRAPHS)
    assert block(sdl, "join__Graph") == (
        "enum join__Graph {\n"
        '  INVENTORY @join__graph(name: "inventory", url: "http://inventory/graphql")\n'
        '  PRODUCTS @join__graph(name: "products", url: "http://products/graphql")\n'
        '  REVIEWS @join__graph(name: "reviews", url: "http://reviews/graphql")\n'
        "}"
    )


@pytest.mark.parametrize(
    ("names", "values"),
    [
        (["accounts"], ["ACCOUNTS"]),
        (["b-2"], ["B_2_"]),
        (["my.service"], ["MY_SERVICE"]),
        (["2fa"], ["_2FA"]),
        (["a-b", "a_b"], ["A_B_1", "A_B_2"]),
    ],
)
def test_graph_enum_values_are_named_like_apollo(names: list[str], values: list[str]) -> None:
    assert list(graph_enum_names(names).values()) == values


def test_the_supergraph_and_its_api_schema_are_valid_schemas(composed: Composed) -> None:
    sdl = composed(**SUBGRAPHS)
    build_ast_schema(parse(sdl))
    api = api_schema(sdl)
    assert sorted(api.type_map["Product"].fields) == [  # type: ignore[attr-defined]
        "name",
        "price",
        "reviews",
        "stock",
        "upc",
    ]
    assert "join__Graph" not in api.type_map


def test_composition_imports_no_later_gateway_stage() -> None:
    later = {"supergraph", "query_graph", "operation", "planner", "plan", "executor"}
    later |= {"transport", "server", "auth", "edge", "cli"}
    package = Path(composition.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                parts = node.module.split(".")
                assert not (parts[0] == "gateway" and len(parts) > 1 and parts[1] in later), (
                    f"{path.name} imports {node.module}"
                )
