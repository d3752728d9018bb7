"""@key (with resolvable), @requires, @provides, @external and @override."""

from __future__ import annotations

import pytest
from composition_testkit import Compose, Composed, Failed, block, fed2, field_line


def test_each_key_becomes_a_join_type_with_resolvable(composed: Composed) -> None:
    sdl = composed(
        a=fed2("""
            type Query { p: P }
            type P @key(fields: "id") @key(fields: "sku variation { id }") {
              id: ID! sku: String! variation: V! }
            type V @shareable { id: ID! }
        """),
        b=fed2("""
            type Query { ps: [P] }
            type P @key(fields: "id", resolvable: false) { id: ID! }
        """),
    )
    assert block(sdl, "P").splitlines()[:4] == [
        "type P",
        '  @join__type(graph: A, key: "id")',
        '  @join__type(graph: A, key: "sku variation { id }")',
        '  @join__type(graph: B, key: "id", resolvable: false)',
    ]


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("uuid", "KEY_INVALID_FIELDS"),
        ("id {", "KEY_INVALID_FIELDS"),
        ("code", "KEY_FIELDS_HAS_ARGS"),
        ("u { ... on T { id } }", "KEY_FIELDS_SELECT_INVALID_TYPE"),
    ],
)
def test_bad_keys_are_rejected(failed: Failed, key: str, code: str) -> None:
    result = failed(
        a=fed2(f"""
            type Query {{ t: T }}
            union U = T
            type T @key(fields: "{key}") {{ id: ID! code(upper: Boolean): String u: U }}
        """)
    )
    assert result.codes == [code]
    assert result.errors[0].subgraphs == ("a",)
    assert result.errors[0].message.startswith("[a] ")


def test_requires_and_provides_are_recorded_per_subgraph(composed: Composed) -> None:
    sdl = composed(
        shipping=fed2("""
            type Product @key(fields: "id") {
              id: ID! weight: Float @external cost: Float @requires(fields: "weight") }
        """),
        products=fed2("""
            type Query { product: Product }
            type Product @key(fields: "id") { id: ID! weight: Float name: String @shareable }
        """),
        promos=fed2("""
            type Query { promoted: Product @provides(fields: "name") }
            type Product @key(fields: "id") { id: ID! name: String @external }
        """),
    )
    assert field_line(sdl, "Product", "weight") == (
        "weight: Float @join__field(graph: PRODUCTS) @join__field(graph: SHIPPING, external: true)"
    )
    assert field_line(sdl, "Product", "cost") == (
        'cost: Float @join__field(graph: SHIPPING, requires: "weight")'
    )
    assert field_line(sdl, "Query", "promoted") == (
        'promoted: Product @join__field(graph: PROMOS, provides: "name")'
    )
    assert field_line(sdl, "Product", "name") == (
        "name: String @join__field(graph: PRODUCTS) @join__field(graph: PROMOS, external: true)"
    )


def test_requires_must_name_external_fields(failed: Failed) -> None:
    result = failed(
        a=fed2(
            'type Query { p: P }\ntype P @key(fields: "id") { id: ID! w: Int x: Int '
            '@requires(fields: "w") }'
        )
    )
    assert result.codes == ["REQUIRES_FIELDS_MISSING_EXTERNAL"]


def test_requires_must_name_existing_fields(failed: Failed) -> None:
    result = failed(
        a=fed2(
            'type Query { p: P }\ntype P @key(fields: "id") { id: ID! x: Int @requires(fields: '
            '"nope") }'
        )
    )
    assert result.codes == ["REQUIRES_INVALID_FIELDS"]
    assert '"nope"' in result.errors[0].message


def test_provides_needs_an_object_field(failed: Failed) -> None:
    result = failed(a=fed2('type Query { n: Int @provides(fields: "x") }'))
    assert result.codes == ["PROVIDES_ON_NON_OBJECT_FIELD"]


