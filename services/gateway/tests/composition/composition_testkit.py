"""Helpers for the composition tests (importable: conftest puts this folder on the path)."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable

from gateway.composition import CompositionFailure, CompositionResult

__all__ = ["ALL_IMPORTS", "Compose", "Composed", "Failed", "block", "fed2", "field_line"]

Compose = Callable[..., CompositionResult]
Composed = Callable[..., str]
Failed = Callable[..., CompositionFailure]

FED2 = '@link(url: "https://specs.apollo.dev/federation/v2.9", import: [{}])'
ALL_IMPORTS = (
    "@key",
    "@shareable",
    "@external",
    "@requires",
    "@provides",
    "@override",
    "@inaccessible",
    "@tag",
    "@interfaceObject",
    "@composeDirective",
    "@authenticated",
    "@requiresScopes",
    "@policy",
    "@cost",
    "@listSize",
)


def fed2(body: str, imports: tuple[str, ...] = ALL_IMPORTS) -> str:
    """A Federation 2 subgraph SDL importing the usual directives."""
    link = FED2.format(", ".join(f'"{i}"' for i in imports))
    return f"extend schema {link}\n" + textwrap.dedent(body)


def block(sdl: str, name: str) -> str:
    """The printed definition of type `name` in a supergraph SDL."""
    match = re.search(
        rf"^(?:\"\"\"[\s\S]*?\"\"\"\n)?(?:type|interface|union|enum|input|scalar) {name}\b[\s\S]*?(?=\n\n|\Z)",
        sdl,
        re.MULTILINE,
    )
    assert match, f"type {name} not in supergraph"
    return match.group(0).strip("\n")


def field_line(sdl: str, type_name: str, field: str) -> str:
    for line in block(sdl, type_name).splitlines():
        if re.match(rf"^  {field}\b", line):
            return line.strip()
    raise AssertionError(f"{type_name}.{field} not in supergraph")
