"""The API schema: federation machinery and @inaccessible elements are gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, parse, validate

from gateway.supergraph import SupergraphError, load_supergraph

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supergraphs"
PLATFORM = (FIXTURES / "platform.graphql").read_text()
RENAMED = (FIXTURES / "renamed-v0.5.graphql").read_text()


def test_feature_types_and_directives_are_removed() -> None:
    api = load_supergraph(RENAMED).api_schema
    names = set(api.type_map)
    assert not {n for n in names if n.startswith(("j__", "ln__", "link__", "join__"))}
    builtins = {"include", "skip", "deprecated", "specifiedBy", "oneOf"}
    assert {d.name for d in api.directives} <= builtins
    assert not {d.name for d in api.directives} & {"hidden", "tag", "ln", "j__type"}


def test_inaccessible_types_fields_arguments_values_and_input_fields_are_absent() -> None:
    api = load_supergraph(RENAMED).api_schema
    assert "Secret" not in api.type_map
    product = api.type_map["Product"]
    assert isinstance(product, GraphQLObjectType)
    assert "internalCode" not in product.fields
    assert product.fields["cost"].args == {}
    currency = api.type_map["Currency"]
    assert isinstance(currency, GraphQLEnumType)
    assert list(currency.values) == ["EUR", "USD"]
    filter_type = api.type_map["Filter"]
    assert isinstance(filter_type, GraphQLInputObjectType)
    assert list(filter_type.fields) == ["text"]


def test_queries_naming_inaccessible_elements_fail_validation() -> None:
    sg = load_supergraph(PLATFORM)
    assert validate(sg.api_schema, parse("{ payments { id } }")) == []
    assert validate(sg.api_schema, parse("{ payments { secret } }"))
    assert validate(sg.api_schema, parse("{ payments(status: REFUNDED) { id } }"))
    assert validate(sg.api_schema, parse("{ payments(status: CAPTURED) { id } }")) == []


def test_the_full_supergraph_schema_keeps_them_for_requires() -> None:
    sg = load_supergraph(PLATFORM)
    payment = sg.supergraph_schema.type_map["Payment"]
    assert isinstance(payment, GraphQLObjectType)
    assert "secret" in payment.fields


def test_an_accessible_field_of_an_inaccessible_type_is_refused() -> None:
    sdl = PLATFORM.replace(
        "type Event\n  @join__type(graph: EVENTS)\n",
        "type Event\n  @join__type(graph: EVENTS) @inaccessible\n",
    )
    with pytest.raises(SupergraphError, match="inaccessible type Event"):
        load_supergraph(sdl)


def test_inaccessible_union_members_and_interfaces_are_unlinked() -> None:
    sdl = PLATFORM.replace(
        "type Event\n  @join__type(graph: EVENTS)\n{",
        "union Thing @join__type(graph: EVENTS) = Event | Ghost\n"
        "type Ghost @join__type(graph: EVENTS) @inaccessible { id: ID! }\n"
        "type Event\n  @join__type(graph: EVENTS)\n{",
    )
    api = load_supergraph(sdl).api_schema
    assert [t.name for t in api.get_possible_types(api.type_map["Thing"])] == ["Event"]  # type: ignore[arg-type]
    assert "Ghost" not in api.type_map
