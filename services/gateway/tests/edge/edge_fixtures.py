"""Shared test data for the edge tests (importable: conftest puts this folder on the path)."""

from __future__ import annotations

from pathlib import Path

# A one-graph supergraph linking the authenticated, requiresScopes, policy and cost specs.
SUPERGRAPH_SDL = (Path(__file__).parent / "supergraph.graphql").read_text()
