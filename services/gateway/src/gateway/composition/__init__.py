"""Composition: subgraph SDLs -> supergraph SDL in Apollo's format (join v0.5).

A stage of its own: it imports nothing from the later gateway stages.

    result = compose([SubgraphSource("accounts", "http://accounts/graphql", sdl), ...])
    if result.ok: result.supergraph_sdl  else: result.errors (code, message, subgraphs, locations)
"""

from .compose import CompositionFailure, CompositionResult, CompositionSuccess, compose
from .errors import (
    CompositionError,
    CompositionException,
    CompositionHint,
    ConfigError,
    FetchError,
    Location,
)
from .subgraph import SubgraphSource

__all__ = [
    "CompositionError",
    "CompositionException",
    "CompositionFailure",
    "CompositionHint",
    "CompositionResult",
    "CompositionSuccess",
    "ConfigError",
    "FetchError",
    "Location",
    "SubgraphSource",
    "compose",
]
