"""The normalized operation tree (design §3.4) handed to the planner and to shaping."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from graphql import (
    ArgumentNode,
    DirectiveNode,
    DocumentNode,
    GraphQLField,
    VariableDefinitionNode,
)

__all__ = ["Condition", "Conditions", "Field", "Fragment", "NormalizedOperation", "Selection"]

# (variable name without "$", the value it must have for the element to be included)
Condition: TypeAlias = tuple[str, bool]
Conditions: TypeAlias = frozenset[Condition]


@dataclass(frozen=True, slots=True)
class Field:
    """A field selection after normalization."""

    response_key: str  # alias, or name
    name: str  # field name (``__typename`` included)
    arguments: tuple[ArgumentNode, ...]  # client AST, variables left as references
    directives: tuple[DirectiveNode, ...]  # client directives other than @skip/@include
    conditions: Conditions  # variable @skip/@include left after literal evaluation
    parent_type: str  # API schema name of the type the field is selected on
    field_def: GraphQLField | None = field(compare=False)  # None for __typename
    selections: tuple[Selection, ...]  # empty for leaves
    args_text: str = ""  # canonical printed arguments, e.g. "(id: $id)"; "" without arguments


@dataclass(frozen=True, slots=True)
class Fragment:
    """An inline fragment (named spreads are inlined) kept after normalization."""

    type_condition: str | None  # None: the parent type (kept for its conditions/directives)
    directives: tuple[DirectiveNode, ...]  # directives other than @skip/@include
    conditions: Conditions  # variable @skip/@include
    parent_type: str  # the type of the enclosing selection set
    selections: tuple[Selection, ...]


Selection: TypeAlias = Field | Fragment


@dataclass(frozen=True, slots=True)
class NormalizedOperation:
    """One client operation, parsed, validated and normalized."""

    kind: str  # "query" | "mutation" | "subscription"
    name: str | None  # client operationName of the chosen operation
    root_type: str  # API schema root type name (e.g. "Query")
    variable_definitions: tuple[VariableDefinitionNode, ...]  # verbatim client definitions
    selections: tuple[Selection, ...]  # full tree in client order (introspection included)
    introspection: tuple[Field, ...]  # root __schema/__type fields, answered locally
    introspection_document: DocumentNode | None  # those fields as a standalone query
    canonical: str  # canonical printed form (deterministic)
    hash: str  # sha256 hex of ``canonical``; the plan-cache key is (hash, labels)
    document: DocumentNode = field(compare=False)  # the validated client document

    @property
    def planned_selections(self) -> tuple[Selection, ...]:
        """The root selections the planner fetches (introspection removed)."""
        return tuple(
            s
            for s in self.selections
            if not (isinstance(s, Field) and s.name in ("__schema", "__type"))
        )
