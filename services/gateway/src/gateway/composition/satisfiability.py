"""Satisfiability: every field of the API schema can be reached through the subgraphs.

We walk the API schema from each root, carrying the set of subgraph positions
(`Node`: a type in a subgraph, plus what a `@provides` made available there)
that can stand at that point of the query. A field is satisfiable from a
position when that subgraph resolves it, or when a chain of `@key` jumps
reaches a subgraph that does (the key's fields must be collectable where we
stand). When no position can resolve a field, the path is reported the way
Apollo does: the failing query, then why each subgraph could not continue.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache

from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)

from .errors import CompositionError
from .fieldset import parse_fieldset
from .merge import Input
from .model import Field, TypeDef
from .supermodel import Supergraph

__all__ = ["check_satisfiability"]

Provided = tuple[tuple[str, "Provided"], ...]
MAX_ERRORS = 20
MAX_STATES = 20_000


@dataclass(frozen=True, slots=True)
class Node:
    type: str
    graph: int
    provided: Provided = ()


def _tree(selection: SelectionSetNode) -> Provided:
    out: dict[str, Provided] = {}
    for node in selection.selections:
        if isinstance(node, FieldNode):
            child = _tree(node.selection_set) if node.selection_set else ()
            out[node.name.value] = _merge(out.get(node.name.value, ()), child)
        elif isinstance(node, InlineFragmentNode):
            for name, child in _tree(node.selection_set):
                out[name] = _merge(out.get(name, ()), child)
    return tuple(sorted(out.items()))


def _merge(a: Provided, b: Provided) -> Provided:
    merged = dict(a)
    for name, child in b:
        merged[name] = _merge(merged.get(name, ()), child)
    return tuple(sorted(merged.items()))


@lru_cache(maxsize=4096)
def _parse(text: str) -> SelectionSetNode | None:
    try:
        return parse_fieldset(text)
    except GraphQLError:
        return None


@dataclass(slots=True)
class _Checker:
    inputs: list[Input]
    supergraph: Supergraph
    schema: GraphQLSchema
    lost: set[tuple[str, str, int]] = field(default_factory=set)  # overridden away
    closures: dict[Node, list[Node]] = field(default_factory=dict)
    candidates: dict[frozenset[Node], list[Node]] = field(default_factory=dict)
    computing: set[Node] = field(default_factory=set)

    @property
    def roots(self) -> set[str]:
        s = self.schema
        return {t.name for t in (s.query_type, s.mutation_type, s.subscription_type) if t}

    def typedef(self, node: Node) -> TypeDef | None:
        return self.inputs[node.graph].subgraph.types.get(node.type)

    def local_field(self, node: Node, name: str) -> tuple[Field, Provided] | None:
        """The field as resolvable at `node` without leaving its subgraph."""
        t = self.typedef(node)
        if t is None or name not in t.fields or (node.type, name, node.graph) in self.lost:
            return None
        f = t.fields[name]
        provided = dict(node.provided)
        if f.external and name not in provided:
            return None
        below = provided.get(name, ())
        if f.provides:
            selection = _parse(f.provides)
            if selection is not None:  # what @provides makes available under this field
                below = _merge(below, _tree(selection))
        return f, below

    def collectable(
        self, node: Node, selection: SelectionSetNode, depth: int, *, local: bool
    ) -> bool:
        """Can `selection` be fetched at `node` (locally, or with key jumps unless `local`)?"""
        if depth > 6:
            return False
        for sel in selection.selections:
            if isinstance(sel, InlineFragmentNode):
                target = sel.type_condition.name.value if sel.type_condition else node.type
                if target == node.type and not self.collectable(
                    node, sel.selection_set, depth + 1, local=local
                ):
                    return False
                continue
            if not isinstance(sel, FieldNode) or sel.name.value == "__typename":
                continue
            candidates = [node] if local else self.closure(node)
            if not any(self.field_ok(c, sel, depth, local=local) for c in candidates):
                return False
        return True

    def field_ok(self, node: Node, sel: FieldNode, depth: int, *, local: bool) -> bool:
        found = self.local_field(node, sel.name.value)
        if found is None:
            return False
        f, provided = found
        if f.requires and not self.requires_ok(node, f.requires, depth + 1):
            return False
        if sel.selection_set is None:
            return True
        return self.collectable(
            Node(f.type.base, node.graph, provided), sel.selection_set, depth + 1, local=local
        )

    def requires_ok(self, node: Node, requires: str, depth: int) -> bool:
        selection = _parse(requires)
        return selection is not None and self.collectable(
            Node(node.type, node.graph), selection, depth, local=False
        )

    def key_jumps(self, node: Node) -> list[Node]:
        here = self.typedef(node)
        if here is None:
            return []
        if node.type in self.roots:  # any subgraph's root type can be re-entered
            return [Node(node.type, n) for n in range(len(self.inputs)) if n != node.graph]
        out: list[Node] = []
        sources = [node.type]
        # An object may jump to a subgraph that only knows its interface as an @interfaceObject.
        sources += self.implemented_by(node.type)
        for index, i in enumerate(self.inputs):
            if index == node.graph:
                continue
            for target in sources:
                t = i.subgraph.types.get(target)
                if t is None or (target != node.type and not t.interface_object):
                    continue
                for key in t.keys:
                    selection = _parse(key.fields)
                    if (
                        key.resolvable
                        and selection is not None
                        and self.collectable(
                            Node(node.type, node.graph, node.provided), selection, 0, local=True
                        )
                    ):
                        out.append(Node(target, index))
                        break
        return out

    def implemented_by(self, name: str) -> list[str]:
        t = self.supergraph.types.get(name)
        return list(t.interfaces) if t else []

    def closure(self, start: Node) -> list[Node]:
        cached = self.closures.get(start)
        if cached is not None:
            return cached
        if start in self.computing:  # a key condition needs this very closure: no jump
            return [start]
        self.computing.add(start)
        seen = {start}
        order = [start]
        queue = deque([start])
        while queue:
            for nxt in self.key_jumps(queue.popleft()):
                if nxt not in seen:
                    seen.add(nxt)
                    order.append(nxt)
                    queue.append(nxt)
        self.computing.discard(start)
        self.closures[start] = order
        return order

    def advance(self, nodes: frozenset[Node], name: str) -> tuple[frozenset[Node], list[str]]:
        """Positions after field `name`, or (empty, why each position failed)."""
        ordered = sorted(nodes, key=lambda n: (n.graph, n.type, n.provided))
        candidates = self.candidates.get(nodes)
        if candidates is None:  # every field of a state starts from the same positions
            candidates = list(dict.fromkeys(c for node in ordered for c in self.closure(node)))
            self.candidates[nodes] = candidates
        out: set[Node] = set()
        for cand in candidates:
            found = self.local_field(cand, name)
            if found is None:
                continue
            f, provided = found
            if f.requires and not self.requires_ok(cand, f.requires, 0):
                continue
            out.add(Node(f.type.base, cand.graph, provided))
        if out:
            return frozenset(out), []
        return frozenset(), [self.explain(node, name) for node in ordered]

    def explain(self, node: Node, name: str) -> str:
        sub = self.inputs[node.graph].subgraph.name
        lines = [f'- from subgraph "{sub}":']
        t = self.typedef(node)
        f = t.fields.get(name) if t else None
        if f is None:
            lines.append(f'  - cannot find field "{node.type}.{name}".')
        elif (node.type, name, node.graph) in self.lost:
            lines.append(f'  - field "{node.type}.{name}" is overridden by another subgraph.')
        elif f.external:
            lines.append(
                f'  - field "{node.type}.{name}" is not resolvable because marked @external.'
            )
        else:
            return (
                f'- from subgraph "{sub}": cannot satisfy @require conditions on field '
                f'"{node.type}.{name}".'
            )

        for index, i in enumerate(self.inputs):
            if index == node.graph:
                continue
            other = i.subgraph.types.get(node.type)
            if other is None or name not in other.fields:
                continue
            move = f'  - cannot move to subgraph "{i.subgraph.name}"'
            if other.keys and any(k.resolvable for k in other.keys):
                lines.extend(
                    f'{move} using @key(fields: "{k.fields}") of "{node.type}", the key field(s) '
                    f'cannot be resolved from subgraph "{sub}".'
                    for k in other.keys
                    if k.resolvable
                )
                continue
            if not other.keys:
                why = f'type "{node.type}" has no @key defined in subgraph "{i.subgraph.name}"'
            else:
                why = (
                    f'none of the @key defined on type "{node.type}" in subgraph '
                    f'"{i.subgraph.name}" are resolvable (they are all declared with their '
                    '"resolvable" argument set to false)'
                )
            lines.append(f'{move}, which has field "{node.type}.{name}", because {why}.')
        return "\n".join(lines)

    def downcast(self, nodes: frozenset[Node], target: str) -> frozenset[Node]:
        out: set[Node] = set()
        for node in nodes:
            t = self.typedef(node)
            if t is None:
                continue
            if t.interface_object:
                for cand in self.closure(node):
                    ct = self.typedef(cand)
                    if ct is not None and not ct.interface_object:
                        out |= self.downcast(frozenset({cand}), target)
                continue
            there = self.inputs[node.graph].subgraph.types.get(target)
            if there is None:
                continue
            if node.type in there.interfaces or target in t.members:
                out.add(Node(target, node.graph))
        return frozenset(out)


def _query_text(path: list[str]) -> str:
    lines = ["{"]
    for depth, step in enumerate(path, start=1):
        lines.append("  " * depth + step + " {")
    lines[-1] = lines[-1][: -len(" {")]
    for depth in range(len(path) - 1, 0, -1):
        lines.append("  " * depth + "}")
    lines.append("}")
    return "\n".join(lines)


def _mark_lost(checker: _Checker, supergraph: Supergraph, inputs: list[Input]) -> None:
    """Fields a subgraph defines but no longer resolves (overridden away)."""
    for t in supergraph.types.values():
        for f in t.fields.values():
            if f.joins is None:
                continue
            joined = {j.graph for j in f.joins if not j.used_overridden}
            for n, i in enumerate(inputs):
                typedef = i.subgraph.types.get(t.name)
                if typedef is not None and f.name in typedef.fields and i.graph not in joined:
                    checker.lost.add((t.name, f.name, n))


State = tuple[str, frozenset[Node], list[str]]  # API type, positions, path from the root


@dataclass(slots=True)
class _Walk:
    checker: _Checker
    schema: GraphQLSchema
    inputs: list[Input]
    errors: list[CompositionError] = field(default_factory=list)
    reported: set[str] = field(default_factory=set)
    queue: deque[State] = field(default_factory=deque)

    def fields(self, type_name: str, nodes: frozenset[Node], path: list[str]) -> None:
        gtype = self.schema.type_map[type_name]
        assert isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType)
        for fname, fdef in gtype.fields.items():
            nxt, reasons = self.checker.advance(nodes, fname)
            step = fname if not fdef.args else f"{fname}(...)"
            if nxt:
                named = get_named_type(fdef.type)
                if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
                    self.queue.append((named.name, nxt, [*path, step]))
                continue
            coord = f"{type_name}.{fname}"
            if coord in self.reported:
                continue
            self.reported.add(coord)
            message = (
                "The following supergraph API query:\n"
                + _query_text([*path, step])
                + "\ncannot be satisfied by the subgraphs because:\n"
                + "\n".join(reasons)
            )
            names = tuple(sorted({self.inputs[n.graph].subgraph.name for n in nodes}))
            self.errors.append(CompositionError("SATISFIABILITY_ERROR", message, names))

    def run(self) -> list[CompositionError]:
        schema = self.schema
        for root in (schema.query_type, schema.mutation_type, schema.subscription_type):
            if root is not None:
                start = frozenset(
                    Node(root.name, n)
                    for n, i in enumerate(self.inputs)
                    if root.name in i.subgraph.types
                )
                self.queue.append((root.name, start, []))
        seen: set[tuple[str, frozenset[Node]]] = set()
        while self.queue and len(seen) < MAX_STATES and len(self.errors) < MAX_ERRORS:
            type_name, nodes, path = self.queue.popleft()
            if (type_name, nodes) in seen:
                continue
            seen.add((type_name, nodes))
            gtype = self.schema.type_map[type_name]
            if isinstance(gtype, GraphQLObjectType | GraphQLInterfaceType):
                self.fields(type_name, nodes, path)
            if isinstance(gtype, GraphQLInterfaceType | GraphQLUnionType):
                for possible in self.schema.get_possible_types(gtype):
                    down = self.checker.downcast(nodes, possible.name)
                    if down:
                        self.queue.append((possible.name, down, [*path, f"... on {possible.name}"]))
        return self.errors


def check_satisfiability(
    supergraph: Supergraph, schema: GraphQLSchema, inputs: list[Input]
) -> list[CompositionError]:
    """Walk the API schema from its roots; one error per field no subgraph path reaches."""
    checker = _Checker(list(inputs), supergraph, schema)
    _mark_lost(checker, supergraph, list(inputs))
    return _Walk(checker, schema, list(inputs)).run()
