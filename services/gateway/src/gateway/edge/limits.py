"""Request-shape limits, checked before validation and planning.

Order of the checks in the pipeline (each is cheap and bounded on abuse input):

1. ``read_body`` / ``check_body_size``: request bytes (``PAYLOAD_TOO_LARGE``, HTTP 413);
2. ``check_batch_size``: operations in one batched request (``BATCH_LIMIT_EXCEEDED``);
3. ``check_tokens``: lexical tokens, counted with graphql-core's lexer and stopped at the
   first token over the limit (``MAX_TOKENS_EXCEEDED``) - run it before ``parse``;
4. ``check_operation`` on the parsed document: depth, aliases, root fields, fields after
   inlining fragments, and estimated cost (``MAX_DEPTH_EXCEEDED``, ``MAX_ALIASES_EXCEEDED``,
   ``MAX_ROOT_FIELDS_EXCEEDED``, ``MAX_FIELDS_EXCEEDED``, ``COST_ESTIMATED_TOO_EXPENSIVE``) -
   run it before ``validate``, whose rules are not linear.

Named fragments are summarised once each, in dependency order (Kahn's algorithm, no
recursion across fragments), so nested spreads cost linear time even when their expansion
is exponential. Fragments on a cycle, or unknown ones, count as empty: validation reports
them. Counts are of the expanded operation: a fragment spread twice counts twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Source,
    TokenKind,
    VariableNode,
    get_named_type,
)
from graphql.language.lexer import Lexer

from gateway.edge.cost import CostModel
from gateway.edge.errors import LimitExceeded

__all__ = [
    "OperationLimits",
    "OperationMeasure",
    "check_batch_size",
    "check_body_size",
    "check_operation",
    "check_tokens",
    "count_tokens",
    "measure_operation",
    "read_body",
]

# Python recursion inside one definition; graphql-core's parser already refuses deeper input.
_MAX_NESTING = 256


@dataclass(frozen=True, slots=True)
class OperationLimits:
    """Configured limits; ``None`` switches a limit off."""

    max_depth: int | None = 15
    max_aliases: int | None = 30
    max_root_fields: int | None = 20
    max_fields: int | None = 5_000  # after inlining fragments: bounds the normalizer's work
    max_tokens: int | None = 15_000
    max_cost: float | None = None
    max_body_bytes: int | None = 1_048_576
    max_batch_size: int | None = 10


@dataclass(frozen=True, slots=True)
class OperationMeasure:
    """What ``measure_operation`` found (expanded through fragments)."""

    depth: int
    aliases: int
    root_fields: int
    fields: int  # field selections once fragments are inlined (what the normalizer builds)
    cost: float
    fragment_cycle: bool  # some fragment is on a spread cycle (validation will refuse it)


# --- bytes, batches, tokens ------------------------------------------------------------


def check_body_size(size: int, limits: OperationLimits) -> None:
    """Refuse a body (or a declared Content-Length) over ``max_body_bytes``."""
    if limits.max_body_bytes is not None and size > limits.max_body_bytes:
        raise LimitExceeded(
            f"Request body is larger than {limits.max_body_bytes} bytes.",
            code="PAYLOAD_TOO_LARGE",
            limit=limits.max_body_bytes,
            status=413,
        )


async def read_body(chunks: AsyncIterable[bytes], limits: OperationLimits) -> bytes:
    """Read a streamed body, stopping at the first chunk past the limit (memory stays bounded)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        size += len(chunk)
        check_body_size(size, limits)
        parts.append(chunk)
    return b"".join(parts)


def check_batch_size(count: int, limits: OperationLimits) -> None:
    """Refuse a batched request with more operations than ``max_batch_size``."""
    if limits.max_batch_size is not None and count > limits.max_batch_size:
        raise LimitExceeded(
            f"Batch of {count} operations exceeds the limit of {limits.max_batch_size}.",
            code="BATCH_LIMIT_EXCEEDED",
            limit=limits.max_batch_size,
            measured=count,
        )


def count_tokens(text: str, *, stop_after: int | None = None) -> int:
    """Lexical tokens in ``text`` (comments excluded), stopping once past ``stop_after``.

    A lexing error ends the count: ``parse`` reports it with its location.
    """
    lexer = Lexer(Source(text))
    count = 0
    try:
        while lexer.advance().kind is not TokenKind.EOF:
            count += 1
            if stop_after is not None and count > stop_after:
                break
    except GraphQLError:
        pass
    return count


def check_tokens(text: str, limits: OperationLimits) -> int:
    """Refuse query text with more than ``max_tokens`` tokens; returns the (bounded) count."""
    count = count_tokens(text, stop_after=limits.max_tokens)
    if limits.max_tokens is not None and count > limits.max_tokens:
        raise LimitExceeded(
            f"Query has more than {limits.max_tokens} tokens.",
            code="MAX_TOKENS_EXCEEDED",
            limit=limits.max_tokens,
        )
    return count


