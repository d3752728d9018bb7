"""Immutable query-plan nodes (design §5) and their canonical text display."""

from gateway.plan.display import display_plan
from gateway.plan.nodes import (
    MISSING,
    Condition,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    RenameKey,
    ReqField,
    ReqFragment,
    ReqShape,
    Rewrite,
    Sequence,
    SetValue,
    project,
)

__all__ = [
    "MISSING",
    "Condition",
    "Fetch",
    "Flatten",
    "Parallel",
    "PlanNode",
    "QueryPlan",
    "RenameKey",
    "ReqField",
    "ReqFragment",
    "ReqShape",
    "Rewrite",
    "Sequence",
    "SetValue",
    "display_plan",
    "project",
]
