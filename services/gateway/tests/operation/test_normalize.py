"""Normalizing operations (§3.4): fragments, literal conditions, merging, canonical hash."""

from __future__ import annotations

from graphql import build_schema, print_ast

from gateway.operation import Field, Fragment, prepare_operation

SCHEMA = build_schema(
    """
    interface Node { id: ID! }
    type Payment implements Node { id: ID! status: String amountCents: Int }
    type Delivery implements Node { id: ID! payment: Payment! address: String }
    union Hit = Payment | Delivery
    type Query {
      deliveries: [Delivery!]!
      node(id: ID!): Node
      hits: [Hit]
      payment(id: ID!): Payment
    }
    """
)


def test_named_fragments_are_inlined_and_redundant_ones_spliced() -> None:
    op = prepare_operation(
        SCHEMA,
        "{ deliveries { ...D } } fragment D on Delivery { address ... on Delivery { id } }",
    )
    (deliveries,) = op.selections
    assert isinstance(deliveries, Field)
    assert [s.response_key for s in deliveries.selections if isinstance(s, Field)] == [
        "address",
        "id",
    ]


def test_literal_conditions_are_evaluated_and_variable_ones_kept() -> None:
    op = prepare_operation(
        SCHEMA,
        "query ($v: Boolean!) { deliveries { a: address @skip(if: true) id @include(if: true) "
        "payment @include(if: $v) { id } } }",
    )
    (deliveries,) = op.selections
    assert isinstance(deliveries, Field)
    keys = [(s.response_key, s.conditions) for s in deliveries.selections if isinstance(s, Field)]
    assert keys == [("id", frozenset()), ("payment", frozenset({("v", True)}))]


def test_contradictory_conditions_drop_the_field() -> None:
    op = prepare_operation(
        SCHEMA, "query ($v: Boolean!) { deliveries { id @include(if: $v) @skip(if: $v) address } }"
    )
    (deliveries,) = op.selections
    assert isinstance(deliveries, Field)
    assert [s.response_key for s in deliveries.selections if isinstance(s, Field)] == ["address"]


def test_conditions_contradicting_the_enclosing_ones_drop_the_element() -> None:
    """Under ``@include(if: $v)``, ``@skip(if: $v)`` never holds: planned, the element only
    cost key fields (and a fetch guarded by two Condition nodes that never both pass)."""
    op = prepare_operation(
        SCHEMA,
        "query ($v: Boolean!) { deliveries { id ... @include(if: $v) { address @skip(if: $v) "
        "payment { ... on Payment @skip(if: $v) { status } id } } } }",
    )
    (deliveries,) = op.selections
    assert isinstance(deliveries, Field)
    [_id, fragment] = deliveries.selections
    assert isinstance(fragment, Fragment)
    [payment] = fragment.selections
    assert isinstance(payment, Field)
    assert [s.response_key for s in payment.selections if isinstance(s, Field)] == ["id"]
    assert len(payment.selections) == 1


def test_fields_with_one_key_and_conditions_merge_recursively() -> None:
    op = prepare_operation(
        SCHEMA,
        "{ deliveries { payment { id } payment { status } } deliveries { payment { id } } }",
    )
    (deliveries,) = op.selections
    assert isinstance(deliveries, Field)
    (payment,) = deliveries.selections
    assert isinstance(payment, Field)
    assert [s.response_key for s in payment.selections if isinstance(s, Field)] == ["id", "status"]


def test_impossible_fragments_are_deleted_and_abstract_ones_kept() -> None:
    op = prepare_operation(
        SCHEMA,
        "{ payment(id: 1) { id ... on Node { ... on Delivery { address } } } "
        "node(id: 1) { ... on Payment { status } } }",
    )
    payment, node = op.selections
    assert isinstance(payment, Field)
    assert isinstance(node, Field)
    assert [type(s).__name__ for s in payment.selections] == ["Field"]
    (frag,) = node.selections
    assert isinstance(frag, Fragment)
    assert frag.type_condition == "Payment"


def test_root_introspection_is_split_off_and_kept_in_order() -> None:
    op = prepare_operation(
        SCHEMA, "{ __typename __schema { queryType { name } } deliveries { id } }"
    )
    assert [s.response_key for s in op.selections if isinstance(s, Field)] == [
        "__typename",
        "__schema",
        "deliveries",
    ]
    assert [f.name for f in op.introspection] == ["__schema"]
    assert [s.name for s in op.planned_selections if isinstance(s, Field)] == [
        "__typename",
        "deliveries",
    ]
    assert op.introspection_document is not None
    assert "__schema" in print_ast(op.introspection_document)


def test_equivalent_documents_share_a_canonical_form_and_hash() -> None:
    a = prepare_operation(SCHEMA, "query Q { deliveries { ...F } } fragment F on Delivery { id }")
    b = prepare_operation(SCHEMA, "query Q {\n  deliveries { id ... on Delivery { id } }\n}")
    c = prepare_operation(SCHEMA, "query R { deliveries { id } }")
    assert a.canonical == b.canonical == "query Q { deliveries { id } }"
    assert a.hash == b.hash
    assert c.hash != a.hash  # the operation name is part of the fetches' names


def test_arguments_are_canonical_whatever_their_order() -> None:
    schema = build_schema("type Query { f(a: Int, b: Int): Int }")
    a = prepare_operation(schema, "{ f(a: 1, b: 2) }")
    b = prepare_operation(schema, "{ f(b: 2, a: 1) }")
    assert a.hash == b.hash
    (field,) = a.selections
    assert isinstance(field, Field)
    assert field.args_text == "(a: 1, b: 2)"
