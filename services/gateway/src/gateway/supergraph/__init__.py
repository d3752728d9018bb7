"""The supergraph: model, derived indexes, API schema and extracted subgraph schemas (§1)."""

from gateway.supergraph.errors import SupergraphError, UnsupportedFeature
from gateway.supergraph.extract import extract_subgraph_schema, extract_subgraph_sdl
from gateway.supergraph.load import load_supergraph
from gateway.supergraph.model import (
    FieldInfo,
    FieldInGraph,
    Graph,
    Key,
    Resolver,
    Supergraph,
    TypeInfo,
    TypeInGraph,
    guard_active,
)

__all__ = [
    "FieldInGraph",
    "FieldInfo",
    "Graph",
    "Key",
    "Resolver",
    "Supergraph",
    "SupergraphError",
    "TypeInGraph",
    "TypeInfo",
    "UnsupportedFeature",
    "extract_subgraph_schema",
    "extract_subgraph_sdl",
    "guard_active",
    "load_supergraph",
]
