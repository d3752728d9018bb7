"""Remove unauthorized fields from a validated operation BEFORE planning (Apollo semantics).

``authorize`` returns the filtered document (``None`` when nothing is left to run), one
``UNAUTHORIZED_FIELD_OR_TYPE`` error per removed position, and a ``NullTree`` that puts the
removed fields back as ``null`` into the shaped response (``nulls.restore_nulls``), with
GraphQL null propagation when a removed field is non-null. Paths use response keys, ``"@"`` for list
items and ``"... on T"`` for a removed type condition, as Apollo's router reports them.

Rules at each selection (requirements in ``auth_rules``):

* a field on an object type ``P``: the field's requirement and its return type's;
  on a root type also the root type's own;
* a field on an interface ``I``: additionally the field's requirement and the type
  requirement of every implementation (the data could hold any of them);
* a fragment on an object type narrower than its position: that type's requirement;
* ``__typename`` and root introspection are always allowed;
* a field whose whole selection was removed is removed itself, reported at the field.

Named fragments are filtered once each (memoized; their result depends only on their type
condition), so nested spreads cost linear time. Errors are capped at ``max_errors``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)

from gateway.edge.auth_rules import AuthorizationRules, Requirement
from gateway.edge.errors import UnauthorizedOperation
from gateway.edge.nulls import TYPENAME_ALIAS, NullChild, NullTree
from servicekit.auth import Principal

__all__ = ["UNAUTHORIZED", "AuthorizationResult", "authorize"]

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
PathItem = str


@dataclass(frozen=True, slots=True)
class AuthorizationResult:
    """The operation to plan and what the response must say about removed parts."""

    document: DocumentNode | None  # None: every root field was removed; do not plan
    errors: tuple[dict[str, Any], ...]
    nulls: NullTree
    changed: bool  # False: ``document`` is the input document itself


@dataclass(slots=True)
class _Filtered:
    selection_set: SelectionSetNode | None  # None: nothing left
    tree: NullTree
    errors: list[tuple[PathItem, ...]]


def _error(path: Iterable[PathItem]) -> dict[str, Any]:
    return {
        "message": "Unauthorized field or type",
        "path": list(path),
        "extensions": {"code": UNAUTHORIZED},
    }


def _list_shape(t: GraphQLOutputType) -> tuple[bool, tuple[bool, ...]]:
    """(field is non-null, per list level: items are non-null)."""
    non_null = isinstance(t, GraphQLNonNull)
    inner: Any = t.of_type if isinstance(t, GraphQLNonNull) else t
    items: list[bool] = []
    while isinstance(inner, GraphQLList):
        item = inner.of_type
        items.append(isinstance(item, GraphQLNonNull))
        inner = item.of_type if isinstance(item, GraphQLNonNull) else item
    return non_null, tuple(items)


class _Filter:
    def __init__(
        self,
        *,
        schema: GraphQLSchema,
        rules: AuthorizationRules,
        principal: Principal | None,
        granted: frozenset[str],
        fragments: dict[str, FragmentDefinitionNode],
        max_errors: int,
    ) -> None:
        self.schema = schema
        self.rules = rules
        self.principal = principal
        self.granted = granted
        self.fragments = fragments
        self.max_errors = max_errors
        self.done: dict[str, _Filtered] = {}
        self.in_progress: set[str] = set()
        self.allowed: dict[Requirement, bool] = {}
        self.possible: dict[str, frozenset[str]] = {}
        self.orders: dict[str, tuple[str, ...]] = {}

    def ok(self, req: Requirement) -> bool:
        if not req:
            return True
        found = self.allowed.get(req)
        if found is None:
            found = self.allowed[req] = req.allows(self.principal, self.granted)
        return found

    def possible_types(self, t: GraphQLNamedType) -> frozenset[str]:
        found = self.possible.get(t.name)
        if found is None:
            if isinstance(t, GraphQLInterfaceType | GraphQLUnionType):
                found = frozenset(o.name for o in self.schema.get_possible_types(t))
            else:
                found = frozenset((t.name,))
            self.possible[t.name] = found
        return found

    # --- keys in client order, for re-inserting nulls where the client asked for them ---
    def order(self, node: SelectionSetNode) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for sel in node.selections:
            if isinstance(sel, FieldNode):
                seen[(sel.alias or sel.name).value] = None
            elif isinstance(sel, InlineFragmentNode):
                seen.update(dict.fromkeys(self.order(sel.selection_set)))
            elif isinstance(sel, FragmentSpreadNode):
                seen.update(dict.fromkeys(self.fragment_order(sel.name.value)))
        return tuple(seen)

    def fragment_order(self, name: str) -> tuple[str, ...]:
        found = self.orders.get(name)
        if found is None:
            self.orders[name] = ()  # cycle guard (validation refuses cycles anyway)
            frag = self.fragments.get(name)
            found = self.order(frag.selection_set) if frag is not None else ()
            self.orders[name] = found
        return found

    # --- filtering ------------------------------------------------------------------------
    def fragment(self, name: str) -> _Filtered | None:
        found = self.done.get(name)
        if found is not None or name in self.in_progress:
            return found
        frag = self.fragments.get(name)
        if frag is None:
            return None
        cond = self.schema.get_type(frag.type_condition.name.value)
        if cond is None:
            return None
        self.in_progress.add(name)
        found = self.done[name] = self.selection_set(frag.selection_set, cond, False)
        self.in_progress.discard(name)
        return found

    def field_requirement(
        self, parent: GraphQLNamedType, node: FieldNode, root: bool
    ) -> tuple[GraphQLField | None, Requirement]:
        """The field's definition and everything a caller needs to select it here."""
        name = node.name.value
        rules = self.rules
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return None, _NO
        fdef = parent.fields.get(name)
        if fdef is None:
            return None, _NO
        req = rules.field_requirement(parent.name, name) & rules.type_requirement(
            get_named_type(fdef.type).name
        )
        if root:
            req = req & rules.type_requirement(parent.name)
        if isinstance(parent, GraphQLInterfaceType):
            for obj in sorted(self.possible_types(parent)):
                req = req & rules.field_requirement(obj, name) & rules.type_requirement(obj)
        return fdef, req

    def selection_set(
        self, node: SelectionSetNode, parent: GraphQLNamedType, root: bool
    ) -> _Filtered:
        kept: list[SelectionNode] = []
        tree = NullTree()
        errors: list[tuple[PathItem, ...]] = []
        changed = False
        needs_typename = False
        for sel in node.selections:
            result: SelectionNode | None
            if isinstance(sel, FieldNode):
                result = self.field(sel, parent, root, tree, errors)
            else:
                result, narrow = self.fragment_selection(sel, parent, tree, errors)
                needs_typename = needs_typename or narrow
            if result is None:
                changed = True
            else:
                changed = changed or result is not sel
                kept.append(result)
        if not changed and not errors and not tree:  # a spread of a filtered fragment changes
            return _Filtered(node, tree, errors)
        if tree:
            tree.order = self.order(node)
        if not kept:
            return _Filtered(None, tree, errors)
        if needs_typename:
            direct = [s for s in kept if isinstance(s, FieldNode) and s.name.value == "__typename"]
            if direct:
                tree.typename_key = (direct[0].alias or direct[0].name).value
            else:
                alias = TYPENAME_ALIAS
                taken = set(self.order(node))
                while alias in taken:  # never clash with a client response key
                    alias += "_"
                kept.append(
                    FieldNode(alias=NameNode(value=alias), name=NameNode(value="__typename"))
                )
                tree.typename_key = alias
                tree.drop_typename = True
        return _Filtered(SelectionSetNode(selections=tuple(kept)), tree, errors)

    def field(
        self,
        node: FieldNode,
        parent: GraphQLNamedType,
        root: bool,
        tree: NullTree,
        errors: list[tuple[PathItem, ...]],
    ) -> FieldNode | None:
        if node.name.value == "__typename" or (root and node.name.value in ("__schema", "__type")):
            return node
        fdef, req = self.field_requirement(parent, node, root)
        if fdef is None or (node.selection_set is None and self.ok(req)):
            return node  # unknown fields were refused by validation
        key = (node.alias or node.name).value
        non_null, items = _list_shape(fdef.type)
        inner = None
        if self.ok(req):
            assert node.selection_set is not None
            inner = self.selection_set(node.selection_set, get_named_type(fdef.type), False)
        if inner is None or inner.selection_set is None:
            tree.removed[key] = non_null
            self.note(errors, (key,))
            return None
        if inner.selection_set is node.selection_set:
            return node
        prefix = (key, *("@" for _ in items))
        for e in inner.errors:
            self.note(errors, prefix + e)
        if inner.tree:
            tree.children[key] = NullChild(non_null, items, inner.tree)
        return dataclasses.replace(node, selection_set=inner.selection_set)

    def fragment_selection(
        self,
        node: SelectionNode,
        parent: GraphQLNamedType,
        tree: NullTree,
        errors: list[tuple[PathItem, ...]],
    ) -> tuple[SelectionNode | None, bool]:
        """(the kept fragment or None, whether its removals need the runtime type)."""
        if isinstance(node, InlineFragmentNode):
            cond_node = node.type_condition
            cond = self.schema.get_type(cond_node.name.value) if cond_node else parent
            inner = (
                self.selection_set(node.selection_set, cond, False) if cond is not None else None
            )
        elif isinstance(node, FragmentSpreadNode):
            frag = self.fragments.get(node.name.value)
            cond = self.schema.get_type(frag.type_condition.name.value) if frag else None
            inner = self.fragment(node.name.value)
        else:  # pragma: no cover
            return node, False
        if cond is None or inner is None:
            return node, False
        label = f"... on {cond.name}"
        narrows = not self.possible_types(parent) <= self.possible_types(cond)
        if (
            isinstance(cond, GraphQLObjectType)
            and narrows
            and not self.ok(self.rules.type_requirement(cond.name))
        ):
            self.note(errors, (label,))
            return None, False
        for e in inner.errors:
            self.note(errors, e)
        if inner.tree:
            if narrows:
                tree.typed.append((self.possible_types(cond), inner.tree))
            else:
                tree.includes.append(inner.tree)
        needs = (narrows and bool(inner.tree)) or _needs_runtime(inner.tree)
        if inner.selection_set is None:
            return None, needs
        if isinstance(node, InlineFragmentNode) and inner.selection_set is not node.selection_set:
            return dataclasses.replace(node, selection_set=inner.selection_set), needs
        return node, needs

    def note(self, errors: list[tuple[PathItem, ...]], path: tuple[PathItem, ...]) -> None:
        if len(errors) < self.max_errors:
            errors.append(path)


