"""Walking a plan (design §6.1): Sequence in order, Parallel via gather, Condition on
coerced variables, Flatten and Fetch through ``run_fetch``."""

from __future__ import annotations

import asyncio

from gateway.executor.errors import UnknownPlanNodeError
from gateway.executor.fetch import ExecutionState, run_fetch
from gateway.plan import Condition, Fetch, Flatten, Parallel, PlanNode, Sequence

__all__ = ["run_node"]


async def run_node(state: ExecutionState, node: PlanNode) -> None:
    """Run ``node``; subgraph failures become errors in ``state``, never exceptions."""
    match node:
        case Fetch():
            await run_fetch(state, node)
        case Flatten(path=path, node=fetch):
            await run_fetch(state, fetch, path)
        case Sequence(nodes=nodes):
            for child in nodes:
                await run_node(state, child)
        case Parallel(nodes=nodes):
            # gather, not TaskGroup: run_node never raises, so a failing branch
            # cannot cancel its siblings.
            await asyncio.gather(*(run_node(state, child) for child in nodes))
        case Condition(variable=variable, if_clause=if_clause, else_clause=else_clause):
            branch = if_clause if state.coerced.get(variable) else else_clause
            if branch is not None:
                await run_node(state, branch)
        case _:
            raise UnknownPlanNodeError(f"unknown plan node {type(node).__name__}")
