"""The ``gateway`` console script.

``gateway serve --supergraph FILE [--host H] [--port N]`` runs uvicorn in the
foreground (one worker, uvloop when available) and stops cleanly on SIGTERM.
``gateway compose ...`` delegates to ``gateway.composition.cli:run(argv)``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.util
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from gateway.server import create_app
from gateway.settings import Settings
from gateway.supergraph import SupergraphError, load_supergraph
from servicekit.logs import configure_logging
from servicekit.settings import ConfigurationError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description="GraphQL federation gateway.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve /graphql in the foreground")
    serve.add_argument("--supergraph", type=Path, help="supergraph SDL file")
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


def _serve(args: argparse.Namespace) -> int:

    try:
        settings = Settings()
    except ValidationError as err:
        return _fail(f"error: invalid GATEWAY_* settings: {err}")
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    path = args.supergraph or settings.supergraph_path
    if path is None:
        return _fail("error: give --supergraph FILE or set GATEWAY_SUPERGRAPH_PATH")
    try:
        supergraph = load_supergraph(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        return _fail(f"error: cannot read {path}: {err.strerror}")
    except SupergraphError as err:
        return _fail(f"error: {path} is not a usable supergraph: {err}")
    try:
        app = create_app(settings, supergraph=supergraph)
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
