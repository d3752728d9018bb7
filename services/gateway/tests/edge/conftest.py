"""Edge test setup: the shared supergraph fixture; ``edge_fixtures`` made importable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from graphql import GraphQLSchema

from gateway.supergraph import Supergraph, load_supergraph

# --import-mode=importlib: test helpers live in a uniquely named module put on the path here.
_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from edge_fixtures import SUPERGRAPH_SDL  # noqa: E402


@pytest.fixture(scope="session")
def supergraph() -> Supergraph:
    return load_supergraph(SUPERGRAPH_SDL)


@pytest.fixture(scope="session")
def api_schema(supergraph: Supergraph) -> GraphQLSchema:
    return supergraph.api_schema
