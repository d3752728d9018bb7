"""The ``gateway`` console script.

``gateway serve --supergraph FILE | --config FILE | --subgraph NAME=URL ... [--poll-interval S]
[--host H] [--port N]`` loads the supergraph (composing it first from a rover config or from
running subgraphs; unreachable subgraphs are retried until ``GATEWAY_STARTUP_DEADLINE_S``),
then runs uvicorn in the foreground (one worker, uvloop when available) and stops cleanly on
SIGTERM. With ``--poll-interval`` the source is polled and a changed supergraph swapped in.
A source that cannot give a first supergraph (composition errors, with their codes) exits 2.
``gateway compose ...`` delegates to ``gateway.composition.cli:run(argv)``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import importlib.util
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from gateway.composition import ConfigError
from gateway.composition.config import parse_subgraph_arg
from gateway.server import create_app
from gateway.settings import Settings
from gateway.sources import SourceError, SupergraphSource, choose_source, load_at_start
from servicekit.cli import SERVER_KEEP_ALIVE_S
from servicekit.logs import configure_logging
from servicekit.settings import ConfigurationError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description="GraphQL federation gateway.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve /graphql in the foreground")
    source = serve.add_mutually_exclusive_group()
    source.add_argument("--supergraph", type=Path, help="supergraph SDL file composed elsewhere")
    source.add_argument("--config", type=Path, help="rover supergraph config, composed at start")
    source.add_argument(
        "--subgraph",
        action="append",
        metavar="NAME=URL",
        help="a running subgraph to compose from (its { _service { sdl } }); repeatable",
    )
    serve.add_argument(
        "--poll-interval",
        type=float,
        metavar="S",
        help="re-read the source every S seconds and swap in a changed supergraph "
        "(default: GATEWAY_POLL_INTERVAL_S or 0, never)",
    )
    serve.add_argument("--host", help="listen address (default: GATEWAY_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (default: GATEWAY_PORT or 5000)")
    commands.add_parser("compose", help="compose subgraph SDLs into a supergraph", add_help=False)
    return parser


def _exit_cleanly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _fail(message: str) -> int:
    print(message, file=sys.stderr)  # noqa: T201 - a CLI's message
    return 2


def _compose(argv: list[str]) -> int:
    try:
        module = importlib.import_module("gateway.composition.cli")
    except ImportError:
        return _fail("error: composition is not available in this build (gateway.composition.cli)")
    result = module.run(argv)
    return int(result or 0)


def _source(args: argparse.Namespace, settings: Settings) -> SupergraphSource:
    """The source the flags give, else the one the GATEWAY_* variables give."""
    if args.supergraph or args.config or args.subgraph:
        return choose_source(
            supergraph=args.supergraph,
            config=args.config,
            subgraphs=[parse_subgraph_arg(item) for item in args.subgraph or ()],
            timeout=settings.sdl_fetch_timeout_s,
        )
    return choose_source(
        supergraph=settings.supergraph_path,
        config=settings.supergraph_config,
        subgraphs=list(settings.subgraphs.items()),
        timeout=settings.sdl_fetch_timeout_s,
    )


def _serve(args: argparse.Namespace) -> int:
    try:
        settings = Settings()
    except ValidationError as err:
        return _fail(f"error: invalid GATEWAY_* settings: {err}")
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    # httpx logs every request at INFO: each SDL poll would add one line per subgraph.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        source = _source(args, settings)
        first = asyncio.run(load_at_start(source, deadline_s=settings.startup_deadline_s))
    except (SourceError, ConfigError) as err:
        return _fail(f"error: {err}")
    interval = settings.poll_interval_s if args.poll_interval is None else args.poll_interval
    if interval < 0:
        return _fail("error: --poll-interval must be >= 0")
    try:
        app = create_app(settings, supergraph=first, source=source, poll_interval_s=interval)
    except ConfigurationError as err:
        return _fail(f"error: {err}")
    # Long-lived startup objects (schemas, supergraph) never need collecting again.
    gc.collect()
    gc.freeze()
    loop = "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"
    # uvicorn captures SIGTERM/SIGINT while serving (in-flight requests finish), then
    # re-raises the signal to the handler in place before it: ours exits with status 0.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=1,
        loop=loop,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=20,
        timeout_keep_alive=SERVER_KEEP_ALIVE_S,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``gateway`` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["compose"]:
        return _compose(args_list[1:])
    args = _parser().parse_args(args_list)
    if args.command == "serve":
        return _serve(args)
    return 2  # unreachable: argparse requires a known command


if __name__ == "__main__":
    sys.exit(main())