# --- document measures -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Summary:
    depth: int = 0
    aliases: int = 0
    width: int = 0  # fields at this level, through fragments
    fields: int = 0  # field selections at any level: what inlining fragments would produce
    cost: float = 0.0


_EMPTY = _Summary()


def _spreads(selection_set: SelectionSetNode) -> set[str]:
    """Fragment names spread directly inside one definition (iterative walk)."""
    found: set[str] = set()
    stack = [selection_set]
    while stack:
        for sel in stack.pop().selections:
            if isinstance(sel, FragmentSpreadNode):
                found.add(sel.name.value)
            elif sel.selection_set is not None:  # type: ignore[attr-defined]
                stack.append(sel.selection_set)  # type: ignore[attr-defined]
    return found


class _Measurer:
    def __init__(
        self,
        schema: GraphQLSchema | None,
        cost_model: CostModel | None,
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.model = cost_model or CostModel()
        self.variables = variables
        self.fragments: dict[str, _Summary] = {}
        self.leaves: dict[tuple[str, str, bool, bool], _Summary] = {}

    def summarize_fragments(self, definitions: list[FragmentDefinitionNode]) -> bool:
        """Summaries in dependency order; returns whether a cycle was found."""
        by_name = {d.name.value: d for d in definitions}
        deps = {n: _spreads(d.selection_set) & by_name.keys() for n, d in by_name.items()}
        waiting = {n: len(ds) for n, ds in deps.items()}
        dependents: dict[str, list[str]] = {n: [] for n in by_name}
        for n, ds in deps.items():
            for d in ds:
                dependents[d].append(n)
        ready = deque(n for n, k in waiting.items() if k == 0)
        while ready:
            name = ready.popleft()
            frag = by_name[name]
            self.fragments[name] = self.selection_set(
                frag.selection_set, self._type(frag.type_condition.name.value), 1, None, False
            )
            for parent in dependents[name]:
                waiting[parent] -= 1
                if waiting[parent] == 0:
                    ready.append(parent)
        return len(self.fragments) < len(by_name)

    def _type(self, name: str) -> GraphQLNamedType | None:
        return None if self.schema is None else self.schema.get_type(name)

    def selection_set(
        self,
        node: SelectionSetNode,
        parent: GraphQLNamedType | None,
        level: int,
        sized: Mapping[str, int] | None,
        mutation_root: bool,
    ) -> _Summary:
        if level > _MAX_NESTING:
            raise LimitExceeded(
                "Query is nested too deeply.",
                code="MAX_DEPTH_EXCEEDED",
                limit=_MAX_NESTING,
            )
        depth = aliases = width = fields = 0
        cost = 0.0
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                s = self.field(sel, parent, level, sized, mutation_root)
                depth = max(depth, s.depth)
                width += 1
            elif isinstance(sel, InlineFragmentNode):
                cond = sel.type_condition
                inner = self._type(cond.name.value) if cond is not None else parent
                s = self.selection_set(sel.selection_set, inner, level + 1, sized, mutation_root)
                depth = max(depth, s.depth)
                width += s.width
            elif isinstance(sel, FragmentSpreadNode):
                s = self.fragments.get(sel.name.value, _EMPTY)
                depth = max(depth, s.depth)
                width += s.width
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            aliases += s.aliases
            fields += s.fields
            cost += s.cost
        return _Summary(depth, aliases, width, fields, cost)

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        level: int,
        sized: Mapping[str, int] | None,
        mutation_root: bool,
    ) -> _Summary:
        # Fast path: a leaf without arguments measures the same wherever it appears.
        if (
            node.selection_set is None
            and not node.arguments
            and parent is not None
            and not (sized and node.name.value in sized)
        ):
            key = (parent.name, node.name.value, mutation_root, node.alias is not None)
            found = self.leaves.get(key)
            if found is None:
                found = self.leaves[key] = self._field(node, parent, level, sized, mutation_root)
            return found
        return self._field(node, parent, level, sized, mutation_root)

    def _field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType | None,
        level: int,
        sized: Mapping[str, int] | None,
        mutation_root: bool,
    ) -> _Summary:
        name = node.name.value
        alias = 1 if node.alias is not None else 0
        fdef = None
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            fdef = parent.fields.get(name)
        if fdef is None:  # unknown (validation will say so), __typename or introspection
            child = _EMPTY
            if node.selection_set is not None:
                child = self.selection_set(node.selection_set, None, level + 1, None, False)
            return _Summary(1 + child.depth, alias + child.aliases, 1, 1 + child.fields, child.cost)
        assert parent is not None
        model = self.model
        args = self._arguments(node)
        named = get_named_type(fdef.type)
        weight = model.field_weights.get((parent.name, name))
        if weight is None:
            weight = model.type_weights.get(named.name)
        if weight is None:
            composite = isinstance(
                named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            )
            weight = model.mutation_field_weight if mutation_root else (1.0 if composite else 0.0)
        weight += sum(model.arg_weights.get((parent.name, name, a), 0.0) for a in args)
        multiplier = 1
        child_sized: dict[str, int] | None = None
        spec = model.list_sizes.get((parent.name, name))
        if spec is not None and spec.sized_fields:  # e.g. a connection: size its ``edges``
            child_sized = dict.fromkeys(
                spec.sized_fields, model.list_multiplier(parent.name, name, args)
            )
        elif sized is not None and name in sized:
            multiplier = sized[name]
        elif _is_list(fdef.type):
            multiplier = model.list_multiplier(parent.name, name, args)
        child = _EMPTY
        if node.selection_set is not None:
            child = self.selection_set(node.selection_set, named, level + 1, child_sized, False)
        return _Summary(
            1 + child.depth,
            alias + child.aliases,
            1,
            1 + child.fields,
            weight + multiplier * child.cost,
        )

    def _arguments(self, node: FieldNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for a in node.arguments or ():
            v = a.value
            if isinstance(v, IntValueNode):
                out[a.name.value] = int(v.value)
            elif isinstance(v, VariableNode):
                out[a.name.value] = self.variables.get(v.name.value)
            else:
                out[a.name.value] = None
        return out


def _is_list(t: Any) -> bool:
    if isinstance(t, GraphQLNonNull):
        t = t.of_type
    return isinstance(t, GraphQLList)


def measure_operation(
    document: DocumentNode,
    *,
    operation_name: str | None = None,
    schema: GraphQLSchema | None = None,
    cost_model: CostModel | None = None,
    variables: Mapping[str, Any] | None = None,
) -> OperationMeasure:
    """Depth, aliases, root fields and estimated cost of the operation to run.

    With no ``operation_name`` and several operations, the largest value of each measure over
    all operations (the request will be refused later anyway). Without ``schema`` the cost is 0.
    """
    m = _Measurer(schema, cost_model, variables or {})
    fragments = [d for d in document.definitions if isinstance(d, FragmentDefinitionNode)]
    cycle = m.summarize_fragments(fragments)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        named = [o for o in operations if o.name is not None and o.name.value == operation_name]
        operations = named or operations
    depth = aliases = roots = fields = 0
    cost = 0.0
    for op in operations:
        root = schema.get_root_type(op.operation) if schema is not None else None
        s = m.selection_set(op.selection_set, root, 1, None, op.operation is OperationType.MUTATION)
        depth, aliases = max(depth, s.depth), max(aliases, s.aliases)
        roots, cost = max(roots, s.width), max(cost, s.cost)
        fields = max(fields, s.fields)
    return OperationMeasure(
        depth=depth,
        aliases=aliases,
        root_fields=roots,
        fields=fields,
        cost=cost,
        fragment_cycle=cycle,
    )


def check_operation(
    document: DocumentNode,
    limits: OperationLimits,
    *,
    operation_name: str | None = None,
    schema: GraphQLSchema | None = None,
    cost_model: CostModel | None = None,
    variables: Mapping[str, Any] | None = None,
) -> OperationMeasure:
    """Measure and refuse the first limit exceeded (depth, aliases, root fields, fields, cost)."""
    found = measure_operation(
        document,
        operation_name=operation_name,
        schema=schema,
        cost_model=cost_model,
        variables=variables,
    )
    checks: tuple[tuple[int | float | None, int | float, str, str], ...] = (
        (limits.max_depth, found.depth, "MAX_DEPTH_EXCEEDED", "depth"),
        (limits.max_aliases, found.aliases, "MAX_ALIASES_EXCEEDED", "number of aliases"),
        (limits.max_root_fields, found.root_fields, "MAX_ROOT_FIELDS_EXCEEDED", "root fields"),
        (limits.max_fields, found.fields, "MAX_FIELDS_EXCEEDED", "number of fields"),
    )
    for limit, measured, code, what in checks:
        if limit is not None and measured > limit:
            raise LimitExceeded(
                f"Query {what} {measured} exceeds the limit of {limit}.",
                code=code,
                limit=limit,
                measured=measured,
            )
    if limits.max_cost is not None and found.cost > limits.max_cost:
        raise LimitExceeded(
            f"Estimated query cost {found.cost:g} exceeds the limit of {limits.max_cost:g}.",
            code="COST_ESTIMATED_TOO_EXPENSIVE",
            limit=limits.max_cost,
            measured=found.cost,
        )
    return found
