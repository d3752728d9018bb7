"""Print the subgraph SDL: ``python -m events.sdl > services/events/schema.graphql``."""

from __future__ import annotations

import sys

from events.config import Settings
from events.schema import build_events_schema
from servicekit.graphql import subgraph_sdl

__all__ = ["main"]


def main() -> None:
    sys.stdout.write(subgraph_sdl(build_events_schema(Settings())))


if __name__ == "__main__":
    main()
