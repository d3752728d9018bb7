"""Extracted subgraph views (§1.7): each graph's types, its externals, and _entities."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLObjectType, parse, validate

from gateway.supergraph import extract_subgraph_schema, load_supergraph

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supergraphs"
PLATFORM = (FIXTURES / "platform.graphql").read_text()
RENAMED = (FIXTURES / "renamed-v0.5.graphql").read_text()


def _fields(schema_type: object) -> set[str]:
    assert isinstance(schema_type, GraphQLObjectType)
    return set(schema_type.fields)


def test_a_view_holds_the_graphs_fields_and_the_externals_it_needs() -> None:
    sg = load_supergraph(PLATFORM)
    delivery = extract_subgraph_schema(sg, "delivery")
    assert _fields(delivery.type_map["Payment"]) == {"id", "status", "shippable", "delivery"}
    assert _fields(delivery.type_map["Query"]) == {"deliveries", "delivery", "_entities"}
    assert "Event" not in delivery.type_map
    payments = extract_subgraph_schema(sg, "payments")
    assert "shippable" not in _fields(payments.type_map["Payment"])
    assert "secret" in _fields(payments.type_map["Payment"])  # subgraphs keep inaccessible


def test_entity_fetches_validate_and_foreign_fields_do_not() -> None:
    sg = load_supergraph(PLATFORM)
    events = extract_subgraph_schema(sg, "events")
    head = "query($r: [_Any!]!) { _entities(representations: $r) "
    ok = head + "{ ... on Payment { events { id } } } }"
    bad = head + "{ ... on Payment { status } } }"
    assert validate(events, parse(ok)) == []
    assert validate(events, parse(bad))


def test_interface_objects_are_objects_in_their_graph() -> None:
    sg = load_supergraph(RENAMED)
    reviews = extract_subgraph_schema(sg, "reviews-v2")
    assert _fields(reviews.type_map["Node"]) == {"id", "reviewCount"}
    assert "Product" not in reviews.type_map
    catalog = extract_subgraph_schema(sg, "catalog")
    assert [t.name for t in catalog.type_map["_Entity"].types] == ["Product"]  # type: ignore[attr-defined]
