"""Directives carried into the supergraph: @inaccessible, @tag, auth, cost, composed ones,
descriptions, deprecations and default values."""

from __future__ import annotations

from composition_testkit import Composed, Failed, block, fed2, field_line


def test_inaccessible_and_tags_are_propagated_and_linked(composed: Composed) -> None:
    sdl = composed(
        a=fed2("""
            type Query { u(id: ID!, debug: Boolean @inaccessible): U @tag(name: "public") }
            type U @key(fields: "id") { id: ID! secret: String @inaccessible kind: Kind }
            enum Kind { A B @inaccessible }
        """),
        b=fed2(
            'type U @key(fields: "id") @tag(name: "user") { id: ID! age: Int @tag(name: "pii") }'
        ),
    )
    assert sdl.startswith(
        "schema\n"
        '  @link(url: "https://specs.apollo.dev/link/v1.0")\n'
        '  @link(url: "https://specs.apollo.dev/join/v0.5", for: EXECUTION)\n'
        '  @link(url: "https://specs.apollo.dev/tag/v0.3")\n'
        '  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)\n'
        "{\n  query: Query\n}\n"
    )
    assert field_line(sdl, "Query", "u") == (
        'u(id: ID!, debug: Boolean @inaccessible): U @join__field(graph: A) @tag(name: "public")'
    )
    assert field_line(sdl, "U", "secret") == "secret: String @inaccessible @join__field(graph: A)"
    assert "  B @inaccessible @join__enumValue(graph: A)" in block(sdl, "Kind")
    assert block(sdl, "U").splitlines()[3] == '  @tag(name: "user")'


def test_an_accessible_field_cannot_return_an_inaccessible_type(failed: Failed) -> None:
    result = failed(a=fed2("type Query { a: Hidden b: Int }\ntype Hidden @inaccessible { x: Int }"))
    assert result.codes == ["REFERENCED_INACCESSIBLE"]


def test_a_type_whose_fields_are_all_inaccessible_fails(failed: Failed) -> None:
    result = failed(a=fed2("type Query { a: T }\ntype T { x: Int @inaccessible }"))
    assert result.codes == ["ONLY_INACCESSIBLE_CHILDREN"]


def test_auth_and_cost_directives_are_carried_and_merged(composed: Composed) -> None:
    sdl = composed(
        a=fed2("""
            type Query { orders(first: Int): [Order!]! @authenticated
              @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false) }
            type Order @key(fields: "id") @requiresScopes(scopes: [["orders:read"]]) {
              id: ID! total: Int @shareable @cost(weight: 5) @policy(policies: [["a"]]) }
        """),
        b=fed2("""
            type Order @key(fields: "id") @requiresScopes(scopes: [["admin"]]) {
              id: ID! total: Int @shareable @cost(weight: 9) @policy(policies: [["b"]]) }
        """),
    )
    assert '  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"])' in sdl
    assert field_line(sdl, "Query", "orders") == (
        "orders(first: Int): [Order!]! @join__field(graph: A) @authenticated "
        '@listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)'
    )
    # Access control is AND-ed across subgraphs: a client needs what every subgraph asks for.
    assert (
        block(sdl, "Order").splitlines()[3]
        == '  @requiresScopes(scopes: [["admin", "orders:read"]])'
    )
    assert field_line(sdl, "Order", "total") == (
        'total: Int @policy(policies: [["a", "b"]]) @cost(weight: 9)'
    )


def test_composed_directives_are_linked_defined_and_applied(composed: Composed) -> None:
    a = fed2(
        """
        extend schema @link(url: "https://example.com/audit/v1.0", import: ["@audit"])
          @composeDirective(name: "@audit")
        directive @audit(level: Int) on FIELD_DEFINITION
        type Query { x: Int @audit(level: 2) }
        """
    )
    sdl = composed(a=a)
    assert '  @link(url: "https://example.com/audit/v1.0", import: ["@audit"])' in sdl
    assert "directive @audit(level: Int) on FIELD_DEFINITION" in sdl
    assert field_line(sdl, "Query", "x") == "x: Int @audit(level: 2)"


def test_a_composed_directive_must_be_defined(failed: Failed) -> None:
    result = failed(
        a=fed2('extend schema @composeDirective(name: "@missing")\ntype Query { x: Int }')
    )
    assert result.codes == ["DIRECTIVE_COMPOSITION_ERROR"]


def test_descriptions_deprecations_and_defaults_are_kept(composed: Composed) -> None:
    sdl = composed(
        a=fed2('''
            "The root"
            type Query {
              "An item" item("which one" id: ID! = "x"): Item @shareable
              old: Int @deprecated(reason: "use item")
            }
            """
            An item.
            """
            type Item @shareable { name: String @deprecated color: String }
        '''),
        b=fed2(
            'type Query { item(id: ID! = "x"): Item @shareable }\ntype Item @shareable { name: '
            "String }"
        ),
    )
    assert block(sdl, "Query") == (
        '"""The root"""\n'
        "type Query\n"
        "  @join__type(graph: A)\n"
        "  @join__type(graph: B)\n"
        "{\n"
        '  """An item"""\n'
        "  item(\n"
        '    """which one"""\n'
        '    id: ID! = "x"\n'
        "  ): Item\n"
        '  old: Int @join__field(graph: A) @deprecated(reason: "use item")\n'
        "}"
    )
    assert field_line(sdl, "Item", "name") == "name: String @deprecated"
    assert block(sdl, "Item").startswith('"""An item."""\ntype Item')


def test_an_executable_directive_defined_everywhere_reaches_the_supergraph(
    composed: Composed,
) -> None:
    directive = "directive @trace(level: Int) on FIELD | QUERY"
    sdl = composed(
        a=fed2(f"{directive}\ntype Query {{ a: Int }}"),
        b=fed2(f"{directive}\ntype Query {{ b: Int }}"),
    )
    assert f"\n{directive}\n" in sdl
    only_one = composed(
        a=fed2(f"{directive}\ntype Query {{ a: Int }}"), b=fed2("type Query { b: Int }")
    )
    assert "@trace" not in only_one
