"""End-to-end ``@interfaceObject`` scenarios over the zoo (composed by our composer):
jumps from an implementation to interface objects, from an interface object to the
subgraph knowing the concrete type, ``@requires`` on an interface object, and a
non-resolvable interface object referencing the interface."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.scenario import calls, representations, stopped
from gwharness.zoo import zoo_subgraphs, zoo_supergraph

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(zoo_supergraph(), zoo_subgraphs()) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


async def test_an_interface_object_field_on_every_implementation(gw: GatewayClient) -> None:
    result = await gw.query("{ animals { id vaccinated } }")
    assert result == {
        "data": {
            "animals": [
                {"id": "c1", "vaccinated": False},
                {"id": "d1", "vaccinated": True},
                {"id": "c2", "vaccinated": True},
                {"id": "d2", "vaccinated": None},
            ]
        }
    }
    assert calls(gw) == {"animals": 1, "vet": 1}
    assert representations(gw, "vet") == [
        {"__typename": "Animal", "id": "c1"},
        {"__typename": "Animal", "id": "d1"},
        {"__typename": "Animal", "id": "c2"},
        {"__typename": "Animal", "id": "d2"},
    ]


async def test_interface_object_fields_under_one_member_only(gw: GatewayClient) -> None:
    result = await gw.query("{ animals { ... on Dog { name checkups { date } } } }")
    assert result == {
        "data": {
            "animals": [
                {},
                {"name": "Rex", "checkups": [{"date": "2026-01-02"}, {"date": "2026-03-04"}]},
                {},
                {"name": "Fido", "checkups": [{"date": "2025-12-24"}]},
            ]
        }
    }
    # Only the dogs are sent, under the interface's name.
    assert representations(gw, "vet") == [
        {"__typename": "Animal", "id": "d1"},
        {"__typename": "Animal", "id": "d2"},
    ]


async def test_an_interface_object_root_alone(gw: GatewayClient) -> None:
    result = await gw.query("{ patients { id vaccinated checkups { note } } }")
    assert result == {
        "data": {
            "patients": [
                {"id": "d2", "vaccinated": None, "checkups": [{"note": "limping"}]},
                {"id": "c1", "vaccinated": False, "checkups": []},
            ]
        }
    }
    assert calls(gw) == {"vet": 1}


async def test_interface_fields_behind_an_interface_object_root(gw: GatewayClient) -> None:
    result = await gw.query("{ patients { id name } }")
    assert result == {
        "data": {"patients": [{"id": "d2", "name": "Fido"}, {"id": "c1", "name": "Tom"}]}
    }
    assert calls(gw) == {"vet": 1, "animals": 1}
    assert representations(gw, "animals") == [
        {"__typename": "Animal", "id": "d2"},
        {"__typename": "Animal", "id": "c1"},
    ]


async def test_member_fields_two_hops_behind_an_interface_object(gw: GatewayClient) -> None:
    # vet -> animals (the concrete type, Cat.lives) -> breeds (Dog.breed).
    result = await gw.query("{ patients { id ... on Cat { lives } ... on Dog { breed } } }")
    assert result == {"data": {"patients": [{"id": "d2", "breed": None}, {"id": "c1", "lives": 9}]}}
    assert calls(gw) == {"vet": 1, "animals": 1, "breeds": 1}
    assert representations(gw, "breeds") == [{"__typename": "Dog", "id": "d2"}]


async def test_requires_on_an_interface_object_from_an_interface_object(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ patients { greeting } }")
    assert result == {
        "data": {"patients": [{"greeting": "Hello, Fido!"}, {"greeting": "Hello, Tom!"}]}
    }
    assert representations(gw, "care") == [
        {"__typename": "Animal", "id": "d2", "name": "Fido"},
        {"__typename": "Animal", "id": "c1", "name": "Tom"},
    ]


async def test_requires_on_an_interface_object_from_the_interface(gw: GatewayClient) -> None:
    result = await gw.query("{ animals { greeting } }")
    assert result == {
        "data": {
            "animals": [
                {"greeting": "Hello, Tom!"},
                {"greeting": "Hello, Rex!"},
                {"greeting": "Hello, Kitty!"},
                {"greeting": "Hello, Fido!"},
            ]
        }
    }
    assert calls(gw) == {"animals": 1, "care": 1}
    # The care subgraph knows no Cat nor Dog: every representation names the interface.
    assert representations(gw, "care") == [
        {"__typename": "Animal", "id": "c1", "name": "Tom"},
        {"__typename": "Animal", "id": "d1", "name": "Rex"},
        {"__typename": "Animal", "id": "c2", "name": "Kitty"},
        {"__typename": "Animal", "id": "d2", "name": "Fido"},
    ]


async def test_requires_on_an_interface_object_beside_a_member_field(
    gw: GatewayClient,
) -> None:
    result = await gw.query('{ animal(id: "d1") { ... on Dog { greeting breed } } }')
    assert result == {"data": {"animal": {"greeting": "Hello, Rex!", "breed": "Beagle"}}}
    assert calls(gw) == {"animals": 1, "breeds": 1, "care": 1}


async def test_requires_on_an_interface_object_from_a_type_without_the_interface(
    gw: GatewayClient,
) -> None:
    # breeds' Dog does not implement Animal, yet it has the shareable name care requires.
    result = await gw.query("{ dogOfTheDay { greeting } }")
    assert result == {"data": {"dogOfTheDay": {"greeting": "Hello, Fido!"}}}
    assert calls(gw) == {"breeds": 1, "care": 1}
    assert representations(gw, "care") == [{"__typename": "Animal", "id": "d2", "name": "Fido"}]


async def test_an_interface_object_field_from_a_type_without_the_interface(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ dogOfTheDay { __typename name breed vaccinated } }")
    assert result == {
        "data": {
            "dogOfTheDay": {"__typename": "Dog", "name": "Fido", "breed": None, "vaccinated": None}
        }
    }
    assert calls(gw) == {"breeds": 1, "vet": 1}
    assert representations(gw, "vet") == [{"__typename": "Animal", "id": "d2"}]


async def test_a_non_resolvable_interface_object_reference_alone(gw: GatewayClient) -> None:
    result = await gw.query("{ kennels { number occupant { id } } }")
    assert result == {
        "data": {
            "kennels": [
                {"number": 1, "occupant": {"id": "d2"}},
                {"number": 2, "occupant": None},
                {"number": 3, "occupant": {"id": "c1"}},
            ]
        }
    }
    assert calls(gw) == {"shelter": 1}


async def test_a_non_resolvable_interface_object_jumps_for_interface_fields(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ kennels { number occupant { __typename name } } }")
    assert result == {
        "data": {
            "kennels": [
                {"number": 1, "occupant": {"__typename": "Dog", "name": "Fido"}},
                {"number": 2, "occupant": None},
                {"number": 3, "occupant": {"__typename": "Cat", "name": "Tom"}},
            ]
        }
    }
    # The null occupant is not sent.
    assert representations(gw, "animals") == [
        {"__typename": "Animal", "id": "d2"},
        {"__typename": "Animal", "id": "c1"},
    ]


async def test_from_one_interface_object_to_another(gw: GatewayClient) -> None:
    result = await gw.query("{ kennels { occupant { vaccinated checkups { note } } } }")
    assert result == {
        "data": {
            "kennels": [
                {"occupant": {"vaccinated": None, "checkups": [{"note": "limping"}]}},
                {"occupant": None},
                {"occupant": {"vaccinated": False, "checkups": []}},
            ]
        }
    }
    # No detour through the subgraph knowing the concrete types.
    assert calls(gw) == {"shelter": 1, "vet": 1}


async def test_a_member_only_field_behind_a_non_resolvable_interface_object(
    gw: GatewayClient,
) -> None:
    result = await gw.query("{ kennels { occupant { ... on Dog { breed } } } }")
    assert result == {
        "data": {
            "kennels": [
                {"occupant": {"breed": None}},
                {"occupant": None},
                {"occupant": {}},
            ]
        }
    }
    assert calls(gw) == {"shelter": 1, "animals": 1, "breeds": 1}


async def test_an_interface_object_member_fragment_mixing_both_sides(gw: GatewayClient) -> None:
    query = "{ patients { ... on Cat { id vaccinated lives } ... on Dog { checkups { date } } } }"
    result = await gw.query(query)
    assert result == {
        "data": {
            "patients": [
                {"checkups": [{"date": "2025-12-24"}]},
                {"id": "c1", "vaccinated": False, "lives": 9},
            ]
        }
    }


async def test_requires_on_an_interface_object_behind_a_reference(gw: GatewayClient) -> None:
    # shelter -> animals (the type and the required name) -> care.
    result = await gw.query(
        "{ kennels { occupant { ... on Cat { greeting lives } ... on Dog { greeting } } } }"
    )
    assert result == {
        "data": {
            "kennels": [
                {"occupant": {"greeting": "Hello, Fido!"}},
                {"occupant": None},
                {"occupant": {"greeting": "Hello, Tom!", "lives": 9}},
            ]
        }
    }
    assert calls(gw) == {"shelter": 1, "animals": 1, "care": 1}


async def test_a_stopped_concrete_type_subgraph_nulls_references_with_one_error() -> None:
    async with running_gateway(zoo_supergraph(), zoo_subgraphs(), **stopped("animals")) as gw:
        result = await gw.query("{ kennels { number occupant { id ... on Dog { name } } } }")
    # Without the concrete type the occupants cannot be shaped; the fetch error explains
    # the nulls (no extra error per occupant).
    assert result == {
        "data": {
            "kennels": [
                {"number": 1, "occupant": None},
                {"number": 2, "occupant": None},
                {"number": 3, "occupant": None},
            ]
        },
        "errors": [
            {
                "message": "HTTP fetch failed from 'animals': ConnectError",
                "path": ["kennels"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR"},
            }
        ],
    }


async def test_a_stopped_interface_object_subgraph_keeps_the_interface_fields() -> None:
    async with running_gateway(zoo_supergraph(), zoo_subgraphs(), **stopped("vet")) as gw:
        result = await gw.query("{ animals { name vaccinated } }")
    assert result == {
        "data": {
            "animals": [
                {"name": "Tom", "vaccinated": None},
                {"name": "Rex", "vaccinated": None},
                {"name": "Kitty", "vaccinated": None},
                {"name": "Fido", "vaccinated": None},
            ]
        },
        "errors": [
            {
                "message": "HTTP fetch failed from 'vet': ConnectError",
                "path": ["animals"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR"},
            }
        ],
    }


async def test_a_stopped_interface_object_subgraph_under_non_null_fields() -> None:
    async with running_gateway(zoo_supergraph(), zoo_subgraphs(), **stopped("vet")) as gw:
        result = await gw.query("{ animals { id checkups { date } } }")
    # Animal.checkups: [Checkup!]! and Query.animals: [Animal!]! - the null reaches the root.
    assert result == {
        "data": None,
        "errors": [
            {
                "message": "HTTP fetch failed from 'vet': ConnectError",
                "path": ["animals"],
                "extensions": {"code": "SUBREQUEST_HTTP_ERROR"},
            }
        ],
    }


async def test_a_reference_the_concrete_type_subgraph_does_not_know() -> None:
    # Kennel 4 holds "x9", an id animals has no record of: fields shelter or vet answer for
    # the interface object still come back; its concrete type and name cannot.
    subgraphs = zoo_subgraphs(kennels=[(3, "c1"), (4, "x9")])
    async with running_gateway(zoo_supergraph(), subgraphs) as gw:
        plain = await gw.query("{ kennels { number occupant { id vaccinated } } }")
        typed = await gw.query("{ kennels { occupant { __typename id } } }")
        named = await gw.query("{ kennels { occupant { id name } } }")
    assert plain == {
        "data": {
            "kennels": [
                {"number": 3, "occupant": {"id": "c1", "vaccinated": False}},
                {"number": 4, "occupant": {"id": "x9", "vaccinated": None}},
            ]
        }
    }
    assert typed == {
        "data": {"kennels": [{"occupant": {"__typename": "Cat", "id": "c1"}}, {"occupant": None}]},
        "errors": [
            {
                "message": "Could not determine the runtime type of Kennel.occupant.",
                "path": ["kennels", 1, "occupant"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }
    assert named == {
        "data": {"kennels": [{"occupant": {"id": "c1", "name": "Tom"}}, {"occupant": None}]},
        "errors": [
            {
                "message": "Cannot return null for non-nullable field Animal.name.",
                "path": ["kennels", 1, "occupant", "name"],
                "extensions": {"code": "SUBREQUEST_MALFORMED_RESPONSE"},
            }
        ],
    }
