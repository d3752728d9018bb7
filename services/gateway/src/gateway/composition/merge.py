"""Merge normalized subgraphs into the supergraph model, type by type.

Rules (Apollo's, restated): object and interface fields are unioned, enums
depend on where they are used, input objects intersect, unions union. Each
source is remembered as `@join__*` information.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .merge_fields import FieldSource, Reporter, merge_field, merge_input_value
from .merge_values import merge_applied, merge_description
from .model import Subgraph, TypeDef
from .supermodel import JoinField, JoinType, SuperEnumValue, SuperField, Supergraph, SuperType
from .validate_subgraph import SubgraphUsage

__all__ = ["Input", "graph_enum_names", "merge_subgraphs"]


@dataclass(frozen=True, slots=True)
class Input:
    subgraph: Subgraph
    usage: SubgraphUsage
    graph: str  # join__Graph value


def _sanitize(name: str) -> str:
    out = re.sub(r"\W", "_", name)
    if out[:1].isdigit():
        out = "_" + out
    if re.search(r"_\d+$", out):
        out += "_"
    return out.upper()


def graph_enum_names(names: Sequence[str]) -> dict[str, str]:
    """Subgraph name -> join__Graph value, as Apollo names them (upper snake case)."""
    sanitized = {n: _sanitize(n) for n in names}
    result: dict[str, str] = {}
    for name in names:
        clashes = [n for n in names if sanitized[n] == sanitized[name]]
        value = sanitized[name]
        if len(clashes) > 1:
            value = f"{value}_{clashes.index(name) + 1}"
        result[name] = value
    return result


class _Merger:
    def __init__(self, inputs: Sequence[Input]) -> None:
        self.inputs = list(inputs)
        self.report = Reporter()
        roots: dict[str, str] = {}
        for op in ("query", "mutation", "subscription"):
            if any(op in i.subgraph.roots for i in inputs):
                roots[op] = {
                    "query": "Query",
                    "mutation": "Mutation",
                    "subscription": "Subscription",
                }[op]
        self.result = Supergraph(
            [(i.graph, i.subgraph.name, i.subgraph.url) for i in inputs], roots
        )
        self.implementations: dict[str, set[str]] = {}
        self.dangling: set[tuple[str, str]] = set()  # (coordinate, subgraph): unknown @override
        self.members: dict[str, set[str]] = {}
        for i in inputs:
            for t in i.subgraph.types.values():
                for iface in t.interfaces:
                    self.implementations.setdefault(iface, set()).add(t.name)
                if t.kind == "union":
                    self.members.setdefault(t.name, set()).update(t.members)

    def is_subtype(self, sub: str, sup: str) -> bool:
        if sub in self.members.get(sup, set()):
            return True
        seen: set[str] = set()
        todo = [sup]
        while todo:
            current = todo.pop()
            for impl in self.implementations.get(current, set()):
                if impl == sub:
                    return True
                if impl not in seen:
                    seen.add(impl)
                    todo.append(impl)
        return False

    def sources(self, name: str) -> list[tuple[Input, TypeDef]]:
        return [(i, i.subgraph.types[name]) for i in self.inputs if name in i.subgraph.types]

    def run(self) -> Supergraph:
        names = sorted({n for i in self.inputs for n in i.subgraph.types})
        for name in names:
            sources = self.sources(name)
            kinds = {("interface" if t.interface_object else t.kind) for _, t in sources}
            if len(kinds) > 1:
                self.report.error(
                    "TYPE_KIND_MISMATCH",
                    f'Type "{name}" has mismatched kind: it is defined as '
                    + ", ".join(
                        f'{t.kind} type in subgraph "{i.subgraph.name}"' for i, t in sources
                    ),
                    [i.subgraph.name for i, _ in sources],
                    [t.loc for _, t in sources],
                )
                continue
            kind = kinds.pop()
            if all(t.interface_object for _, t in sources):
                self.report.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Type "{name}" is declared with @interfaceObject in all the subgraphs in '
                    "which it is defined: it should be defined as an interface in at least one.",
                    [i.subgraph.name for i, _ in sources],
                    [t.loc for _, t in sources],
                )
                continue
            merged = self.merge_header(SuperType(kind, name), sources)
            if kind in ("object", "interface"):
                self.merge_composite(merged, sources)
            elif kind == "union":
                self.merge_union(merged, sources)
            elif kind == "enum":
                self.merge_enum(merged, sources)
            elif kind == "input":
                self.merge_input(merged, sources)
            self.result.types[name] = merged
        self.propagate_interface_objects()
        return self.result

    def merge_header(self, merged: SuperType, sources: list[tuple[Input, TypeDef]]) -> SuperType:
        """Description, carried directives and one @join__type per subgraph (and key)."""
        description, differs = merge_description([t.description for _, t in sources])
        merged.description = description
        if differs:
            self.report.hint(
                "INCONSISTENT_DESCRIPTION",
                f'Element "{merged.name}" has inconsistent descriptions across subgraphs.',
                [i.subgraph.name for i, _ in sources],
            )
        merged.applied = merge_applied([t.applied for _, t in sources])
        entity_in = [i.subgraph.name for i, t in sources if t.keys]
        if merged.kind == "object" and entity_in and len(entity_in) < len(sources):
            self.report.hint(
                "INCONSISTENT_ENTITY",
                f'Entity type "{merged.name}" is defined with a @key in {_in(entity_in)} but as a '
                "value type elsewhere.",
                [i.subgraph.name for i, _ in sources],
            )
        for i, t in sources:
            if t.keys:
                for key in t.keys:
                    merged.join_types.append(
                        JoinType(
                            i.graph, key.fields, t.extension, key.resolvable, t.interface_object
                        )
                    )
            else:
                merged.join_types.append(
                    JoinType(i.graph, None, t.extension, True, t.interface_object)
                )
        return merged

    def merge_union(self, merged: SuperType, sources: list[tuple[Input, TypeDef]]) -> None:
        for _, t in sources:
            merged.members.extend(m for m in t.members if m not in merged.members)
        # Apollo lists members first, then the graphs that have each.
        merged.union_members = [
            (i.graph, m) for m in merged.members for i, t in sources if m in t.members
        ]
        self.hint_partial(
            "INCONSISTENT_UNION_MEMBER",
            f'Union "{merged.name}"',
            "member",
            merged.members,
            [(i, set(t.members)) for i, t in sources],
        )

    def merge_composite(self, merged: SuperType, sources: list[tuple[Input, TypeDef]]) -> None:
        for i, t in sources:
            for iface in t.interfaces:
                merged.implements.append((i.graph, iface))
                if iface not in merged.interfaces:
                    merged.interfaces.append(iface)
        order: list[str] = []
        for _, t in sources:
            order.extend(f for f in t.fields if f not in order)
        graphs = [i.graph for i, _ in sources]
        for fname in order:
            fsources = [
                FieldSource(i.subgraph.name, i.graph, t, t.fields[fname], i.usage)
                for i, t in sources
                if fname in t.fields
            ]
            coord = f"{merged.name}.{fname}"
            overridden = self.overrides(coord, fsources)
            field_ = merge_field(
                coord,
                fsources,
                graphs_with_parent=graphs,
                overridden=overridden,
                dangling={sg for c, sg in self.dangling if c == coord},
                is_subtype=self.is_subtype,
                report=self.report,
            )
            merged.fields[fname] = field_
            if all(s.field.external for s in fsources) and not any(
                s.parent.interface_object for s in fsources
            ):
                self.report.error(
                    "EXTERNAL_MISSING_ON_BASE",
                    f'Field "{coord}" is marked @external on all the subgraphs in which it is '
                    f"listed ({_in([s.subgraph for s in fsources])}).",
                    [s.subgraph for s in fsources],
                    [s.field.loc for s in fsources],
                )
            elif merged.kind == "object":
                self.check_sharing(coord, fsources, overridden)

    def overrides(self, coord: str, fsources: list[FieldSource]) -> dict[str, JoinField | None]:
        """Graphs whose copy of the field is overridden -> their new join (None = dropped)."""
        result: dict[str, JoinField | None] = {}
        by_name = {s.subgraph: s for s in fsources}
        names = {i.subgraph.name for i in self.inputs}
        all_equal = len({str(s.field.type) for s in fsources}) == 1
        for s in fsources:
            origin = s.field.override
            if origin is None or origin == s.subgraph:  # from itself: reported by validation
                continue
            if origin not in names:
                # An unknown source overrides nothing: kept for the record, never a reason
                # for a join by itself (like Apollo).
                s.field.override_label = None
                self.dangling.add((coord, s.subgraph))
                self.report.hint(
                    "FROM_SUBGRAPH_DOES_NOT_EXIST",
                    f'Source subgraph "{origin}" for field "{coord}" on subgraph "{s.subgraph}" '
                    "does not exist.",
                    [s.subgraph],
                )
                continue
            target = by_name.get(origin)
            if target is None:
                s.field.override_label = None  # nothing to migrate progressively
                self.report.hint(
                    "OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                    f'Field "{coord}" on subgraph "{s.subgraph}" no longer exists in the from '
                    "subgraph. The @override directive can be removed.",
                    [s.subgraph],
                )
                continue
            if target.field.override is not None:
                self.report.error(
                    "OVERRIDE_SOURCE_HAS_OVERRIDE",
                    f'Field "{coord}" on subgraph "{s.subgraph}" is also marked with directive '
                    f'@override in subgraph "{origin}". Only one @override directive is allowed '
                    "per field.",
                    [s.subgraph, origin],
                    [s.field.loc, target.field.loc],
                )
                continue
            type_ = None if all_equal else str(target.field.type)
            if s.field.override_label is not None:
                result[target.graph] = JoinField(
                    target.graph,
                    type=type_,
                    override_label=s.field.override_label,
                    external=target.field.external,
                )
                self.report.hint(
                    "OVERRIDE_MIGRATION_IN_PROGRESS",
                    f'Field "{coord}" is currently being migrated with progressive @override. '
                    f'Once the migration is complete, remove the field from subgraph "{origin}".',
                    [origin],
                )
            elif (target.parent.name, target.field.name) in target.usage.used:
                result[target.graph] = JoinField(target.graph, type=type_, used_overridden=True)
            else:
                result[target.graph] = None
                self.report.hint(
                    "OVERRIDDEN_FIELD_CAN_BE_REMOVED",
                    f'Field "{coord}" on subgraph "{origin}" is overridden. Consider removing it.',
                    [origin],
                )
        return result

    def hint_partial(
        self,
        code: str,
        what: str,
        element: str,
        names: list[str],
        having: list[tuple[Input, set[str]]],
    ) -> None:
        """A hint per member/value that only some of the subgraphs define."""
        for name in names:
            lacking = [i.subgraph.name for i, present in having if name not in present]
            if lacking:
                self.report.hint(
                    code,
                    f'{what}: {element} "{name}" is not defined in {_in(lacking)}.',
                    [i.subgraph.name for i, _ in having],
                )

    def check_sharing(
        self, coord: str, fsources: list[FieldSource], overridden: dict[str, JoinField | None]
    ) -> None:
        resolving = [
            s
            for s in fsources
            if s.graph not in overridden
            and (not s.field.external or (s.parent.name, s.field.name) in s.usage.provided)
        ]
        if len(resolving) < 2:
            return
        unshared = [
            s.subgraph
            for s in resolving
            if not (
                s.field.shareable
                or s.field.external
                or s.parent.shareable
                or (s.parent.name, s.field.name) in s.usage.key_fields
            )
        ]
        if unshared:
            where = "in all of them" if len(unshared) == len(resolving) else f"in {_in(unshared)}"
            self.report.error(
                "INVALID_FIELD_SHARING",
                f'Non-shareable field "{coord}" is resolved from multiple subgraphs: it is '
                f"resolved from {_in([s.subgraph for s in resolving])} and defined as "
                f"non-shareable {where}",
                [s.subgraph for s in resolving],
                [s.field.loc for s in resolving],
            )

    def enum_usage(self, name: str) -> tuple[bool, bool]:
        as_output = as_input = False
        for i in self.inputs:
            for t in i.subgraph.types.values():
                for f in t.fields.values():
                    as_output |= f.type.base == name
                    as_input |= any(a.type.base == name for a in f.args.values())
                as_input |= any(v.type.base == name for v in t.input_fields.values())
        return as_output, as_input

    def merge_enum(self, merged: SuperType, sources: list[tuple[Input, TypeDef]]) -> None:
        as_output, as_input = self.enum_usage(merged.name)
        names = [i.subgraph.name for i, _ in sources]
        order: list[str] = []
        for _, t in sources:
            order.extend(v for v in t.values if v not in order)
        everywhere = [v for v in order if all(v in t.values for _, t in sources)]
        if as_input and as_output and everywhere != order:
            for value in order:
                if value not in everywhere:
                    lacking = [i.subgraph.name for i, t in sources if value not in t.values]
                    self.report.error(
                        "ENUM_VALUE_MISMATCH",
                        f'Enum type "{merged.name}" is used as both input type and output type, '
                        f'but value "{value}" is not defined in all the subgraphs defining '
                        f'"{merged.name}": "{value}" is not defined in {_in(lacking)}',
                        names,
                        [t.loc for _, t in sources],
                    )
        keep = everywhere if as_input and not as_output else order
        if not as_input and not as_output:
            self.report.hint(
                "UNUSED_ENUM_TYPE",
                f'Enum type "{merged.name}" is defined but unused. It will be included in the '
                'supergraph with all the values appearing in any subgraph ("as if" it was only '
                "used as an output type).",
                names,
            )
        elif keep == order and everywhere != order:
            self.hint_partial(
                "INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM",
                f'Enum "{merged.name}"',
                "value",
                order,
                [(i, set(t.values)) for i, t in sources],
            )
        elif keep != order:
            self.report.hint(
                "INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM",
                f'Values of enum "{merged.name}" (only used as input type) differ across '
                "subgraphs; values not in every subgraph are removed from the supergraph.",
                names,
            )
        if not keep:
            self.report.error(
                "EMPTY_MERGED_ENUM_TYPE",
                f'None of the values of enum type "{merged.name}" are defined consistently in '
                "all the subgraphs defining that type.",
                names,
            )
        for value in keep:
            having = [(i, t.values[value]) for i, t in sources if value in t.values]
            description, _ = merge_description([v.description for _, v in having])
            merged.values[value] = SuperEnumValue(
                value,
                [i.graph for i, _ in having],
                description,
                merge_applied([v.applied for _, v in having]),
            )

    def merge_input(self, merged: SuperType, sources: list[tuple[Input, TypeDef]]) -> None:
        order: list[str] = []
        for _, t in sources:
            order.extend(f for f in t.input_fields if f not in order)
        for fname in order:
            having = [
                (i.subgraph.name, t.input_fields[fname])
                for i, t in sources
                if fname in t.input_fields
            ]
            missing = [i.subgraph.name for i, t in sources if fname not in t.input_fields]
            coord = f"{merged.name}.{fname}"
            if missing:
                required = [
                    sg for sg, v in having if v.type.kind == "non_null" and v.default is None
                ]
                if required:
                    self.report.error(
                        "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                        f'Input object field "{coord}" is required in some subgraphs but does '
                        f"not appear in all subgraphs: it is required in {_in(required)} but "
                        f"does not appear in {_in(missing)}",
                        required + missing,
                        [v.loc for _, v in having],
                    )
                else:
                    self.report.hint(
                        "INCONSISTENT_INPUT_OBJECT_FIELD",
                        f'Input object field "{coord}" will not be added to the supergraph as it '
                        "does not appear in all subgraphs: it is defined in "
                        f"{_in([sg for sg, _ in having])} but not in {_in(missing)}",
                        [sg for sg, _ in having] + missing,
                    )
                continue
            value = merge_input_value(coord, having, self.report, argument=False)
            if len({str(v.type) for _, v in having}) > 1:
                graph_of = {i.subgraph.name: i.graph for i, _ in sources}
                value.joins = [JoinField(graph_of[sg], type=str(v.type)) for sg, v in having]
            merged.input_fields[fname] = value
        if not merged.input_fields:
            self.report.error(
                "EMPTY_MERGED_INPUT_TYPE",
                f'None of the fields of input object type "{merged.name}" are consistently '
                "defined in all the subgraphs defining that type. As only fields common to all "
                "subgraphs are merged, this would result in an empty type.",
                [i.subgraph.name for i, _ in sources],
            )

    def propagate_interface_objects(self) -> None:
        """Fields an @interfaceObject adds to an interface reach every implementation."""
        for iface in self.result.types.values():
            io_graphs = {j.graph for j in iface.join_types if j.interface_object}
            if iface.kind != "interface" or not io_graphs:
                continue
            for impl in self.result.types.values():
                if iface.name not in impl.interfaces:
                    continue
                for fname, ifield in iface.fields.items():
                    if fname in impl.fields or ifield.joins is None:
                        continue
                    if not any(j.graph in io_graphs for j in ifield.joins):
                        continue
                    impl.fields[fname] = SuperField(
                        fname,
                        ifield.type,
                        list(ifield.args),
                        ifield.description,
                        list(ifield.applied),
                        [JoinField(None)],
                        inherited=True,
                    )


def _in(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"subgraph {quoted[0]}"
    return "subgraphs " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def merge_subgraphs(inputs: Sequence[Input]) -> tuple[Supergraph, Reporter]:
    merger = _Merger(inputs)
    return merger.run(), merger.report
