"""Errors of the planning stage.

Hierarchy::

    PlanningError            internal: no way to fetch a field (composition should prevent it)
    UnsupportedFeature       (from gateway.supergraph) a feature v1 refuses to plan
"""

from __future__ import annotations

from gateway.supergraph.errors import UnsupportedFeature

__all__ = ["PlanningError", "UnsupportedFeature"]


class PlanningError(Exception):
    """The operation cannot be planned over this supergraph."""
