"""Plan execution: walk, fetch, merge, shape (design §6).

``Executor.execute(plan, variables=..., coerced=...)`` runs a ``QueryPlan``
against the subgraphs through a ``Transport`` and returns the client response.
It never raises because of a subgraph: failures become errors and nulls.
"""

from gateway.executor.errors import ExecutorError, ResponseError, UnknownPlanNodeError
from gateway.executor.execute import ExecutionResult, Executor
from gateway.executor.merge import apply_rewrites, deep_merge

__all__ = [
    "ExecutionResult",
    "Executor",
    "ExecutorError",
    "ResponseError",
    "UnknownPlanNodeError",
    "apply_rewrites",
    "deep_merge",
]
