"""Fixtures for composition tests; puts `composition_testkit` on the path."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gateway.composition import (
    CompositionFailure,
    CompositionResult,
    CompositionSuccess,
    SubgraphSource,
    compose,
)

# Test modules are imported with --import-mode=importlib: helpers live in a uniquely named
# module put on the path here.
_HERE = str(Path(__file__).parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from composition_testkit import Compose, Composed, Failed  # noqa: E402


def _sources(sdls: dict[str, str]) -> list[SubgraphSource]:
    return [SubgraphSource(name, f"http://{name}/graphql", sdl) for name, sdl in sdls.items()]


@pytest.fixture
def run() -> Compose:
    """`run(a=sdl, b=sdl)`: compose subgraphs named by keyword."""

    def go(**sdls: str) -> CompositionResult:
        return compose(_sources(sdls))

    return go


@pytest.fixture
def composed() -> Composed:
    """`composed(a=sdl, ...)`: the supergraph SDL, failing the test on errors."""

    def go(**sdls: str) -> str:
        result = compose(_sources(sdls))
        assert isinstance(result, CompositionSuccess), [str(e) for e in result.errors]
        return result.supergraph_sdl

    return go


@pytest.fixture
def failed() -> Failed:
    """`failed(a=sdl, ...)`: the failure, failing the test if it composed."""

    def go(**sdls: str) -> CompositionFailure:
        result = compose(_sources(sdls))
        assert isinstance(result, CompositionFailure), "expected composition to fail"
        return result

    return go
