"""``@requires`` on an ``@interfaceObject`` field reached from a concrete implementation:
the post-requires fetch goes to a graph that only knows the interface, so its
representations must name the interface, like any other jump into that graph."""

from __future__ import annotations

from qpkit import plan, supergraph

from gateway.plan import SetValue
from gateway.planner import iter_fetches

CARE = supergraph(
    "animals care",
    """
type Query @join__type(graph: ANIMALS) @join__type(graph: CARE) {
  animals: [Animal!]! @join__field(graph: ANIMALS)
  cats: [Cat!]! @join__field(graph: ANIMALS)
}
interface Animal
  @join__type(graph: ANIMALS, key: "id")
  @join__type(graph: CARE, key: "id", isInterfaceObject: true)
{
  id: ID!
  name: String! @join__field(graph: ANIMALS) @join__field(graph: CARE, external: true)
  greeting: String! @join__field(graph: CARE, requires: "name")
}
type Cat implements Animal
  @join__implements(graph: ANIMALS, interface: "Animal")
  @join__type(graph: ANIMALS, key: "id")
{
  id: ID!
  name: String!
  greeting: String! @join__field
}
type Dog implements Animal
  @join__implements(graph: ANIMALS, interface: "Animal")
  @join__type(graph: ANIMALS, key: "id")
{
  id: ID!
  name: String!
  greeting: String! @join__field
}
""",
)


def test_a_requiring_fetch_from_an_implementation_names_the_interface() -> None:
    [_cats, care] = iter_fetches(plan(CARE, "{ cats { greeting } }"))
    assert care.service == "care"
    assert care.input_rewrites == (SetValue(("... on Cat", "__typename"), "Animal"),)


def test_a_requiring_fetch_from_the_interface_names_the_interface() -> None:
    """Items of every implementation jump on the interface's key, named Animal."""
    [_animals, care] = iter_fetches(plan(CARE, "{ animals { greeting } }"))
    assert care.input_rewrites == (SetValue(("... on Animal", "__typename"), "Animal"),)
