"""The query planner (§4): operation + supergraph -> immutable, cached QueryPlan."""

from gateway.planner.debug import fetch_errors, iter_fetches
from gateway.planner.errors import PlanningError, UnsupportedFeature
from gateway.planner.fetches import sanitize_graph_name
from gateway.planner.planner import PlanCache, Planner

__all__ = [
    "PlanCache",
    "Planner",
    "PlanningError",
    "UnsupportedFeature",
    "fetch_errors",
    "iter_fetches",
    "sanitize_graph_name",
]
