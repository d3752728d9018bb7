"""Merging one field (or argument list) across the subgraphs that define it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import CompositionError, CompositionHint, Location
from .merge_values import (
    IsSubtype,
    merge_applied,
    merge_description,
    merge_input_types,
    merge_output_types,
)
from .model import Field, InputValue, TypeDef
from .supermodel import JoinField, SuperField, SuperInputValue
from .validate_subgraph import SubgraphUsage

__all__ = ["FieldSource", "Reporter", "merge_args", "merge_field", "merge_input_value"]

_INT_STRING = re.compile(r'^"-?(0|[1-9][0-9]*)"$')


@dataclass(frozen=True, slots=True)
class FieldSource:
    subgraph: str
    graph: str  # join__Graph value
    parent: TypeDef
    field: Field
    usage: SubgraphUsage


class Reporter:
    """Collects errors and hints while merging."""

    def __init__(self) -> None:
        self.errors: list[CompositionError] = []
        self.hints: list[CompositionHint] = []

    def error(
        self,
        code: str,
        message: str,
        subgraphs: Sequence[str],
        locs: Sequence[Location | None] = (),
    ) -> None:
        self.errors.append(
            CompositionError(code, message, tuple(subgraphs), tuple(x for x in locs if x))
        )

    def hint(self, code: str, message: str, subgraphs: Sequence[str]) -> None:
        self.hints.append(CompositionHint(code, message, tuple(subgraphs)))


def _in(names: Sequence[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return f"subgraph {quoted[0]}"
    return "subgraphs " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


def merge_args(
    coord: str, sources: Sequence[tuple[str, dict[str, InputValue]]], report: Reporter
) -> list[SuperInputValue]:
    """Arguments: intersection; a required argument missing somewhere is an error."""
    order: list[str] = []
    for _, args in sources:
        order.extend(n for n in args if n not in order)
    merged: list[SuperInputValue] = []
    for name in order:
        having = [(sg, args[name]) for sg, args in sources if name in args]
        missing = [sg for sg, args in sources if name not in args]
        if missing:
            required = [
                sg for sg, arg in having if arg.type.kind == "non_null" and arg.default is None
            ]
            if required:
                report.error(
                    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                    f'Argument "{coord}({name}:)" is required in some subgraphs but does not '
                    f"appear in all subgraphs: it is required in {_in(required)} but does not "
                    f"appear in {_in(missing)}",
                    required + missing,
                    [arg.loc for _, arg in having],
                )
            else:
                report.hint(
                    "INCONSISTENT_ARGUMENT_PRESENCE",
                    f'Optional argument "{coord}({name}:)" will not be included in the '
                    "supergraph as it does not appear in all subgraphs: it is defined in "
                    f"{_in([sg for sg, _ in having])} but not in {_in(missing)}",
                    [sg for sg, _ in having] + missing,
                )
            continue
        merged.append(merge_input_value(f"{coord}({name}:)", having, report, argument=True))
    return merged


def merge_input_value(
    coord: str, having: Sequence[tuple[str, InputValue]], report: Reporter, *, argument: bool
) -> SuperInputValue:
    values = [v for _, v in having]
    merged_type = merge_input_types([v.type for v in values])
    names = [sg for sg, _ in having]
    what = "argument" if argument else "input field"
    if merged_type is None:
        report.error(
            "FIELD_ARGUMENT_TYPE_MISMATCH" if argument else "FIELD_TYPE_MISMATCH",
            f'Type of {what} "{coord}" is incompatible across subgraphs: '
            + ", ".join(f'type "{v.type}" in subgraph "{sg}"' for sg, v in having),
            names,
            [v.loc for v in values],
        )
        merged_type = values[0].type
    elif any(str(v.type) != str(merged_type) for v in values):
        report.hint(
            "INCONSISTENT_BUT_COMPATIBLE_ARGUMENT_TYPE"
            if argument
            else "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
            f'Type of {what} "{coord}" is inconsistent but compatible across subgraphs: will use '
            f'type "{merged_type}" in supergraph',
            names,
        )
    defaults = {v.default for v in values}
    default = values[0].default
    if len(defaults - {None}) > 1:
        report.error(
            "FIELD_ARGUMENT_DEFAULT_MISMATCH" if argument else "INPUT_FIELD_DEFAULT_MISMATCH",
            f'{what.capitalize()} "{coord}" has incompatible default values across subgraphs: '
            + ", ".join(
                f'it has default value {v.default} in subgraph "{sg}"'
                for sg, v in having
                if v.default
            ),
            names,
            [v.loc for v in values],
        )
    elif len(defaults) > 1:
        default = None  # like Apollo: a default only some subgraphs declare is dropped
        report.hint(
            "INCONSISTENT_DEFAULT_VALUE_PRESENCE",
            f'{what.capitalize()} "{coord}" has a default value in only some subgraphs: '
            "will not use a default in the supergraph",
            names,
        )
    if default is not None and merged_type.base == "ID" and _INT_STRING.match(default):
        default = default[1:-1]  # graphql-js prints an integer-like ID default as an Int
    description, _ = merge_description([v.description for v in values])
    return SuperInputValue(
        values[0].name,
        merged_type,
        default,
        description,
        merge_applied([v.applied for v in values]),
    )


def merge_field(
    coord: str,
    sources: Sequence[FieldSource],
    *,
    graphs_with_parent: Sequence[str],
    overridden: dict[str, JoinField | None],
    dangling: set[str],
    is_subtype: IsSubtype,
    report: Reporter,
) -> SuperField:
    """Merge one output field.

    `overridden` maps a graph to its replacement join, or to None when dropped.
    """
    fields = [s.field for s in sources]
    merged_type = merge_output_types([f.type for f in fields], is_subtype)
    names = [s.subgraph for s in sources]
    if merged_type is None:
        report.error(
            "FIELD_TYPE_MISMATCH",
            f'Type of field "{coord}" is incompatible across subgraphs: '
            + ", ".join(
                f'it has type "{f.type}" in subgraph "{s.subgraph}"'
                for s, f in zip(sources, fields, strict=True)
            ),
            names,
            [f.loc for f in fields],
        )
        merged_type = fields[0].type
    all_equal = len({str(f.type) for f in fields}) == 1
    if not all_equal:
        report.hint(
            "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
            f'Type of field "{coord}" is inconsistent but compatible across subgraphs: will use '
            f'type "{merged_type}" in supergraph',
            names,
        )
    resolving = [s for s in sources if not s.field.external] or list(sources)
    args = merge_args(coord, [(s.subgraph, s.field.args) for s in resolving], report)
    description, differs = merge_description([f.description for f in fields])
    if differs:
        report.hint(
            "INCONSISTENT_DESCRIPTION",
            f'Element "{coord}" has inconsistent descriptions across subgraphs.',
            names,
        )
    applied = merge_applied([f.applied for f in fields], field=True)
    result = SuperField(fields[0].name, merged_type, args, description, applied)
    by_graph = {s.graph for s in sources}
    needs_join = (
        not all_equal
        or bool(overridden)
        or any(f.external or f.requires or f.provides for f in fields)
        or any(s.field.override and s.subgraph not in dangling for s in sources)
        or any(g not in by_graph for g in graphs_with_parent)
    )
    if needs_join:
        joins: list[JoinField] = []
        for s in sources:
            if s.graph in overridden:
                replacement = overridden[s.graph]
                if replacement is not None:
                    joins.append(replacement)
                continue
            f = s.field
            joins.append(
                JoinField(
                    s.graph,
                    requires=f.requires,
                    provides=f.provides,
                    type=None if all_equal else str(f.type),
                    external=f.external,
                    override=f.override,
                    override_label=f.override_label,
                )
            )
        result.joins = joins
    return result