_NO = Requirement()


def _needs_runtime(tree: NullTree) -> bool:
    """Whether applying ``tree`` needs the object's runtime type from the enclosing level."""
    return (bool(tree.typed) and tree.typename_key is None) or any(
        _needs_runtime(t) for t in tree.includes
    )


def _pick(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    ops = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        ops = [o for o in ops if o.name is not None and o.name.value == operation_name]
    return ops[0] if len(ops) == 1 else None


def _reachable(
    selection_set: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[str]:
    seen: dict[str, None] = {}
    stack = [selection_set]
    while stack:
        for sel in stack.pop().selections:
            if isinstance(sel, FragmentSpreadNode):
                name = sel.name.value
                if name not in seen and name in fragments:
                    seen[name] = None
                    stack.append(fragments[name].selection_set)
            elif getattr(sel, "selection_set", None) is not None:
                stack.append(sel.selection_set)  # type: ignore[attr-defined]
    return list(seen)


def authorize(
    document: DocumentNode,
    *,
    schema: GraphQLSchema,
    rules: AuthorizationRules,
    principal: Principal | None,
    granted_policies: frozenset[str] = frozenset(),
    operation_name: str | None = None,
    reject_unauthorized: bool = False,
    max_errors: int = 100,
) -> AuthorizationResult:
    """Filter the operation ``operation_name`` of a validated document for this caller."""
    op = _pick(document, operation_name)
    if not rules or op is None:  # nothing to enforce, or the normalizer reports the op error
        return AuthorizationResult(document, (), NullTree(), False)
    root = schema.get_root_type(op.operation)
    if root is None:
        return AuthorizationResult(document, (), NullTree(), False)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    f = _Filter(
        schema=schema,
        rules=rules,
        principal=principal,
        granted=granted_policies,
        fragments=fragments,
        max_errors=max_errors,
    )
    result = f.selection_set(op.selection_set, root, True)
    if result.selection_set is op.selection_set:
        return AuthorizationResult(document, (), NullTree(), False)
    errors = tuple(_error(p) for p in result.errors)
    if reject_unauthorized:
        raise UnauthorizedOperation(
            "Unauthorized field or type",
            code=UNAUTHORIZED,
            status=403,
            paths=[e["path"] for e in errors],
        )
    if result.selection_set is None:
        return AuthorizationResult(None, errors, result.tree, True)
    new_op = dataclasses.replace(op, selection_set=result.selection_set)
    filtered = {n: f.done.get(n) for n in fragments}
    new_frags: dict[str, FragmentDefinitionNode] = {}
    for name, frag in fragments.items():
        done = filtered[name]
        if done is None or done.selection_set is None:
            new_frags[name] = frag
        else:
            new_frags[name] = dataclasses.replace(frag, selection_set=done.selection_set)
    used = _reachable(result.selection_set, new_frags)
    out = DocumentNode(definitions=(new_op, *(new_frags[n] for n in used)))
    return AuthorizationResult(out, errors, result.tree, True)
