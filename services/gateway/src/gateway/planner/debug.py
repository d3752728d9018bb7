"""Debug checks: every emitted fetch must validate against its extracted subgraph schema."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import parse, validate

from gateway.plan.nodes import Condition, Fetch, Flatten, Parallel, PlanNode, QueryPlan, Sequence
from gateway.supergraph.extract import extract_subgraph_schema
from gateway.supergraph.model import Supergraph

__all__ = ["fetch_errors", "iter_fetches"]


def iter_fetches(node: PlanNode | QueryPlan | None) -> Iterator[Fetch]:
    """Every Fetch of a plan, in display order."""
    if isinstance(node, QueryPlan):
        node = node.node
    match node:
        case None:
            return
        case Fetch():
            yield node
        case Flatten(node=fetch):
            yield fetch
        case Sequence(nodes=nodes) | Parallel(nodes=nodes):
            for child in nodes:
                yield from iter_fetches(child)
        case Condition(if_clause=then, else_clause=other):
            yield from iter_fetches(then)
            yield from iter_fetches(other)


def fetch_errors(sg: Supergraph, plan: QueryPlan | PlanNode | None) -> list[str]:
    """Validation errors of the plan's fetches against the extracted schemas (empty: valid)."""
    out: list[str] = []
    for fetch in iter_fetches(plan):
        schema = extract_subgraph_schema(sg, fetch.service)
        for err in validate(schema, parse(fetch.operation)):
            out.append(f"{fetch.service} #{fetch.id}: {err.message} in {fetch.operation}")
    return out
