"""Normalize a validated operation into the typed tree (design §3.4).

Steps, in order: inline named spreads; evaluate literal ``@skip``/``@include`` (variable
ones become ``conditions``; an element whose conditions contradict those around it is
dropped too); splice out redundant fragments and drop impossible ones; merge
fields that share a response key and conditions; split root introspection; print
canonically and hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SchemaMetaFieldDef,
    SelectionSetNode,
    TypeMetaFieldDef,
    VariableNode,
    get_named_type,
    print_ast,
)

from gateway.operation.errors import BadRequestError
from gateway.operation.printer import print_selections, to_document
from gateway.operation.tree import Conditions, Field, Fragment, NormalizedOperation, Selection

__all__ = ["normalize_operation", "possible_types", "select_operation"]

_INTROSPECTION = ("__schema", "__type")


def select_operation(doc: DocumentNode, operation_name: str | None) -> OperationDefinitionNode:
    """Pick the operation to run (§3.3); raise ``BadRequestError`` when that is ambiguous."""
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        for op in ops:
            if op.name is not None and op.name.value == operation_name:
                return op
        raise BadRequestError.single(f'Unknown operation named "{operation_name}".')
    if len(ops) == 1:
        return ops[0]
    if not ops:
        raise BadRequestError.single("The document contains no operation.")
    raise BadRequestError.single(
        "Must provide operation name if query contains multiple operations."
    )


def possible_types(schema: GraphQLSchema, type_: GraphQLCompositeType) -> frozenset[str]:
    """Names of the object types an element of ``type_`` can be at run time."""
    if isinstance(type_, GraphQLObjectType):
        return frozenset((type_.name,))
    return frozenset(t.name for t in schema.get_possible_types(type_))


def _eval_directives(
    directives: Iterable[DirectiveNode],
) -> tuple[bool, Conditions, tuple[DirectiveNode, ...]]:
    """(included?, variable conditions, remaining directives) after literal evaluation."""
    conds: set[tuple[str, bool]] = set()
    rest: list[DirectiveNode] = []
    for d in directives:
        name = d.name.value
        if name not in ("skip", "include"):
            rest.append(d)
            continue
        arg = next((a for a in d.arguments or () if a.name.value == "if"), None)
        if arg is None:
            continue
        value = arg.value
        want = name == "include"
        if isinstance(value, BooleanValueNode):
            if value.value != want:
                return False, frozenset(), ()
        elif isinstance(value, VariableNode):
            conds.add((value.name.value, want))
    if any((v, not b) in conds for v, b in conds):
        return False, frozenset(), ()
    return True, frozenset(conds), tuple(rest)


def _contradicts(conditions: Conditions, enclosing: Conditions) -> bool:
    """Whether an element under ``enclosing`` with ``conditions`` can never be included
    (``... @include(if: $v) { f @skip(if: $v) }``): dropped like a literal exclusion."""
    return any((var, not want) in enclosing for var, want in conditions)


def _args_text(args: tuple[ArgumentNode, ...]) -> str:
    if not args:
        return ""
    parts = sorted(f"{a.name.value}: {print_ast(a.value)}" for a in args)
    return "(" + ", ".join(parts) + ")"


def _dir_text(directives: tuple[DirectiveNode, ...]) -> str:
    return " ".join(print_ast(d) for d in directives)


class _Normalizer:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments

    def _field_def(
        self, parent: GraphQLCompositeType, name: str, root: bool
    ) -> GraphQLField | None:
        if name == "__typename":
            return None
        if root and name == "__schema":
            return SchemaMetaFieldDef
        if root and name == "__type":
            return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            found: GraphQLField = parent.fields[name]
            return found
        msg = f"field {name} selected on union {parent.name}"  # validation forbids it
        raise AssertionError(msg)

    def selections(
        self,
        sel_set: SelectionSetNode,
        parent: GraphQLCompositeType,
        *,
        root: bool = False,
        enclosing: Conditions = frozenset(),
    ) -> tuple[Selection, ...]:
        """``enclosing``: the variable conditions of the elements around this selection set
        (an element whose own conditions contradict them is never included)."""
        out: list[Selection] = []
        for node in sel_set.selections:
            if isinstance(node, FieldNode):
                self._field(node, parent, root, out, enclosing)
            elif isinstance(node, InlineFragmentNode | FragmentSpreadNode):
                self._fragment(node, parent, root, out, enclosing)
        return _merge(out)

    def _field(
        self,
        node: FieldNode,
        parent: GraphQLCompositeType,
        root: bool,
        out: list[Selection],
        enclosing: Conditions,
    ) -> None:
        included, conds, rest = _eval_directives(node.directives or ())
        if not included or _contradicts(conds, enclosing):
            return
        name = node.name.value
        field_def = self._field_def(parent, name, root)
        children: tuple[Selection, ...] = ()
        if node.selection_set is not None and field_def is not None:
            child_type = get_named_type(field_def.type)
            assert isinstance(
                child_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
            )
            children = self.selections(node.selection_set, child_type, enclosing=enclosing | conds)
        args = tuple(node.arguments or ())
        out.append(
            Field(
                response_key=node.alias.value if node.alias else name,
                name=name,
                arguments=args,
                directives=rest,
                conditions=conds,
                parent_type=parent.name,
                field_def=field_def,
                selections=children,
                args_text=_args_text(args),
            )
        )

    def _fragment(
        self,
        node: InlineFragmentNode | FragmentSpreadNode,
        parent: GraphQLCompositeType,
        root: bool,
        out: list[Selection],
        enclosing: Conditions,
    ) -> None:
        if isinstance(node, FragmentSpreadNode):
            definition = self.fragments[node.name.value]
            type_name: str | None = definition.type_condition.name.value
            sel_set = definition.selection_set
        else:
            type_name = node.type_condition.name.value if node.type_condition else None
            sel_set = node.selection_set
        included, conds, rest = _eval_directives(node.directives or ())
        if not included or _contradicts(conds, enclosing):
            return
        cond_type = parent
        if type_name is not None:
            named = self.schema.get_type(type_name)
            assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
            cond_type = named
        parent_possible = possible_types(self.schema, parent)
        cond_possible = possible_types(self.schema, cond_type)
        if not parent_possible & cond_possible:
            return  # can never match here
        redundant = cond_type is parent or (
            isinstance(parent, GraphQLObjectType) and parent.name in cond_possible
        )
        children = self.selections(
            sel_set, parent if redundant else cond_type, root=root, enclosing=enclosing | conds
        )
        if redundant and not conds and not rest:
            out.extend(children)
            return
        out.append(
            Fragment(
                type_condition=None if redundant else cond_type.name,
                directives=rest,
                conditions=conds,
                parent_type=parent.name,
                selections=children,
            )
        )


def _merge(items: list[Selection]) -> tuple[Selection, ...]:
    """Merge fields with one response key and one condition set (and equal fragments)."""
    merged: dict[tuple[object, ...], int] = {}
    out: list[Selection] = []
    for item in items:
        if isinstance(item, Field):
            key: tuple[object, ...] = (
                "f",
                item.response_key,
                item.conditions,
                _dir_text(item.directives),
            )
        else:
            key = ("t", item.type_condition, item.conditions, _dir_text(item.directives))
        at = merged.get(key)
        if at is None:
            merged[key] = len(out)
            out.append(item)
            continue
        prev = out[at]
        combined = _merge([*prev.selections, *item.selections])
        if isinstance(prev, Field):
            out[at] = Field(
                response_key=prev.response_key,
                name=prev.name,
                arguments=prev.arguments,
                directives=prev.directives,
                conditions=prev.conditions,
                parent_type=prev.parent_type,
                field_def=prev.field_def,
                selections=combined,
                args_text=prev.args_text,
            )
        else:
            out[at] = Fragment(
                type_condition=prev.type_condition,
                directives=prev.directives,
                conditions=prev.conditions,
                parent_type=prev.parent_type,
                selections=combined,
            )
    return tuple(out)


def normalize_operation(
    schema: GraphQLSchema, doc: DocumentNode, operation_name: str | None = None
) -> NormalizedOperation:
    """Normalize the chosen operation of a document already validated against ``schema``."""
    op = select_operation(doc, operation_name)
    fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
    kind = op.operation.value
    root = schema.get_root_type(op.operation)
    if root is None:  # validation rejects this; keep the error typed anyway
        raise BadRequestError.single(f"The schema does not support {kind} operations.")
    selections = _Normalizer(schema, fragments).selections(op.selection_set, root, root=True)
    introspection = tuple(
        s for s in selections if isinstance(s, Field) and s.name in _INTROSPECTION
    )
    var_defs = tuple(op.variable_definitions or ())
    name = op.name.value if op.name else None
    header = kind + (f" {name}" if name else "")
    if var_defs:
        header += "(" + ", ".join(print_ast(v) for v in var_defs) + ")"
    canonical = header + " " + print_selections(selections)
    intro_doc = to_document("query", None, var_defs, introspection) if introspection else None
    return NormalizedOperation(
        kind=kind,
        name=name,
        root_type=root.name,
        variable_definitions=var_defs,
        selections=selections,
        introspection=introspection,
        introspection_document=intro_doc,
        canonical=canonical,
        hash=hashlib.sha256(canonical.encode()).hexdigest(),
        document=doc,
    )
