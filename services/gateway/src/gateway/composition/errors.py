"""Composition errors, hints and the package's exception hierarchy.

Composition never raises for bad subgraphs: problems are values
(`CompositionError`, `CompositionHint`) carried by the result. Exceptions
exist only for the CLI's own inputs::

    CompositionException
     └── ConfigError          bad supergraph config file or --subgraph argument
          └── FetchError      a subgraph's `_service { sdl }` could not be fetched

Codes follow Apollo's composition error and hint codes where one exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "CompositionError",
    "CompositionException",
    "CompositionHint",
    "ConfigError",
    "FetchError",
    "Location",
]


@dataclass(frozen=True, slots=True)
class Location:
    """A position in one subgraph's SDL (1-based line and column)."""

    subgraph: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.subgraph}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class CompositionError:
    """One reason the subgraphs do not compose."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    locations: tuple[Location, ...] = field(default=())

    def __str__(self) -> str:
        where = f" ({', '.join(map(str, self.locations))})" if self.locations else ""
        return f"[{self.code}] {self.message}{where}"


@dataclass(frozen=True, slots=True)
class CompositionHint:
    """A legal but suspicious shape, reported alongside a successful composition."""

    code: str
    message: str
    subgraphs: tuple[str, ...] = ()
    locations: tuple[Location, ...] = field(default=())

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class CompositionException(Exception):
    """Base of every exception raised by `gateway.composition`."""


class ConfigError(CompositionException):
    """The supergraph config or a command-line subgraph is unusable."""


class FetchError(ConfigError):
    """A subgraph's SDL could not be fetched from its URL."""
