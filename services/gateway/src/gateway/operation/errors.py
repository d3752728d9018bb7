"""Request-level errors raised while preparing an operation.

Hierarchy::

    OperationError                      code
    ├── OperationParseError             GRAPHQL_PARSE_FAILED
    ├── OperationValidationError        GRAPHQL_VALIDATION_FAILED (with locations)
    ├── BadRequestError                 BAD_REQUEST (unknown/ambiguous operationName, ...)
    └── VariableCoercionError           BAD_USER_INPUT (variables that do not coerce)

Each carries ``errors``: graphql-core ``GraphQLError``s whose ``formatted`` form, plus
``extensions.code``, is what the client receives (see ``OperationError.to_json``).
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from graphql import GraphQLError

__all__ = [
    "BadRequestError",
    "OperationError",
    "OperationParseError",
    "OperationValidationError",
    "VariableCoercionError",
]


class OperationError(Exception):
    """Base class: the request cannot be executed; no subgraph was called."""

    code: ClassVar[str] = "BAD_REQUEST"

    def __init__(self, errors: list[GraphQLError] | tuple[GraphQLError, ...]) -> None:
        self.errors: tuple[GraphQLError, ...] = tuple(errors)
        super().__init__("; ".join(e.message for e in self.errors))

    @classmethod
    def single(cls, message: str) -> Self:
        """An error of this class holding one message without locations."""
        return cls([GraphQLError(message)])

    def to_json(self) -> list[dict[str, Any]]:
        """Client-facing error objects, each with ``extensions.code``."""
        out: list[dict[str, Any]] = []
        for err in self.errors:
            item: dict[str, Any] = {"message": err.message}
            if err.locations:
                item["locations"] = [
                    {"line": loc.line, "column": loc.column} for loc in err.locations
                ]
            item["extensions"] = {**(err.extensions or {}), "code": self.code}
            out.append(item)
        return out


class OperationParseError(OperationError):
    """The query text is not valid GraphQL syntax."""

    code = "GRAPHQL_PARSE_FAILED"


class OperationValidationError(OperationError):
    """The document does not validate against the API schema."""

    code = "GRAPHQL_VALIDATION_FAILED"


class BadRequestError(OperationError):
    """Unknown operationName, several operations without a name, or no operation."""

    code = "BAD_REQUEST"


class VariableCoercionError(OperationError):
    """Variable values do not coerce to their declared types."""

    code = "BAD_USER_INPUT"
