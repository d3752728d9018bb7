"""``JSONString``: the original API's scalar, a string holding JSON.

Outputs serialize the stored JSON value with ``json.dumps`` (as Graphene's ``JSONString``
did). Inputs must be strings; the resolver parses them so that invalid JSON is a
``BAD_USER_INPUT`` naming the argument rather than a generic coercion error.
"""

from __future__ import annotations

import json
from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

__all__ = ["SCALAR_MAP", "JSONString"]

JSONString = NewType("JSONString", object)


def _serialize(value: Any) -> str:
    return json.dumps(value)


def _parse_value(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("JSONString must be a string holding JSON")
    return value


SCALAR_MAP: dict[object, ScalarDefinition] = {
    JSONString: strawberry.scalar(
        name="JSONString",
        description="A JSON value carried as a string holding its JSON text.",
        serialize=_serialize,
        parse_value=_parse_value,
    )
}
