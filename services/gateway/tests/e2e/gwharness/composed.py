"""Supergraphs composed by our own composer from Federation 2 subgraph SDLs, so a
scenario states its subgraphs once and never hand-writes join directives."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from gateway.composition import SubgraphSource, compose
from gwharness.subgraph import Subgraph

__all__ = ["compose_subgraphs", "fed2"]

_LINK = '@link(url: "https://specs.apollo.dev/federation/v2.11", import: [{}])'


def fed2(body: str, *imports: str) -> str:
    """A Federation 2 subgraph SDL importing ``imports`` (e.g. ``"@key"``)."""
    link = _LINK.format(", ".join(f'"{i}"' for i in imports))
    return f"extend schema {link}\n" + textwrap.dedent(body)


def compose_subgraphs(subgraphs: Iterable[Subgraph]) -> str:
    """The supergraph SDL of ``subgraphs``; a composition error fails loudly."""
    result = compose([SubgraphSource(s.name, s.url, s.sdl) for s in subgraphs])
    if not result.ok:
        problems = "\n".join(f"{e.code}: {e.message}" for e in result.errors)
        raise AssertionError(f"the scenario does not compose:\n{problems}")
    return result.supergraph_sdl
