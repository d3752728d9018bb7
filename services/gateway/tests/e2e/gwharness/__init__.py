"""Test harness for the gateway: in-process federated subgraphs and a gateway wired to them."""

from gwharness.subgraph import EntityResolver, Resolver, Subgraph

__all__ = ["EntityResolver", "Resolver", "Subgraph"]
