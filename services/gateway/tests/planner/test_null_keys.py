"""Null and missing keys at plan level: key fields are always required in representations."""

from __future__ import annotations

from qpkit import plan, supergraph

from gateway.plan import MISSING, ReqShape, project
from gateway.planner import iter_fetches

ORGS = supergraph(
    "a c",
    """
type Query @join__type(graph: A) @join__type(graph: C) {
  orgs: [Organization] @join__field(graph: A)
}
type Organization
  @join__type(graph: A, key: "id tenant { id }")
  @join__type(graph: C, key: "id tenant { id }")
{
  id: ID
  tenant: Tenant
  budget: Int @join__field(graph: C)
}
type Tenant @join__type(graph: A) @join__type(graph: C) {
  id: ID
}
""",
)


def _entity_requires() -> ReqShape:
    fetch = list(iter_fetches(plan(ORGS, "{ orgs { budget } }")))[1]
    assert fetch.requires is not None
    return fetch.requires


def test_nullable_key_fields_are_still_required() -> None:
    """Key fields are non-null in the projection even where the schema allows null."""
    requires = _entity_requires()
    assert project(requires, {"__typename": "Organization", "id": "1", "tenant": {"id": "t"}}) == {
        "__typename": "Organization",
        "id": "1",
        "tenant": {"id": "t"},
    }
    assert (
        project(requires, {"__typename": "Organization", "id": None, "tenant": {"id": "t"}})
        is MISSING
    )
    assert (
        project(requires, {"__typename": "Organization", "id": "1", "tenant": {"id": None}})
        is MISSING
    )
    assert project(requires, {"__typename": "Organization", "id": "1", "tenant": None}) is MISSING


def test_an_object_of_another_type_gives_no_representation() -> None:
    """Only objects whose __typename matches an input type are sent."""
    requires = _entity_requires()
    assert project(requires, {"__typename": "Tenant", "id": "1", "tenant": {"id": "t"}}) is MISSING
    assert project(requires, {"id": "1", "tenant": {"id": "t"}}) is MISSING
