"""Object types and their fields: sharing, nullability, arguments, type mismatches."""

from __future__ import annotations

from composition_testkit import Compose, Composed, Failed, block, fed2, field_line


def test_a_field_in_two_subgraphs_needs_shareable(failed: Failed) -> None:
    result = failed(
        a=fed2('type Query { t: T }\ntype T @key(fields: "id") { id: ID! name: String }'),
        b=fed2('type T @key(fields: "id") { id: ID! name: String }'),
    )
    [error] = result.errors
    assert error.code == "INVALID_FIELD_SHARING"
    assert '"T.name"' in error.message
    assert error.subgraphs == ("a", "b")
    assert [(loc.subgraph, loc.line) for loc in error.locations] == [("a", 3), ("b", 2)]


def test_shareable_fields_and_key_fields_may_be_resolved_by_several_subgraphs(
    composed: Composed,
) -> None:
    sdl = composed(
        a=fed2(
            'type Query { t: T }\ntype T @key(fields: "id") { id: ID! name: String @shareable }'
        ),
        b=fed2('type T @key(fields: "id") { id: ID! name: String @shareable }'),
    )
    assert block(sdl, "T") == (
        "type T\n"
        '  @join__type(graph: A, key: "id")\n'
        '  @join__type(graph: B, key: "id")\n'
        "{\n"
        "  id: ID!\n"
        "  name: String\n"
        "}"
    )


def test_a_shareable_type_shares_all_its_fields(composed: Composed) -> None:
    sdl = composed(
        a=fed2("type Query { p: P @shareable }\ntype P @shareable { x: Int }"),
        b=fed2("type Query { p: P @shareable }\ntype P @shareable { x: Int }"),
    )
    assert field_line(sdl, "P", "x") == "x: Int"


def test_output_fields_take_the_most_nullable_type_and_record_each_subgraph_type(
    run: Compose,
) -> None:
    result = run(
        a=fed2("type Query { p: P @shareable }\ntype P @shareable { xs: [Int!]! }"),
        b=fed2("type Query { p: P @shareable }\ntype P @shareable { xs: [Int] }"),
    )
    assert result.ok
    assert field_line(result.supergraph_sdl, "P", "xs") == (
        'xs: [Int] @join__field(graph: A, type: "[Int!]!") @join__field(graph: B, type: "[Int]")'
    )
    assert [h.code for h in result.hints] == ["INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE"]


def test_an_output_field_may_return_an_implementation_in_one_subgraph(composed: Composed) -> None:
    shared = (
        "interface Animal { name: String }\ntype Dog implements Animal @shareable { name: String }"
    )
    sdl = composed(
        a=fed2(f"type Query {{ pet: Animal @shareable }}\n{shared}"),
        b=fed2(f"type Query {{ pet: Dog @shareable }}\n{shared}"),
    )
    assert field_line(sdl, "Query", "pet") == (
        'pet: Animal @join__field(graph: A, type: "Animal") @join__field(graph: B, type: "Dog")'
    )


def test_incompatible_field_types_fail(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { v: V @shareable }\ntype V @shareable { n: Int }"),
        b=fed2("type Query { v: V @shareable }\ntype V @shareable { n: [Int] }"),
    )
    assert result.codes == ["FIELD_TYPE_MISMATCH"]
    assert 'type "[Int]" in subgraph "b"' in result.errors[0].message


def test_optional_arguments_are_intersected_with_a_hint(run: Compose) -> None:
    result = run(
        a=fed2("type Query { f(a: Int, b: Int): Int @shareable }"),
        b=fed2("type Query { f(a: Int): Int @shareable }"),
    )
    assert result.ok
    assert field_line(result.supergraph_sdl, "Query", "f") == "f(a: Int): Int"
    assert [h.code for h in result.hints] == ["INCONSISTENT_ARGUMENT_PRESENCE"]


def test_argument_types_take_the_most_restrictive_type(composed: Composed) -> None:
    sdl = composed(
        a=fed2("type Query { f(a: Int!): Int @shareable }"),
        b=fed2("type Query { f(a: Int): Int @shareable }"),
    )
    assert field_line(sdl, "Query", "f") == "f(a: Int!): Int"


def test_a_required_argument_missing_from_a_subgraph_fails(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { f(a: Int!): Int @shareable }"),
        b=fed2("type Query { f: Int @shareable }"),
    )
    assert result.codes == ["REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH"]
    assert result.errors[0].subgraphs == ("a", "b")


def test_conflicting_argument_defaults_fail(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { f(a: Int = 1): Int @shareable }"),
        b=fed2("type Query { f(a: Int = 2): Int @shareable }"),
    )
    assert result.codes == ["FIELD_ARGUMENT_DEFAULT_MISMATCH"]


def test_a_default_declared_by_only_some_subgraphs_is_dropped(run: Compose) -> None:
    result = run(
        a=fed2("type Query { f(a: Int = 1): Int @shareable }"),
        b=fed2("type Query { f(a: Int): Int @shareable }"),
    )
    assert result.ok
    assert field_line(result.supergraph_sdl, "Query", "f") == "f(a: Int): Int"
    assert [h.code for h in result.hints] == ["INCONSISTENT_DEFAULT_VALUE_PRESENCE"]


def test_a_type_defined_with_two_kinds_fails(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { a: Thing }\ntype Thing { x: Int }"),
        b=fed2("type Query { b: Thing }\ninterface Thing { x: Int }"),
    )
    assert result.codes == ["TYPE_KIND_MISMATCH"]


def test_fields_only_some_subgraphs_define_are_joined_to_those(composed: Composed) -> None:
    sdl = composed(
        a=fed2('type Query { t: T }\ntype T @key(fields: "id") { id: ID! a: Int }'),
        b=fed2('type T @key(fields: "id") { id: ID! b: Int }'),
    )
    assert field_line(sdl, "T", "a") == "a: Int @join__field(graph: A)"
    assert field_line(sdl, "T", "b") == "b: Int @join__field(graph: B)"
    assert field_line(sdl, "Query", "t") == "t: T @join__field(graph: A)"
