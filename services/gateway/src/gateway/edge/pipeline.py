"""Operation preparation at the edge: tokens → parse → limits → validate → authorize →
normalize, with two bounded LRUs (see ``docs/edge-wiring.md`` §6–7).

``EdgeOperations.get`` replaces ``OperationCache.get`` in the server. The parsed and
validated document is cached by ``(text, operationName)`` (errors too, so a repeated bad or
abusive query costs a dictionary lookup); the filtered, normalized operation is cached by
``(text, operationName, rules.fingerprint(caller))``, so all anonymous callers share one
entry. The estimated cost depends on slicing-argument variables: with variables and a cost
budget, it is measured again on a hit (linear in the document).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, parse, validate

from gateway.edge.auth_rules import AuthorizationRules
from gateway.edge.authorization import authorize
from gateway.edge.cost import CostModel
from gateway.edge.errors import EdgeError
from gateway.edge.limits import OperationLimits, check_operation, check_tokens
from gateway.edge.nulls import NullTree
from gateway.operation import NormalizedOperation, OperationError, normalize_operation
from gateway.operation.errors import OperationParseError, OperationValidationError
from servicekit.auth import Principal

__all__ = ["EdgeOperations", "PreparedOperation"]

K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.data: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.data.get(key)
        if value is not None:
            self.data.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.data[key] = value
        if len(self.data) > self.maxsize:
            self.data.popitem(last=False)


@dataclass(frozen=True, slots=True)
class PreparedOperation:
    """What to plan for one caller, and what the response must add back."""

    operation: NormalizedOperation | None  # None: every root field was removed; plan nothing
    name: str | None  # the selected operation's name (metrics label)
    kind: str  # query | mutation | subscription
    errors: tuple[dict[str, Any], ...]  # UNAUTHORIZED_FIELD_OR_TYPE, first in the response
    nulls: NullTree


_Failure = OperationError | EdgeError


@dataclass(frozen=True, slots=True)
class _Document:
    document: DocumentNode
    name: str | None
    kind: str


class EdgeOperations:
    """The request LRU with the edge's limits and authorization (module docstring)."""

    def __init__(
        self,
        api_schema: GraphQLSchema,
        *,
        limits: OperationLimits,
        cost: CostModel | None,
        rules: AuthorizationRules,
        validation_rules: Collection[type[ASTValidationRule]] | None = None,
        hide_suggestions: bool = False,
        reject_unauthorized: bool = False,
        max_errors: int = 100,
        maxsize: int = 1000,
    ) -> None:
        self.api_schema = api_schema
        self.limits = limits
        self.cost = cost
        self.rules = rules
        self.validation_rules = validation_rules
        self.hide_suggestions = hide_suggestions
        self.reject_unauthorized = reject_unauthorized
        self.max_errors = max_errors
        self.hits = 0
        self.misses = 0
        self._documents: _Lru[tuple[str, str | None], _Document | _Failure] = _Lru(maxsize)
        self._prepared: _Lru[tuple[str, str | None, Any], PreparedOperation | _Failure] = _Lru(
            maxsize
        )

    @property
    def size(self) -> int:
        return len(self._prepared.data)

    def get(
        self,
        text: str,
        operation_name: str | None,
        *,
        principal: Principal | None = None,
        granted: frozenset[str] = frozenset(),
        variables: Mapping[str, Any] | None = None,
    ) -> PreparedOperation:
        """The operation for this caller; raises ``OperationError`` or ``EdgeError``."""
        doc = self._document(text, operation_name, variables)
        key = (text, operation_name, self.rules.fingerprint(principal, granted))
        entry = self._prepared.get(key)
        if entry is None:
            self.misses += 1
            try:
                entry = self._authorize(doc, principal, granted, operation_name)
            except (OperationError, EdgeError) as err:
                entry = err
            self._prepared.put(key, entry)
        else:
            self.hits += 1
        if isinstance(entry, Exception):
            raise entry
        return entry

    def _document(
        self, text: str, name: str | None, variables: Mapping[str, Any] | None
    ) -> _Document:
        key = (text, name)
        entry = self._documents.get(key)
        if entry is None:
            try:
                entry = self._parse(text, name, variables)
            except (OperationError, EdgeError) as err:
                entry = err
            self._documents.put(key, entry)
        elif variables and self.limits.max_cost is not None and isinstance(entry, _Document):
            # The cost depends on slicing arguments given as variables: measure again.
            check_operation(
                entry.document,
                self.limits,
                operation_name=name,
                schema=self.api_schema,
                cost_model=self.cost,
                variables=variables,
            )
        if isinstance(entry, Exception):
            raise entry
        return entry

    def _parse(self, text: str, name: str | None, variables: Mapping[str, Any] | None) -> _Document:
        check_tokens(text, self.limits)  # before parse: a 1 MB query stops at the limit
        try:
            document = parse(text, max_tokens=self.limits.max_tokens)
        except GraphQLError as err:
            raise OperationParseError([err]) from None
        # Before validate, whose rules are not linear on abusive input.
        check_operation(
            document,
            self.limits,
            operation_name=name,
            schema=self.api_schema,
            cost_model=self.cost,
            variables=variables,
        )
        errors = validate(
            self.api_schema,
            document,
            rules=self.validation_rules,
            hide_suggestions=self.hide_suggestions,
        )
        if errors:
            raise OperationValidationError(errors)
        # Normalizing here picks the operation (unknown/ambiguous operationName errors) once.
        operation = normalize_operation(self.api_schema, document, name)
        return _Document(document, operation.name, operation.kind)

    def _authorize(
        self,
        doc: _Document,
        principal: Principal | None,
        granted: frozenset[str],
        name: str | None,
    ) -> PreparedOperation:
        result = authorize(
            doc.document,
            schema=self.api_schema,
            rules=self.rules,
            principal=principal,
            granted_policies=granted,
            operation_name=name,
            reject_unauthorized=self.reject_unauthorized,
            max_errors=self.max_errors,
        )
        operation = None
        if result.document is not None:
            operation = normalize_operation(self.api_schema, result.document, name)
        return PreparedOperation(operation, doc.name, doc.kind, result.errors, result.nulls)
