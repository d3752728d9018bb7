"""Enums (merged by how they are used) and input objects (intersected)."""

from __future__ import annotations

from composition_testkit import Compose, Composed, Failed, block, fed2


def test_output_only_enums_take_the_union_of_values(composed: Composed) -> None:
    sdl = composed(
        a=fed2("type Query { c: Color @shareable }\nenum Color { RED GREEN }"),
        b=fed2("type Query { c: Color @shareable }\nenum Color { RED BLUE }"),
    )
    assert block(sdl, "Color") == (
        "enum Color\n"
        "  @join__type(graph: A)\n"
        "  @join__type(graph: B)\n"
        "{\n"
        "  RED @join__enumValue(graph: A) @join__enumValue(graph: B)\n"
        "  GREEN @join__enumValue(graph: A)\n"
        "  BLUE @join__enumValue(graph: B)\n"
        "}"
    )


def test_input_only_enums_take_the_intersection_with_a_hint(run: Compose) -> None:
    result = run(
        a=fed2("type Query { p(c: Color): Int @shareable }\nenum Color { RED GREEN }"),
        b=fed2("type Query { p(c: Color): Int @shareable }\nenum Color { RED BLUE }"),
    )
    assert result.ok
    assert "GREEN" not in block(result.supergraph_sdl, "Color")
    assert "RED @join__enumValue(graph: A)" in block(result.supergraph_sdl, "Color")
    assert [h.code for h in result.hints] == ["INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM"]


def test_enums_used_both_ways_must_agree(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { c(x: Color): Color }\nenum Color { RED GREEN }"),
        b=fed2("type Query { d: Color }\nenum Color { RED BLUE }"),
    )
    assert result.codes == ["ENUM_VALUE_MISMATCH", "ENUM_VALUE_MISMATCH"]


def test_an_unused_enum_is_kept_with_a_hint(run: Compose) -> None:
    result = run(a=fed2("type Query { a: Int }\nenum Size { S M }"))
    assert result.ok
    assert [h.code for h in result.hints] == ["UNUSED_ENUM_TYPE"]


def test_input_objects_keep_the_fields_every_subgraph_has(run: Compose) -> None:
    result = run(
        a=fed2("type Query { f(i: F): Int @shareable }\ninput F { name: String age: Int = 3 }"),
        b=fed2("type Query { f(i: F): Int @shareable }\ninput F { name: String! city: String }"),
    )
    assert result.ok
    assert block(result.supergraph_sdl, "F") == (
        "input F\n"
        "  @join__type(graph: A)\n"
        "  @join__type(graph: B)\n"
        "{\n"
        '  name: String! @join__field(graph: A, type: "String") '
        '@join__field(graph: B, type: "String!")\n'
        "}"
    )
    assert sorted(h.code for h in result.hints) == [
        "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
        "INCONSISTENT_INPUT_OBJECT_FIELD",
        "INCONSISTENT_INPUT_OBJECT_FIELD",
    ]


def test_a_required_input_field_missing_from_a_subgraph_fails(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { f(i: F): Int }\ninput F { name: String }"),
        b=fed2("type Query { g(i: F): Int }\ninput F { name: String id: ID! }"),
    )
    assert result.codes == ["REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH"]
    assert result.errors[0].subgraphs == ("b", "a")


def test_inputs_with_no_common_field_fail(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { f(i: F): Int }\ninput F { x: Int }"),
        b=fed2("type Query { g(i: F): Int }\ninput F { y: Int }"),
    )
    assert result.codes == ["EMPTY_MERGED_INPUT_TYPE"]


def test_scalars_are_joined_to_each_subgraph(composed: Composed) -> None:
    sdl = composed(
        a=fed2('type Query { a: Date }\nscalar Date @specifiedBy(url: "https://example.com")'),
        b=fed2("type Query { b: Date }\nscalar Date"),
    )
    assert block(sdl, "Date") == (
        "scalar Date\n"
        "  @join__type(graph: A)\n"
        "  @join__type(graph: B)\n"
        '  @specifiedBy(url: "https://example.com")'
    )
