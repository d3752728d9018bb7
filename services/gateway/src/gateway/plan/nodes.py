"""Immutable plan nodes (design §5), rewrites (§6.3) and the requires projection (§6.2).

The planner builds these; the executor walks them with a ``match``. Everything is a
frozen, slotted dataclass so a cached plan can be shared by concurrent requests.
Later additions to these classes are additive only (new fields get defaults).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeAlias

if TYPE_CHECKING:
    from gateway.operation.tree import Field, NormalizedOperation

__all__ = [
    "MISSING",
    "Condition",
    "Fetch",
    "Flatten",
    "Parallel",
    "PlanNode",
    "QueryPlan",
    "RenameKey",
    "ReqField",
    "ReqFragment",
    "ReqShape",
    "Rewrite",
    "Sequence",
    "SetValue",
    "project",
]


# --- rewrites (§6.3) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SetValue:
    """Input rewrite: set the value at ``path`` in a representation."""

    path: tuple[str, ...]  # keys; an element "... on T" continues only if __typename matches T
    value: str  # the value written (today always a type name for ``__typename``)


@dataclass(frozen=True, slots=True)
class RenameKey:
    """Output rewrite: rename the last key of ``path`` in an entity result to ``to``."""

    path: tuple[str, ...]  # keys ending with the internal alias; "... on T" filters by type
    to: str  # the key the merge expects (the original response key)


Rewrite: TypeAlias = SetValue | RenameKey


# --- requires projection (§6.2) ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReqField:
    """One field copied from an entity object into its representation."""

    key: str  # key written into the representation (the field name the subgraph expects)
    source: str  # key read from the entity object (a ``_qp<N>_`` alias, or equal to ``key``)
    non_null: bool  # null here makes the representation MISSING (a missing key always does)
    list_depth: int  # list levels around the value (0: a single value)
    item_non_null: bool  # for lists: a null innermost item makes the representation MISSING
    shape: ReqShape | None  # projection applied to composite values; None for leaves


@dataclass(frozen=True, slots=True)
class ReqFragment:
    """Fields applied only when the object's ``__typename`` is in ``possible_types``."""

    type_condition: str  # the type named in ``... on T`` (for display)
    possible_types: frozenset[str]  # concrete object types that match the condition
    fields: tuple[ReqField, ...]  # fields, in requires order (top level: __typename first)


@dataclass(frozen=True, slots=True)
class ReqShape:
    """A projection program: unconditional fields, then type-conditioned fragments.

    At the top of a fetch's ``requires``, ``fields`` is empty and there is one fragment per
    input type, each starting with ``__typename``; an object that matches no fragment
    yields no representation. Nested shapes (composite required fields) may have both.
    """

    fields: tuple[ReqField, ...]  # applied to every object
    fragments: tuple[ReqFragment, ...]  # applied when the object's __typename matches


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


def _project_value(f: ReqField, value: Any, depth: int) -> Any:
    if value is None:
        non_null = f.non_null if depth == 0 else f.item_non_null
        return MISSING if non_null else None
    if depth < f.list_depth:
        return _project_list(f, value, depth)
    if f.shape is None:
        return value
    if not isinstance(value, dict):
        return MISSING
    return _project_object(f.shape, value, top=False)


def _project_list(f: ReqField, value: Any, depth: int) -> Any:
    if not isinstance(value, list):
        return MISSING
    items = []
    for item in value:
        projected = _project_value(f, item, depth + 1)
        if projected is MISSING:
            return MISSING
        items.append(projected)
    return items


def _project_fields(fields: tuple[ReqField, ...], obj: dict[str, Any], out: dict[str, Any]) -> bool:
    for f in fields:
        if f.source not in obj:  # its producer failed or was skipped
            return False
        projected = _project_value(f, obj[f.source], 0)
        if projected is MISSING:
            return False
        out[f.key] = projected
    return True


def _project_object(shape: ReqShape, obj: dict[str, Any], *, top: bool) -> Any:
    out: dict[str, Any] = {}
    if not _project_fields(shape.fields, obj, out):
        return MISSING
    typename = obj.get("__typename")
    matched = False
    for frag in shape.fragments:
        if typename in frag.possible_types:
            matched = True
            if not _project_fields(frag.fields, obj, out):
                return MISSING
    if top and not matched:
        return MISSING
    return out


def project(shape: ReqShape, obj: dict[str, Any]) -> dict[str, Any] | _Missing:
    """Reference semantics of §6.2: the representation of ``obj``, or ``MISSING``.

    Missing fields, nulls at non-null positions and objects that match no top-level
    fragment give ``MISSING``; a nullable requirement that is null is kept as ``None``.
    """
    result: dict[str, Any] | _Missing = _project_object(shape, obj, top=True)
    return result


# --- plan nodes (§5) --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fetch:
    """One subgraph request."""

    service: str  # graph name (join__Graph name:), as used in plans, logs and settings
    operation: str  # minified subgraph operation text sent on the wire
    operation_name: str | None  # "<ClientOp>__<graph>__<id>", or None for anonymous clients
    kind: str  # "query" | "mutation"
    variable_usages: tuple[str, ...]  # client variables this operation uses, sorted by name
    requires: ReqShape | None  # representation projection; None for root fetches
    id: int  # step index, unique within the plan
    input_rewrites: tuple[Rewrite, ...] = ()  # applied to each representation before sending
    output_rewrites: tuple[Rewrite, ...] = ()  # applied to each entity result before merging
    # planner aliases in this operation: (path of response keys ending in the alias, original)
    internal_aliases: tuple[tuple[tuple[str, ...], str], ...] = ()


@dataclass(frozen=True, slots=True)
class Flatten:
    """Run ``node`` for the entities found at ``path`` in the working data."""

    path: tuple[str, ...]  # response keys, with "@" for every list level
    node: Fetch  # the entity (or root re-entry) fetch merged at each position


@dataclass(frozen=True, slots=True)
class Sequence:
    """Children run one after the other."""

    nodes: tuple[PlanNode, ...]  # in execution order


@dataclass(frozen=True, slots=True)
class Parallel:
    """Children run concurrently; none reads what a sibling writes."""

    nodes: tuple[PlanNode, ...]  # in display order (by graph, then path)


@dataclass(frozen=True, slots=True)
class Condition:
    """Branch on a boolean client variable (from ``@skip``/``@include``)."""

    variable: str  # variable name without "$"
    if_clause: PlanNode | None  # runs when the coerced variable is true
    else_clause: PlanNode | None  # runs when it is false


PlanNode: TypeAlias = Fetch | Flatten | Sequence | Parallel | Condition


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """The cached result of planning one normalized operation under one label set."""

    node: PlanNode | None  # None when nothing is fetched (root __typename / introspection only)
    root_kind: str  # "query" | "mutation"
    operation: NormalizedOperation = field(compare=False)  # the client operation, for shaping
    introspection: tuple[Field, ...] = ()  # root __schema/__type fields, answered locally
    shape: object | None = field(default=None, compare=False)  # compiled client shape (§7)
    # executor-owned compiled artifacts (request bodies, merge programs, ...), built lazily
    compiled: dict[str, object] = field(default_factory=dict, compare=False)
