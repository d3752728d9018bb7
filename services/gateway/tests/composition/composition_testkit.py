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
    """The printed definition of type `name` (with its description) in a supergraph SDL."""
    lines = sdl.splitlines()
    header = re.compile(rf"^(type|interface|union|enum|input|scalar) {name}\b")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    assert start is not None, f"type {name} not in supergraph"
    end = start
    while end + 1 < len(lines) and lines[end + 1] and lines[end] != "}":
        end += 1
    if start > 0 and lines[start - 1].endswith('"""'):  # a description right above
        first = start - 1
        while not lines[first].startswith('"""') or (first == start - 1 and lines[first] == '"""'):
            first -= 1
        start = first
    return "\n".join(lines[start : end + 1])


def field_line(sdl: str, type_name: str, field: str) -> str:
    for line in block(sdl, type_name).splitlines():
        if re.match(rf"^  {field}\b", line):
            return line.strip()
    raise AssertionError(f"{type_name}.{field} not in supergraph")
