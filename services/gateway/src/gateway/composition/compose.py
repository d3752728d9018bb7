"""`compose`: subgraph SDLs in, supergraph SDL (or coded errors) out.

Stages: read each subgraph, check it alone, merge, check the merged schema
(API schema validity, `@inaccessible` rules, satisfiability), print.
Bad input never raises: every problem is a `CompositionError`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from graphql import GraphQLError

from .api import api_schema
from .errors import CompositionError, CompositionHint
from .inaccessible import check_inaccessible
from .merge import Input, graph_enum_names, merge_subgraphs
from .merge_fields import Reporter
from .model import Subgraph
from .printer import print_supergraph
from .satisfiability import check_satisfiability
from .subgraph import SubgraphSource, build_subgraph
from .supermodel import Supergraph
from .validate_subgraph import validate_subgraph
from .validate_types import check_references

FEATURE_ORDER = ("tag", "inaccessible", "authenticated", "requiresScopes", "policy", "cost")

__all__ = ["CompositionFailure", "CompositionResult", "CompositionSuccess", "compose"]


@dataclass(frozen=True, slots=True)
class CompositionSuccess:
    supergraph_sdl: str
    hints: tuple[CompositionHint, ...] = ()
    ok: Literal[True] = field(default=True, init=False)


@dataclass(frozen=True, slots=True)
class CompositionFailure:
    errors: tuple[CompositionError, ...]
    hints: tuple[CompositionHint, ...] = ()
    ok: Literal[False] = field(default=False, init=False)

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


CompositionResult = CompositionSuccess | CompositionFailure


def _fail(
    errors: list[CompositionError], hints: Sequence[CompositionHint] = ()
) -> CompositionFailure:
    return CompositionFailure(tuple(errors), tuple(hints))


def _check_names(subgraphs: Sequence[SubgraphSource]) -> list[CompositionError]:
    errors: list[CompositionError] = []
    if not subgraphs:
        errors.append(CompositionError("NO_SUBGRAPHS", "No subgraphs to compose."))
    names = [s.name for s in subgraphs]
    for name in sorted(set(names)):
        if names.count(name) > 1:
            message = f'A subgraph named "{name}" is given more than once.'
            errors.append(CompositionError("INVALID_SUBGRAPH_NAME", message, (name,)))
        if not name.strip() or name == "_":
            message = f'Invalid subgraph name "{name}".'
            errors.append(CompositionError("INVALID_SUBGRAPH_NAME", message, (name,)))
    return errors


def _read(
    subgraphs: Sequence[SubgraphSource],
) -> tuple[list[Input], list[CompositionError], list[CompositionError]]:
    """Read and check every subgraph alone, in name order.

    Returns the inputs, the errors, and the errors Apollo reports with the merge ones.
    Like Apollo, a subgraph that is not valid GraphQL gets no federation checks.
    """
    errors: list[CompositionError] = []
    late: list[CompositionError] = []
    inputs: list[Input] = []
    enum_names = graph_enum_names(sorted(s.name for s in subgraphs))
    for source in sorted(subgraphs, key=lambda s: s.name):
        subgraph, problems = build_subgraph(source)
        if subgraph is not None:
            problems += check_references(subgraph)
        errors.extend(problems)
        if subgraph is None or any(p.code == "INVALID_GRAPHQL" for p in problems):
            continue
        found, later, usage = validate_subgraph(subgraph)
        errors.extend(found)
        late.extend(later)
        inputs.append(Input(subgraph, usage, enum_names[source.name]))
    return inputs, errors, late


def _features(supergraph: Supergraph, subgraphs: list[Subgraph]) -> None:
    """Linked features in Apollo's order: per subgraph, in `FEATURE_ORDER`."""
    for sub in subgraphs:
        used = sub.applied_names()
        for feature in FEATURE_ORDER:
            wanted = used & {feature, "listSize"} if feature == "cost" else used & {feature}
            if wanted and feature not in supergraph.features:
                supergraph.features.append(feature)


def compose(subgraphs: Sequence[SubgraphSource]) -> CompositionResult:
    """Compose subgraphs into a supergraph; never raises for bad input."""
    errors = _check_names(subgraphs)
    if errors:
        return _fail(errors)
    inputs, errors, late = _read(subgraphs)
    if errors:
        return _fail(errors)
    supergraph, report = merge_subgraphs(inputs)
    report.errors[:0] = late
    _features(supergraph, [i.subgraph for i in inputs])
    _merge_directives(supergraph, [i.subgraph for i in inputs], report)
    if not any(t.fields for n, t in supergraph.types.items() if n == "Query"):
        message = "No queries found in any subgraph: a supergraph must have a query root type."
        report.error("NO_QUERIES", message, [])
    if not report.errors:
        report.errors.extend(check_inaccessible(supergraph))
    if report.errors:
        return _fail(report.errors, report.hints)
    return _finish(supergraph, inputs, report)


def _finish(supergraph: Supergraph, inputs: list[Input], report: Reporter) -> CompositionResult:
    sdl = print_supergraph(supergraph)
    try:
        schema = api_schema(sdl)
    except (GraphQLError, TypeError) as exc:
        error = CompositionError("INVALID_GRAPHQL", f"The merged API schema is invalid: {exc}")
        return _fail([error], report.hints)
    errors = check_satisfiability(supergraph, schema, inputs)
    if errors:
        return _fail(errors, report.hints)
    return CompositionSuccess(sdl, tuple(report.hints))


def _merge_directives(supergraph: Supergraph, subgraphs: list[Subgraph], report: Reporter) -> None:
    for sub in subgraphs:
        for name, (url, definition) in sub.composed.items():
            if url is None:
                report.error(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f'Directive "@{name}" in subgraph "{sub.name}" cannot be composed because it '
                    "is not a member of a core feature",
                    [sub.name],
                )
            elif name in supergraph.composed and supergraph.composed[name][0] != url:
                report.error(
                    "DIRECTIVE_COMPOSITION_ERROR",
                    f'Composed directive "@{name}" is linked from different specs across '
                    "subgraphs.",
                    [sub.name],
                )
            else:
                supergraph.composed.setdefault(name, (url, definition))
    common = set.intersection(*(set(s.executable_directives) for s in subgraphs))
    for name in sorted(common):
        definitions = {s.executable_directives[name] for s in subgraphs}
        supergraph.executable_directives[name] = subgraphs[0].executable_directives[name]
        if len(definitions) > 1:
            report.hint(
                "INCONSISTENT_EXECUTABLE_DIRECTIVE_DEFINITION",
                f'Executable directive "@{name}" is defined differently across subgraphs; the '
                "first definition is used.",
                [s.name for s in subgraphs],
            )
