"""How failures are reported: codes, subgraphs, locations, several at once, never raising."""

from __future__ import annotations

import pytest
from composition_testkit import Compose, Failed, fed2

from gateway.composition import CompositionError, SubgraphSource, compose


def test_a_syntax_error_is_invalid_graphql_with_its_location(failed: Failed) -> None:
    result = failed(a="type Query {\n  a: Int\n", b=fed2("type Query { b: Int }"))
    [error] = result.errors
    assert error.code == "INVALID_GRAPHQL"
    assert error.subgraphs == ("a",)
    assert [(loc.subgraph, loc.line, loc.column) for loc in error.locations] == [("a", 3, 1)]


def test_several_errors_are_reported_at_once(failed: Failed) -> None:
    result = failed(
        a=fed2("""
            type Query { t: T  v: V @shareable }
            type T @key(fields: "id") { id: ID! name: String }
            type V @shareable { n: Int }
        """),
        b=fed2("""
            type Query { v: V @shareable }
            type T @key(fields: "id") { id: ID! name: String }
            type V @shareable { n: String }
        """),
    )
    assert result.codes == ["INVALID_FIELD_SHARING", "FIELD_TYPE_MISMATCH"]
    assert all(e.subgraphs == ("a", "b") for e in result.errors)
    assert all(len(e.locations) == 2 for e in result.errors)


def test_errors_of_several_subgraphs_are_all_reported(failed: Failed) -> None:
    result = failed(
        a=fed2('type Query { p: P }\ntype P @key(fields: "nope") { id: ID! }'),
        b=fed2("type Query { q: Missing }"),
    )
    assert [(e.code, e.subgraphs) for e in result.errors] == [
        ("KEY_INVALID_FIELDS", ("a",)),
        ("INVALID_GRAPHQL", ("b",)),
    ]


@pytest.mark.parametrize(
    "sdl",
    [
        "",
        "}}}",
        "type Query",
        "extend schema @link(url: 42)\ntype Query { a: Int }",
        'type Query { a: Int @key(fields: 3) @requires(fields: "{") }',
        'type Query @key(fields: "a { b }") { a: Int }',
        "type Query { a: Int }\ntype Query { a: Int }",
        "union U = Query\ntype Query { u: U }",
        'type Query { a: [[Int!]] @provides(fields: "x") }',
        "type Query { a: Int }\ndirective @x on FIELD\nscalar X @x",
    ],
)
def test_bad_input_never_raises(sdl: str) -> None:
    result = compose([SubgraphSource("a", "http://a", sdl)])
    if not result.ok:
        assert all(isinstance(e, CompositionError) and e.code for e in result.errors)


def test_no_subgraphs_and_duplicate_names_are_errors() -> None:
    empty = compose([])
    assert not empty.ok
    assert empty.codes == ["NO_SUBGRAPHS"]
    twice = compose([SubgraphSource("a", "http://a", "type Query { a: Int }")] * 2)
    assert not twice.ok
    assert twice.codes == ["INVALID_SUBGRAPH_NAME"]


def test_a_supergraph_needs_a_query(failed: Failed) -> None:
    result = failed(a=fed2("type Mutation { a: Int }"))
    assert result.codes == ["NO_QUERIES"]


def test_errors_print_with_code_and_locations(failed: Failed) -> None:
    result = failed(a="type Query {")
    assert str(result.errors[0]).startswith("[INVALID_GRAPHQL] [a] Syntax Error")
    assert str(result.errors[0]).endswith("(a:1:13)")


def test_hints_come_with_a_successful_composition(run: Compose) -> None:
    result = run(
        a=fed2('"First" type Query { x: Int @shareable }'),
        b=fed2('"Second" type Query { x: Int @shareable }'),
        c=fed2('"Second" type Query { x: Int @shareable }'),
    )
    assert result.ok
    assert [h.code for h in result.hints] == ["INCONSISTENT_DESCRIPTION"]
    assert result.hints[0].subgraphs == ("a", "b", "c")
    assert '"""Second"""\ntype Query' in result.supergraph_sdl


def test_misplaced_and_repeated_directives_are_invalid_graphql(failed: Failed) -> None:
    result = failed(
        a=fed2("""
            type Query { t: T }
            type T @key(fields: "id") @interfaceObject @interfaceObject { id: ID! @key(fields: "id") }
        """)
    )
    messages = [e.message for e in result.errors]
    assert result.codes == ["INVALID_GRAPHQL", "INVALID_GRAPHQL"]
    assert (
        '[a] The directive "@interfaceObject" can only be used once at this location.' in messages
    )
    assert '[a] Directive "@key" may not be used on FIELD_DEFINITION.' in messages


def test_a_type_defined_twice_in_a_subgraph_is_invalid(failed: Failed) -> None:
    result = failed(a=fed2("type Query { a: Int }\ntype T { x: Int }\ntype T { y: Int }"))
    assert result.codes == ["INVALID_GRAPHQL"]
    assert 'There can be only one type named "T"' in result.errors[0].message


def test_federation_checks_wait_for_valid_graphql(failed: Failed) -> None:
    result = failed(
        a=fed2('type Query { t: T }\ntype T @key(fields: "nope") { id: ID! x: Missing }')
    )
    assert result.codes == ["INVALID_GRAPHQL"]


def test_partial_union_members_output_enum_values_and_entities_are_hinted(run: Compose) -> None:
    result = run(
        a=fed2("""
            type Query { s: [R] @shareable c: Color @shareable t: T }
            union R = A | B
            type A @shareable { x: Int }
            type B { y: Int }
            enum Color { RED GREEN }
            type T @key(fields: "id") { id: ID! @shareable }
        """),
        b=fed2("""
            type Query { s: [R] @shareable c: Color @shareable }
            union R = A
            type A @shareable { x: Int }
            enum Color { RED }
            type T { id: ID! @shareable }
        """),
    )
    assert result.ok
    hints = {(h.code, h.message) for h in result.hints}
    assert (
        "INCONSISTENT_UNION_MEMBER",
        'Union "R": member "B" is not defined in subgraph "b".',
    ) in hints
    assert (
        "INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM",
        'Enum "Color": value "GREEN" is not defined in subgraph "b".',
    ) in hints
    assert any(code == "INCONSISTENT_ENTITY" and '"T"' in msg for code, msg in hints)
