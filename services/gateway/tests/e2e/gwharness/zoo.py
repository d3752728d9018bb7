"""The zoo scenario: an entity interface, interface objects around it, and a member
type that other subgraphs know without the interface.

- animals: ``interface Animal @key(id) { id name }``, Dog and Cat (``lives``),
  ``Query.animals``, ``Query.animal(id)``. The only subgraph knowing the concrete types.
- breeds: ``Dog @key(id) { name @shareable breed }`` (Dog does not implement Animal
  here) and ``Query.dogOfTheDay``.
- vet: ``Animal @interfaceObject { vaccinated checkups }`` and ``Query.patients``.
- care: ``Animal @interfaceObject { name @external  greeting @requires(name) }``.
- shelter: ``Animal @interfaceObject @key(id, resolvable: false)`` referenced by
  ``Kennel.occupant`` (the interface is extended only indirectly there).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from gwharness.composed import compose_subgraphs, fed2
from gwharness.subgraph import Subgraph

__all__ = ["ANIMALS", "BREEDS", "KENNELS", "VET", "zoo_subgraphs", "zoo_supergraph"]

ANIMALS: dict[str, dict[str, Any]] = {
    "c1": {"__typename": "Cat", "id": "c1", "name": "Tom", "lives": 9},
    "d1": {"__typename": "Dog", "id": "d1", "name": "Rex"},
    "c2": {"__typename": "Cat", "id": "c2", "name": "Kitty", "lives": None},
    "d2": {"__typename": "Dog", "id": "d2", "name": "Fido"},
}
BREEDS: dict[str, str | None] = {"d1": "Beagle", "d2": None}
VET: dict[str, dict[str, Any]] = {
    "d1": {
        "vaccinated": True,
        "checkups": [
            {"date": "2026-01-02", "note": "healthy"},
            {"date": "2026-03-04", "note": None},
        ],
    },
    "c1": {"vaccinated": False, "checkups": []},
    "d2": {"vaccinated": None, "checkups": [{"date": "2025-12-24", "note": "limping"}]},
    "c2": {"vaccinated": True, "checkups": [{"date": "2026-02-01", "note": None}]},
}
KENNELS: list[tuple[int, str | None]] = [(1, "d2"), (2, None), (3, "c1")]


def animals() -> Subgraph:
    def animal(rep: dict[str, Any]) -> dict[str, Any] | None:
        return ANIMALS.get(rep["id"])

    return Subgraph(
        "animals",
        fed2(
            """
            interface Animal @key(fields: "id") { id: ID! name: String! }
            type Dog implements Animal @key(fields: "id") {
              id: ID! name: String! @shareable
            }
            type Cat implements Animal @key(fields: "id") { id: ID! name: String! lives: Int }
            type Query { animals: [Animal!]! animal(id: ID!): Animal }
            """,
            "@key",
            "@shareable",
        ),
        resolvers={
            "Query": {
                "animals": lambda _p: list(ANIMALS.values()),
                "animal": lambda _p, id: ANIMALS.get(id),
            }
        },
        entities={"Animal": animal, "Dog": animal, "Cat": animal},
    )


def breeds() -> Subgraph:
    def dog(rep: dict[str, Any]) -> dict[str, Any] | None:
        if rep["id"] not in BREEDS:
            return None
        return {"id": rep["id"], "name": ANIMALS[rep["id"]]["name"], "breed": BREEDS[rep["id"]]}

    return Subgraph(
        "breeds",
        fed2(
            """
            type Dog @key(fields: "id") { id: ID! name: String! @shareable breed: String }
            type Query { dogOfTheDay: Dog }
            """,
            "@key",
            "@shareable",
        ),
        resolvers={"Query": {"dogOfTheDay": lambda _p: dog({"id": "d2"})}},
        entities={"Dog": dog},
    )


def _animal_object(id_: str) -> dict[str, Any]:
    return {"__typename": "Animal", "id": id_}


def vet() -> Subgraph:
    def animal(rep: dict[str, Any]) -> dict[str, Any] | None:
        record = VET.get(rep["id"])
        return None if record is None else {**_animal_object(rep["id"]), **record}

    return Subgraph(
        "vet",
        fed2(
            """
            type Animal @key(fields: "id") @interfaceObject {
              id: ID! vaccinated: Boolean checkups: [Checkup!]!
            }
            type Checkup { date: String! note: String }
            type Query { patients: [Animal!]! }
            """,
            "@key",
            "@interfaceObject",
        ),
        resolvers={"Query": {"patients": lambda _p: [animal({"id": "d2"}), animal({"id": "c1"})]}},
        entities={"Animal": animal},
    )


def care() -> Subgraph:
    def animal(rep: dict[str, Any]) -> dict[str, Any]:
        # The required name arrives in the representation (None when it was not sent).
        name = rep.get("name")
        greeting = f"Hello, {name}!" if name is not None else None
        return {**_animal_object(rep["id"]), "greeting": greeting}

    return Subgraph(
        "care",
        fed2(
            """
            type Animal @key(fields: "id") @interfaceObject {
              id: ID! name: String! @external greeting: String! @requires(fields: "name")
            }
            """,
            "@key",
            "@interfaceObject",
            "@external",
            "@requires",
        ),
        entities={"Animal": animal},
    )


def shelter(kennel_list: list[tuple[int, str | None]]) -> Subgraph:
    def kennels(_p: object) -> list[dict[str, Any]]:
        return [
            {"number": n, "occupant": None if a is None else _animal_object(a)}
            for n, a in kennel_list
        ]

    return Subgraph(
        "shelter",
        fed2(
            """
            type Animal @key(fields: "id", resolvable: false) @interfaceObject { id: ID! }
            type Kennel { number: Int! occupant: Animal }
            type Query { kennels: [Kennel!]! }
            """,
            "@key",
            "@interfaceObject",
        ),
        resolvers={"Query": {"kennels": kennels}},
    )


def zoo_subgraphs(kennels: list[tuple[int, str | None]] = KENNELS) -> list[Subgraph]:
    """The zoo's subgraphs; ``kennels`` replaces shelter's (number, occupant id) list."""
    return [animals(), breeds(), vet(), care(), shelter(kennels)]


@cache
def zoo_supergraph() -> str:
    """Composed once per process by our composer."""
    return compose_subgraphs(zoo_subgraphs())
