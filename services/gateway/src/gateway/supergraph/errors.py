"""Errors of the supergraph stage.

Hierarchy::

    SupergraphError          the SDL is not a supergraph we can serve (refused at load)
    UnsupportedFeature       a recorded feature that planning refuses (e.g. @fromContext)
"""

from __future__ import annotations

__all__ = ["SupergraphError", "UnsupportedFeature"]


class SupergraphError(Exception):
    """The supergraph SDL is malformed, unsupported or inconsistent."""


class UnsupportedFeature(Exception):
    """A supergraph feature we read but refuse to plan (v1 scope)."""
