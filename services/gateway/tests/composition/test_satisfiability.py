"""Satisfiability: every API field is reachable from a root through the keys."""

from __future__ import annotations

from composition_testkit import Composed, Failed, fed2


def test_a_value_type_field_only_another_subgraph_resolves_is_unreachable(
    failed: Failed,
) -> None:
    result = failed(
        a=fed2("type Query { t: T }\ntype T { id: ID! @shareable }"),
        b=fed2("type T { id: ID! @shareable extra: Int }"),
    )
    [error] = result.errors
    assert error.code == "SATISFIABILITY_ERROR"
    assert error.message == (
        "The following supergraph API query:\n"
        "{\n"
        "  t {\n"
        "    extra\n"
        "  }\n"
        "}\n"
        "cannot be satisfied by the subgraphs because:\n"
        '- from subgraph "a":\n'
        '  - cannot find field "T.extra".\n'
        '  - cannot move to subgraph "b", which has field "T.extra", because type "T" has no '
        '@key defined in subgraph "b".'
    )
    assert error.subgraphs == ("a",)


def test_keys_that_are_not_resolvable_do_not_help(failed: Failed) -> None:
    result = failed(
        a=fed2('type Query { t: T }\ntype T @key(fields: "id") { id: ID! }'),
        b=fed2('type T @key(fields: "id", resolvable: false) { id: ID! extra: Int }'),
    )
    assert result.codes == ["SATISFIABILITY_ERROR"]
    assert '"resolvable" argument set to false' in result.errors[0].message


def test_fields_are_reached_through_a_chain_of_keys(composed: Composed) -> None:
    composed(
        a=fed2('type Query { start: A }\ntype A @key(fields: "id") { id: ID! }'),
        b=fed2('type A @key(fields: "id") @key(fields: "code") { id: ID! code: String! }'),
        c=fed2('type A @key(fields: "code") { code: String! deep: Int }'),
    )


def test_a_key_whose_fields_the_source_lacks_cannot_be_used(failed: Failed) -> None:
    result = failed(
        a=fed2('type Query { start: A }\ntype A @key(fields: "id") { id: ID! }'),
        c=fed2('type A @key(fields: "code") { code: String! deep: Int }'),
    )
    assert result.codes == ["SATISFIABILITY_ERROR", "SATISFIABILITY_ERROR"]
    assert "start {\n    code\n  }" in result.errors[0].message


def test_a_field_whose_requires_cannot_be_collected_is_unreachable(failed: Failed) -> None:
    result = failed(
        a=fed2("""
            type Query { p: P }
            type P @key(fields: "id") { id: ID! w: Int @external x: Int @requires(fields: "w") }
        """),
        b=fed2('type P @key(fields: "id", resolvable: false) { id: ID! w: Int }'),
    )
    assert result.codes == ["SATISFIABILITY_ERROR", "SATISFIABILITY_ERROR"]
    assert "p {\n    w\n  }" in result.errors[0].message
    assert "p {\n    x\n  }" in result.errors[1].message
    assert 'cannot satisfy @require conditions on field "P.x"' in result.errors[1].message


def test_fields_of_an_interface_object_are_reached_from_implementations(
    composed: Composed,
) -> None:
    composed(
        a=fed2("""
            type Query { songs: [Song] }
            interface Media @key(fields: "id") { id: ID! }
            type Song implements Media @key(fields: "id") { id: ID! }
        """),
        b=fed2('type Media @key(fields: "id") @interfaceObject { id: ID! plays: Int }'),
    )


def test_provided_fields_are_reachable_only_along_the_provides_path(failed: Failed) -> None:
    result = failed(
        a=fed2("""
            type Query { featured: P @provides(fields: "name") other: P }
            type P @key(fields: "id", resolvable: false) { id: ID! name: String @external }
        """),
        b=fed2('type P @key(fields: "id", resolvable: false) { id: ID! name: String @shareable }'),
    )
    assert result.codes == ["SATISFIABILITY_ERROR"]
    assert "other {\n    name\n  }" in result.errors[0].message
