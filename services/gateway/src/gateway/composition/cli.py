"""`gateway compose`: compose a supergraph from a config file or live subgraphs.

    gateway compose --config supergraph.yaml [--out supergraph.graphql]
    gateway compose --subgraph accounts=http://localhost:8001/graphql --subgraph ... [--out FILE]

Exit codes: 0 composed, 1 composition errors (printed with codes), 2 bad
arguments, config or unreachable subgraph.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .compose import CompositionFailure, compose
from .config import fetch_sdl, load_config, parse_subgraph_arg
from .errors import ConfigError
from .subgraph import SubgraphSource

__all__ = ["run"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gateway compose", description="Compose subgraph schemas into a supergraph SDL."
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", type=Path, help="rover-style supergraph config (YAML)")
    source.add_argument(
        "--subgraph",
        action="append",
        metavar="NAME=URL",
        help="a running subgraph; its SDL is fetched with { _service { sdl } } (repeatable)",
    )
    parser.add_argument("--out", type=Path, help="write the supergraph here instead of stdout")
    return parser


def run(argv: list[str]) -> int:
    """Entry point used by `gateway compose`; returns the process exit code."""
    args_list = argv[1:] if argv[:1] == ["compose"] else argv
    parser = _parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse exits on --help and on bad usage
        return 0 if exc.code == 0 else 2
    try:
        if args.config is not None:
            sources = load_config(args.config)
        else:
            sources = []
            for item in args.subgraph:
                name, url = parse_subgraph_arg(item)
                sources.append(SubgraphSource(name, url, fetch_sdl(url)))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201 - CLI output
        return 2
    result = compose(sources)
    for hint in result.hints:
        print(f"hint: {hint}", file=sys.stderr)  # noqa: T201
    if isinstance(result, CompositionFailure):
        for error in result.errors:
            print(f"error: {error}", file=sys.stderr)  # noqa: T201
        print(f"composition failed with {len(result.errors)} error(s)", file=sys.stderr)  # noqa: T201
        return 1
    if args.out is not None:
        args.out.write_text(result.supergraph_sdl, encoding="utf-8")
    else:
        sys.stdout.write(result.supergraph_sdl)
    return 0