def test_an_unused_external_field_is_an_error(failed: Failed) -> None:
    result = failed(
        a=fed2('type Query { t: T }\ntype T @key(fields: "id") { id: ID! name: String @external }'),
        b=fed2('type T @key(fields: "id") { id: ID! name: String }'),
    )
    assert result.codes == ["EXTERNAL_UNUSED"]


def test_a_field_external_everywhere_is_missing_its_base(failed: Failed) -> None:
    result = failed(
        a=fed2("""
            type Query { p: P }
            type P @key(fields: "id") { id: ID! w: Int @external x: Int @requires(fields: "w") }
        """),
        b=fed2('type P @key(fields: "id") { id: ID! y: Int }'),
    )
    assert result.codes == ["EXTERNAL_MISSING_ON_BASE"]
    assert result.errors[0].subgraphs == ("a",)


def test_override_moves_a_field_and_drops_the_old_owner(run: Compose) -> None:
    result = run(
        old=fed2('type Query { p: P }\ntype P @key(fields: "id") { id: ID! price: Int }'),
        new=fed2('type P @key(fields: "id") { id: ID! price: Int @override(from: "old") }'),
    )
    assert result.ok
    assert field_line(result.supergraph_sdl, "P", "price") == (
        'price: Int @join__field(graph: NEW, override: "old")'
    )
    assert [h.code for h in result.hints] == ["OVERRIDDEN_FIELD_CAN_BE_REMOVED"]


def test_an_overridden_field_still_used_by_a_key_is_kept_as_used_overridden(
    composed: Composed,
) -> None:
    sdl = composed(
        old=fed2(
            'type Query { p: P }\ntype P @key(fields: "id") @key(fields: "sku") { id: ID! sku: '
            "String! }"
        ),
        new=fed2('type P @key(fields: "id") { id: ID! sku: String! @override(from: "old") }'),
    )
    assert field_line(sdl, "P", "sku") == (
        'sku: String! @join__field(graph: NEW, override: "old") '
        "@join__field(graph: OLD, usedOverridden: true)"
    )


def test_progressive_override_keeps_both_sides_under_the_label(run: Compose) -> None:
    result = run(
        old=fed2('type Query { p: P }\ntype P @key(fields: "id") { id: ID! price: Int }'),
        new=fed2(
            'type P @key(fields: "id") { id: ID! price: Int @override(from: "old", label: '
            '"percent(25)") }'
        ),
    )
    assert result.ok
    assert field_line(result.supergraph_sdl, "P", "price") == (
        'price: Int @join__field(graph: NEW, override: "old", overrideLabel: "percent(25)") '
        '@join__field(graph: OLD, overrideLabel: "percent(25)")'
    )
    assert [h.code for h in result.hints] == ["OVERRIDE_MIGRATION_IN_PROGRESS"]


def test_override_from_itself_fails(failed: Failed) -> None:
    result = failed(
        a=fed2(
            'type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: Int @override(from: "a") }'
        )
    )
    assert result.codes == ["OVERRIDE_FROM_SELF_ERROR"]


def test_two_subgraphs_overriding_each_other_fail(failed: Failed) -> None:
    result = failed(
        a=fed2(
            'type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: Int @override(from: "b") }'
        ),
        b=fed2('type T @key(fields: "id") { id: ID! n: Int @override(from: "a") }'),
    )
    assert "OVERRIDE_SOURCE_HAS_OVERRIDE" in result.codes


def test_override_from_an_unknown_subgraph_is_ignored_with_a_hint(run: Compose) -> None:
    result = run(
        a=fed2(
            'type Query { t: T }\ntype T @key(fields: "id") { id: ID! n: Int @override(from: '
            '"gone") }'
        )
    )
    assert result.ok
    assert field_line(result.supergraph_sdl, "T", "n") == "n: Int"
    assert [h.code for h in result.hints] == ["FROM_SUBGRAPH_DOES_NOT_EXIST"]
