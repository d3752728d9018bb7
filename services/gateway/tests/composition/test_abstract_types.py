"""Interfaces (with keys, @interfaceObject) and unions."""

from __future__ import annotations

from composition_testkit import Compose, Composed, Failed, block, fed2, field_line


def test_interfaces_merge_fields_and_record_implementations_per_subgraph(
    composed: Composed,
) -> None:
    sdl = composed(
        a=fed2("""
            type Query { animals: [Animal] }
            interface Animal { name: String }
            type Dog implements Animal @key(fields: "name") { name: String barks: Boolean }
        """),
        b=fed2("""
            interface Animal { name: String }
            type Cat implements Animal @key(fields: "name") { name: String }
            type Query { cats: [Cat] }
        """),
    )
    assert block(sdl, "Animal") == (
        "interface Animal\n  @join__type(graph: A)\n  @join__type(graph: B)\n{\n  name: String\n}"
    )
    assert block(sdl, "Cat").startswith(
        'type Cat implements Animal\n  @join__implements(graph: B, interface: "Animal")\n'
        '  @join__type(graph: B, key: "name")'
    )


def test_interface_objects_add_fields_to_every_implementation(composed: Composed) -> None:
    sdl = composed(
        a=fed2("""
            type Query { media: [Media] }
            interface Media @key(fields: "id") { id: ID! title: String }
            type Song implements Media @key(fields: "id") { id: ID! title: String }
        """),
        b=fed2('type Media @key(fields: "id") @interfaceObject { id: ID! plays: Int }'),
    )
    assert block(sdl, "Media") == (
        "interface Media\n"
        '  @join__type(graph: A, key: "id")\n'
        '  @join__type(graph: B, key: "id", isInterfaceObject: true)\n'
        "{\n"
        "  id: ID!\n"
        "  title: String @join__field(graph: A)\n"
        "  plays: Int @join__field(graph: B)\n"
        "}"
    )
    assert field_line(sdl, "Song", "plays") == "plays: Int @join__field"


def test_an_interface_object_needs_a_key(failed: Failed) -> None:
    result = failed(
        a=fed2("type Query { m: Media }\ninterface Media { id: ID! }"),
        b=fed2("type Media @interfaceObject { id: ID! plays: Int }"),
    )
    assert "INTERFACE_OBJECT_USAGE_ERROR" in result.codes


def test_an_interface_key_must_be_on_every_implementation(failed: Failed) -> None:
    result = failed(
        a=fed2("""
            type Query { n: Node }
            interface Node @key(fields: "id") { id: ID! }
            type Book implements Node { id: ID! }
        """),
    )
    assert result.codes == ["INTERFACE_KEY_NOT_ON_IMPLEMENTATION"]


def test_union_members_are_merged_with_their_subgraphs(run: Compose) -> None:
    result = run(
        a=fed2("""
            type Query { search: [Result] @shareable }
            union Result = Book | Author
            type Book @shareable { title: String }
            type Author { name: String }
        """),
        b=fed2("""
            type Query { search: [Result] @shareable }
            union Result = Book | Magazine
            type Book @shareable { title: String }
            type Magazine { issue: Int }
        """),
    )
    assert result.ok
    assert block(result.supergraph_sdl, "Result") == (
        "union Result\n"
        "  @join__type(graph: A)\n"
        "  @join__type(graph: B)\n"
        '  @join__unionMember(graph: A, member: "Book")\n'
        '  @join__unionMember(graph: B, member: "Book")\n'
        '  @join__unionMember(graph: A, member: "Author")\n'
        '  @join__unionMember(graph: B, member: "Magazine")\n'
        " = Book | Author | Magazine"
    )
