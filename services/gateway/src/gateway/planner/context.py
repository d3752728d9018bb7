"""Where the walk stands while planning."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.operation.tree import Conditions
from gateway.planner.selection import SelSet
from gateway.planner.steps import Step
from gateway.query_graph.graph import Node

__all__ = ["Ctx"]


@dataclass(frozen=True, slots=True)
class Ctx:
    """Where the walk stands: a step, a selection set in it, a graph node, a response path."""

    step: Step
    sel: SelSet
    node: Node
    path: tuple[str, ...]
    conds: Conditions
