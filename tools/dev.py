"""`make dev`: run the whole platform on this machine.

With no ``<SERVICE>_DATABASE_URL`` set, an embedded PostgreSQL is started under
``.data/postgres`` (kept between runs) and the three databases are created and
migrated. Then the subgraphs and the gateway run as child processes; Ctrl-C or
SIGTERM stops them all. A development JWT secret is generated once into
``.data/dev-jwt-secret`` unless ``<SERVICE>_JWT_SECRET`` is set; ``make token``
signs with it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path

from servicekit.pg_embedded import EmbeddedPostgres
from tools.platform_runner import (
    GATEWAY,
    SUBGRAPHS,
    PlatformRunner,
    ServiceFailedError,
    ServiceSpec,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"


def _say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def dev_jwt_secret() -> str:
    path = DATA / "dev-jwt-secret"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _port(service: ServiceSpec) -> int:
    return int(os.environ.get(f"{service.prefix}PORT") or service.default_port)


def _database_urls() -> tuple[dict[str, str], EmbeddedPostgres | None]:
    """Each subgraph's database URL: from the environment, or on an embedded server
    (returned too, so that it stops with the platform)."""
    urls = {
        s.name: os.environ[f"{s.prefix}DATABASE_URL"]
        for s in SUBGRAPHS
        if os.environ.get(f"{s.prefix}DATABASE_URL")
    }
    missing = [s for s in SUBGRAPHS if s.name not in urls]
    server = None
    if missing:
        server = EmbeddedPostgres(DATA / "postgres", durable=True)
        _say("starting embedded PostgreSQL in .data/postgres …")
        server.start()
        _say(f"embedded PostgreSQL on 127.0.0.1:{server.port}")
        for service in missing:
            urls[service.name] = server.create_database(service.name)
    return urls, server


def run_platform() -> int:
    ports = {s.name: _port(s) for s in (*SUBGRAPHS, GATEWAY)}
    urls, server = _database_urls()
    runner = PlatformRunner(database_urls=urls, ports=ports, jwt_secret=dev_jwt_secret())

    def on_sigterm(*_: object) -> None:
        runner.stop_all()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    # A shell starts background jobs with SIGINT ignored, and Python keeps it so: Ctrl-C
    # (or kill -INT) would stop only the services, and dev would report one as failed.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        started = runner.start_all()
        for name in started:
            note = "  (GraphiQL in a browser)" if name == "gateway" else ""
            _say(f"{name}: http://localhost:{ports[name]}/graphql{note}")
        skipped = [s.name for s in SUBGRAPHS if s.name not in started]
        if skipped:
            _say(f"not installed, skipped: {', '.join(skipped)}")
        _say("platform is up; Ctrl-C stops it. `make token sub=you@example.com` for a JWT.")
        while runner.alive():
            time.sleep(0.5)
        _say("a service exited; stopping the platform")
        return 1
    except ServiceFailedError as err:
        _say(str(err))
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        runner.stop_all()
        if server is not None:
            server.stop()
            _say("embedded PostgreSQL stopped (data kept in .data/postgres)")


def print_token(sub: str, scopes: str) -> int:
    from servicekit.auth import issue_token

    if os.environ.get("ENV") == "prod":
        print("error: development tokens are refused when ENV=prod", file=sys.stderr)
        return 2
    secret = os.environ.get("PAYMENTS_JWT_SECRET") or dev_jwt_secret()
    print(issue_token(secret=secret, subject=sub, scopes=scopes.replace(",", " ").split()))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command")
    token = commands.add_parser("token", help="print a development JWT")
    token.add_argument("--sub", required=True)
    token.add_argument("--scopes", default="")
    args = parser.parse_args()
    if args.command == "token":
        return print_token(args.sub, args.scopes)
    return run_platform()


if __name__ == "__main__":
    sys.exit(main())
