"""Reading subgraphs: Federation 2 links (imports, renames, namespaces) and Federation 1."""

from __future__ import annotations

from composition_testkit import Composed, Failed, block, field_line


def test_renamed_and_namespaced_federation_directives_are_understood(composed: Composed) -> None:
    sdl = composed(
        a="""
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
              import: [{name: "@key", as: "@primaryKey"}, {name: "@shareable", as: "@shared"}])
            type Query { t: T }
            type T @primaryKey(fields: "id") { id: ID! name: String @shared }
        """,
        b="""
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.3")
            type T @federation__key(fields: "id") { id: ID! name: String @federation__shareable }
        """,
        c="""
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", as: "fed")
            type T @fed__key(fields: "id") { id: ID! other: Int }
        """,
    )
    assert block(sdl, "T").splitlines()[1:4] == [
        '  @join__type(graph: A, key: "id")',
        '  @join__type(graph: B, key: "id")',
        '  @join__type(graph: C, key: "id")',
    ]
    assert "primaryKey" not in sdl
    assert "federation__" not in sdl


def test_a_directive_used_without_import_is_unknown(failed: Failed) -> None:
    result = failed(
        a="""
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [])
            type Query { t: T }
            type T @key(fields: "id") { id: ID! }
        """
    )
    assert result.codes == ["INVALID_GRAPHQL"]
    assert 'Unknown directive "@key"' in result.errors[0].message
    assert (result.errors[0].locations[0].line, result.errors[0].locations[0].column) == (4, 20)


def test_importing_a_directive_newer_than_the_linked_version_fails(failed: Failed) -> None:
    result = failed(
        a="""
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
              import: ["@key", "@policy"])
            type Query { a: Int }
        """
    )
    assert result.codes == ["INVALID_LINK_DIRECTIVE_USAGE"]


def test_renamed_root_types_become_the_standard_roots(composed: Composed) -> None:
    sdl = composed(
        a="""
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [])
            schema { query: RootQuery mutation: RootMutation }
            type RootQuery { a: Int }
            type RootMutation { setA(a: Int): Int }
        """,
    )
    assert "{\n  query: Query\n  mutation: Mutation\n}" in sdl
    assert field_line(sdl, "Mutation", "setA") == "setA(a: Int): Int"
    assert "RootQuery" not in sdl


def test_federation_1_extensions_and_implicit_sharing(composed: Composed) -> None:
    sdl = composed(
        users="""
            type Query { me: User }
            type User @key(fields: "id") { id: ID! username: String }
            type Money { amount: Int }
        """,
        reviews="""
            type Review { body: String author: User @provides(fields: "username") price: Money }
            extend type User @key(fields: "id") {
              id: ID! @external username: String @external reviews: [Review] }
            extend type Query { reviews: [Review] }
            type Money { amount: Int }
        """,
        inventory="""
            type Product @extends @key(fields: "upc") {
              upc: String! @external weight: Int @external
              shippingEstimate: Int @requires(fields: "weight") }
        """,
        products="""
            type Product @key(fields: "upc") { upc: String! weight: Int }
            extend type Query { products: [Product] }
        """,
    )
    # `extend type` in Federation 1 is a definition; `@extends` stays an extension.
    assert block(sdl, "User").splitlines()[1:3] == [
        '  @join__type(graph: REVIEWS, key: "id")',
        '  @join__type(graph: USERS, key: "id")',
    ]
    assert '  @join__type(graph: INVENTORY, key: "upc", extension: true)' in block(sdl, "Product")
    # The key field marked @external on the extension is resolvable there.
    assert field_line(sdl, "Product", "upc") == "upc: String!"
    # Value types are shared without @shareable in Federation 1.
    assert field_line(sdl, "Money", "amount") == "amount: Int"
    assert field_line(sdl, "User", "username") == (
        "username: String @join__field(graph: REVIEWS, external: true) @join__field(graph: USERS)"
    )


def test_federation_1_and_2_subgraphs_compose_together(composed: Composed) -> None:
    sdl = composed(
        old='type Query { a: Thing }\ntype Thing @key(fields: "id") { id: ID! label: String }',
        new="""
            extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",
              import: ["@key", "@shareable"])
            type Query { b: Thing }
            type Thing @key(fields: "id") { id: ID! label: String @shareable size: Int }
        """,
    )
    assert field_line(sdl, "Thing", "label") == "label: String"
    assert field_line(sdl, "Thing", "size") == "size: Int @join__field(graph: NEW)"
