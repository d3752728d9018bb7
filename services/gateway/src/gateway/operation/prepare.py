"""Parse, validate and normalize a request (§3), with the request LRU of §7."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate
from graphql.execution.values import get_variable_values

from gateway.operation.errors import (
    OperationError,
    OperationParseError,
    OperationValidationError,
    VariableCoercionError,
)
from gateway.operation.normalize import normalize_operation
from gateway.operation.tree import NormalizedOperation

__all__ = [
    "OperationCache",
    "coerce_variables",
    "parse_operation",
    "prepare_operation",
    "validate_operation",
]


def parse_operation(text: str) -> DocumentNode:
    """Parse client query text; syntax errors raise ``OperationParseError``."""
    try:
        return parse(text)
    except GraphQLError as err:
        raise OperationParseError([err]) from None


def validate_operation(api_schema: GraphQLSchema, doc: DocumentNode) -> None:
    """Validate against the API schema; raise ``OperationValidationError`` with locations."""
    errors = validate(api_schema, doc)
    if errors:
        raise OperationValidationError(errors)


def prepare_operation(
    api_schema: GraphQLSchema, text: str, operation_name: str | None = None
) -> NormalizedOperation:
    """Parse, validate, pick and normalize in one call."""
    doc = parse_operation(text)
    validate_operation(api_schema, doc)
    return normalize_operation(api_schema, doc, operation_name)


def coerce_variables(
    api_schema: GraphQLSchema, operation: NormalizedOperation, raw: dict[str, Any] | None
) -> dict[str, Any]:
    """Coerce the client's variables (§3.5); errors raise ``VariableCoercionError``.

    The coerced values drive Condition nodes and shaping only; subgraphs get ``raw``.
    """
    result = get_variable_values(api_schema, operation.variable_definitions, raw or {})
    if isinstance(result, list):
        raise VariableCoercionError(result)
    coerced: dict[str, Any] = result.coerced
    return coerced


class OperationCache:
    """Bounded LRU keyed by ``(query text, operationName)``: a hit skips graphql-core.

    It stores the normalized operation, or the ``OperationError`` to raise again, so a
    repeated bad query costs nothing either.
    """

    def __init__(self, api_schema: GraphQLSchema, maxsize: int = 1000) -> None:
        self.api_schema = api_schema
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[tuple[str, str | None], NormalizedOperation | OperationError] = (
            OrderedDict()
        )

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size(self) -> int:
        """Number of cached entries (exported to /metrics)."""
        return len(self._data)

    def get(self, text: str, operation_name: str | None = None) -> NormalizedOperation:
        """The normalized operation for this request; raises its ``OperationError``."""
        key = (text, operation_name)
        entry = self._data.get(key)
        if entry is None:
            self.misses += 1
            try:
                entry = prepare_operation(self.api_schema, text, operation_name)
            except OperationError as err:
                entry = err
            self._data[key] = entry
            if len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        else:
            self.hits += 1
            self._data.move_to_end(key)
        if isinstance(entry, OperationError):
            raise entry
        return entry
