"""Helpers for planner tests: write supergraphs tersely, plan, check and display."""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.operation import prepare_operation
from gateway.plan import QueryPlan, display_plan
from gateway.planner import Planner, fetch_errors, iter_fetches
from gateway.supergraph import Supergraph, load_supergraph

__all__ = [
    "FIXTURES",
    "composed",
    "fetch_operations",
    "fixture",
    "plan",
    "plan_text",
    "planner_for",
    "supergraph",
]

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "supergraphs"

_JOIN_DEFS = """
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, \
type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String) \
repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!) repeatable \
on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, \
resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE \
| UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable \
on SCHEMA
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION \
| SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
"""


def supergraph(graphs: str, body: str, *, join: str = "0.4", mutation: bool = False) -> str:
    """A join-v0.x supergraph SDL: the standard header plus ``body``.

    ``graphs`` is a space-separated list of graph names; each becomes a ``join__Graph`` value
    (upper-cased) with URL ``http://<name>``.
    """
    values = "\n".join(
        f'  {g.upper().replace("-", "_")} @join__graph(name: "{g}", url: "http://{g}")'
        for g in graphs.split()
    )
    roots = "query: Query" + ("\n  mutation: Mutation" if mutation else "")
    return f"""schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v{join}", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
{{
  {roots}
}}
{_JOIN_DEFS}
enum join__Graph {{
{values}
}}
{body}
"""


_FED2_IMPORTS = (
    "@key",
    "@shareable",
    "@external",
    "@requires",
    "@provides",
    "@override",
    "@inaccessible",
    "@interfaceObject",
)


@lru_cache(maxsize=64)
def composed(**subgraphs: str) -> str:
    """The supergraph our composer makes of Federation 2 subgraph SDLs, named by keyword.

    Each body gets the ``@link`` header importing the usual federation directives; graphs
    are called by their keyword (URL ``http://<name>/graphql``). Fails on composition errors.
    """
    imports = ", ".join(f'"{d}"' for d in _FED2_IMPORTS)
    link = f'@link(url: "https://specs.apollo.dev/federation/v2.9", import: [{imports}])'
    header = f"extend schema {link}\n"
    sources = [
        SubgraphSource(name, f"http://{name}/graphql", header + textwrap.dedent(sdl))
        for name, sdl in subgraphs.items()
    ]
    result = compose(sources)
    assert isinstance(result, CompositionSuccess), [str(e) for e in result.errors]
    return result.supergraph_sdl


def fixture(name: str) -> str:
    """A shared supergraph fixture's SDL."""
    return (FIXTURES / name).read_text()


@lru_cache(maxsize=64)
def _load(sdl: str) -> tuple[Supergraph, Planner]:
    sg = load_supergraph(sdl)
    return sg, Planner(sg)


def planner_for(sdl: str) -> Planner:
    """A (shared) planner for ``sdl``."""
    return _load(sdl)[1]


def plan(
    sdl: str,
    query: str,
    *,
    operation_name: str | None = None,
    labels: frozenset[str] | None = None,
) -> QueryPlan:
    """Plan ``query``, asserting that every fetch validates against its subgraph view."""
    sg, planner = _load(sdl)
    op = prepare_operation(sg.api_schema, query, operation_name)
    result = planner.build(op, planner.active_labels(labels))
    errors = fetch_errors(sg, result)
    assert not errors, "\n".join(errors)
    return result


def plan_text(
    sdl: str,
    query: str,
    *,
    operation_name: str | None = None,
    labels: frozenset[str] | None = None,
) -> str:
    """The canonical display of the plan of ``query``."""
    return display_plan(plan(sdl, query, operation_name=operation_name, labels=labels))


def fetch_operations(sdl: str, query: str) -> list[tuple[str, str]]:
    """(service, minified subgraph operation) of every fetch of the plan, in display order."""
    return [(f.service, f.operation) for f in iter_fetches(plan(sdl, query))]
