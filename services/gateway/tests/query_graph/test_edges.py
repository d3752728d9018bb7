"""Query-graph edge snapshots: externals, provides copies, non-resolvable keys, override."""

from __future__ import annotations

from pathlib import Path

from gateway.query_graph import EdgeKind, Node, build_query_graph
from gateway.supergraph import load_supergraph

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supergraphs"
PLATFORM = (FIXTURES / "platform.graphql").read_text()
RENAMED = (FIXTURES / "renamed-v0.5.graphql").read_text()

USERS = (
    PLATFORM.split("enum join__Graph {")[0]
    .replace("  mutation: Mutation\n", "")
    .replace("join/v0.3", "join/v0.4")
    .replace("usedOverridden: Boolean)", "usedOverridden: Boolean, overrideLabel: String)")
    + """
enum join__Graph {
  A @join__graph(name: "a", url: "http://a")
  B @join__graph(name: "b", url: "http://b")
}
type Query @join__type(graph: A) @join__type(graph: B) {
  team: [User!]! @join__field(graph: A, provides: "name")
}
type User @join__type(graph: A, key: "id") @join__type(graph: B, key: "id", resolvable: false) {
  id: ID!
  name: String @join__field(graph: A, external: true) @join__field(graph: B)
  rank: Int
    @join__field(graph: A, overrideLabel: "beta")
    @join__field(graph: B, override: "a", overrideLabel: "beta")
}
"""
)


def test_externals_provides_copies_non_resolvable_keys_and_labels() -> None:
    qg = build_query_graph(load_supergraph(USERS))
    assert qg.snapshot() == [
        "Query(a) -Typename-> __typename(a)",
        "Query(a) -Field(team)-> User(a)#1",
        "Query(b) -Typename-> __typename(b)",
        "User(a) -Field(id)-> ID(a)",
        "User(a) -Field(rank)-> Int(a) <beta=off>",
        "User(a) -Typename-> __typename(a)",
        "User(b) -Field(id)-> ID(b)",
        "User(b) -Field(name)-> String(b)",
        "User(b) -Field(rank)-> Int(b) <beta=on>",
        "User(b) -Typename-> __typename(b)",
        "User(b) -Key(id)-> User(a) [id]",
        "User(a)#1 -Field(id)-> ID(a)",
        "User(a)#1 -Field(rank)-> Int(a) <beta=off>",
        "User(a)#1 -Typename-> __typename(a)",
        "User(a)#1 -Field(name)-> String(a)",
        "[Query] -RootEntry-> Query(a)",
    ]


def test_field_edges_honour_the_active_labels() -> None:
    qg = build_query_graph(load_supergraph(USERS))
    user_b = Node("User", "b")
    user_a = Node("User", "a")
    assert qg.field_edge(user_b, "rank", None) is not None  # None: every label on
    assert qg.field_edge(user_a, "rank", None) is None
    assert qg.field_edge(user_a, "rank", frozenset()) is not None
    assert qg.field_edge(user_b, "rank", frozenset()) is None


def test_requires_conditions_and_cross_graph_flags() -> None:
    qg = build_query_graph(load_supergraph(PLATFORM))
    shippable = qg.field_edge(Node("Payment", "delivery"), "shippable", None)
    assert shippable is not None
    assert shippable.condition_text == "status"
    assert qg.field_edge(Node("Payment", "delivery"), "status", None) is None
    assert qg.cross_reachable[Node("Payment", "delivery")]
    assert not qg.cross_reachable[Node("Event", "events")]


def test_interface_object_edges_in_both_directions() -> None:
    qg = build_query_graph(load_supergraph(RENAMED))
    assert [e for e in qg.snapshot() if "Node" in e] == [
        "Query(catalog) -Field(node)-> Node(catalog)",
        "Product(catalog) -KeyToInterfaceObject(id)-> Node(reviews-v2) [id]",
        "Node(catalog) -Field(id)-> ID(catalog)",
        "Node(catalog) -Typename-> __typename(catalog)",
        "Node(catalog) -Key(id)-> Node(reviews-v2) [id]",
        "Node(catalog) -Downcast(Product)-> Product(catalog)",
        "Node(reviews-v2) -Field(id)-> ID(reviews-v2)",
        "Node(reviews-v2) -Field(reviewCount)-> Int(reviews-v2)",
        "Node(reviews-v2) -Key(id)-> Node(catalog) [id]",
        "Node(reviews-v2) -InterfaceObjectDowncast(Product)-> Node(reviews-v2) [__typename]",
    ]
    assert qg.typename_edge(Node("Node", "reviews-v2")) is None  # H5
    edge = qg.downcast(Node("Node", "reviews-v2"), "Product")
    assert edge is not None
    assert edge.kind is EdgeKind.INTERFACE_OBJECT_DOWNCAST
