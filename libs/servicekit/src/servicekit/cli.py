"""The command line every service shares: ``<svc>-service serve|migrate|token|outbox``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

import uvicorn
from fastapi import FastAPI
from sqlalchemy import Table

from servicekit.auth import issue_token
from servicekit.logs import configure_logging
from servicekit.migrations import upgrade
from servicekit.outbox_admin import add_outbox_commands, outbox_command
from servicekit.settings import ConfigurationError, DatabaseSettings, ServiceSettings

__all__ = ["SERVER_KEEP_ALIVE_S", "service_main"]

# Idle keep-alive connections are closed by the client side first (the gateway after
# GATEWAY_KEEPALIVE_EXPIRY_S = 30 s, load balancers after 60 s): a server that closes an
# idle connection first races the client's next request on it, which then fails.
SERVER_KEEP_ALIVE_S = 75


def service_main(
    *,
    settings_factory: Callable[[], ServiceSettings],
    app_factory: Callable[[ServiceSettings], FastAPI],
    migrations_package: str | None,
    outbox_table: Table | None = None,
    argv: Sequence[str] | None = None,
) -> int:
    parser = argparse.ArgumentParser(description="Run or administer this service.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve HTTP in the foreground (stops on SIGTERM)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    if migrations_package:
        commands.add_parser("migrate", help="apply database migrations up to head")
    token = commands.add_parser("token", help="print a development JWT (refused when ENV=prod)")
    token.add_argument("--sub", required=True)
    token.add_argument("--scopes", default="")
    token.add_argument("--ttl", type=int, default=3600)
    if outbox_table is not None:
        add_outbox_commands(commands)
    args = parser.parse_args(argv)

    try:
        settings = settings_factory()
        configure_logging(level=settings.log_level, fmt=settings.log_format)
        if args.command == "serve":
            app = app_factory(settings)
            uvicorn.run(
                app,
                host=args.host or settings.host,
                port=args.port or settings.port,
                workers=1,
                log_config=None,
                access_log=False,
                timeout_graceful_shutdown=20,
                timeout_keep_alive=SERVER_KEEP_ALIVE_S,
                loop="auto",
            )
        elif args.command == "migrate":
            assert migrations_package is not None
            if not isinstance(settings, DatabaseSettings) or not settings.database_url:
                raise ConfigurationError(f"{settings.env_name('database_url')} is not set")
            upgrade(migrations_package, settings.database_url)
        elif args.command == "outbox":
            assert outbox_table is not None
            if not isinstance(settings, DatabaseSettings) or not settings.database_url:
                raise ConfigurationError(f"{settings.env_name('database_url')} is not set")
            return outbox_command(settings, outbox_table, args)
        elif args.command == "token":
            if settings.is_prod:
                raise ConfigurationError("development tokens are refused when ENV=prod")
            if settings.jwt_secret is None:
                raise ConfigurationError(f"{settings.env_name('jwt_secret')} is not set")
            print(  # noqa: T201 - the token is the command's output (last line)
                issue_token(
                    secret=settings.jwt_secret.get_secret_value(),
                    subject=args.sub,
                    scopes=args.scopes.replace(",", " ").split(),
                    ttl_seconds=args.ttl,
                    issuer=settings.jwt_issuer,
                    audience=settings.jwt_audience,
                )
            )
    except ConfigurationError as err:
        print(f"error: {err}", file=sys.stderr)  # noqa: T201
        return 2
    return 0
