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
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / ".data"
SUPERGRAPH = ROOT / "supergraph" / "supergraph.graphql"


@dataclass(frozen=True)
class Service:
    name: str
    port: int
    database: str | None

    @property
    def prefix(self) -> str:
        return self.name.upper() + "_"

    @property
    def command(self) -> list[str]:
        return [f"{self.name}-service", "serve"] if self.database else ["gateway", "serve"]


SUBGRAPHS = (
    Service("events", 5001, "events"),
    Service("payments", 5002, "payments"),
    Service("delivery", 5003, "delivery"),
)
GATEWAY = Service("gateway", 5000, None)


def _say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def dev_jwt_secret() -> str:
    path = DATA / "dev-jwt-secret"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def _port(service: Service) -> int:
    return int(os.environ.get(f"{service.prefix}PORT", service.port))


def _database_urls() -> dict[str, str]:
    """Each subgraph's database URL: from the environment, or on an embedded server."""
    urls = {
        s.name: os.environ[f"{s.prefix}DATABASE_URL"]
        for s in SUBGRAPHS
        if os.environ.get(f"{s.prefix}DATABASE_URL")
    }
    missing = [s for s in SUBGRAPHS if s.name not in urls]
    if missing:
        from servicekit.pg_embedded import EmbeddedPostgres

        server = EmbeddedPostgres(DATA / "postgres")
        _say("starting embedded PostgreSQL in .data/postgres …")
        server.start()
        _say(f"embedded PostgreSQL on 127.0.0.1:{server.port}")
        for service in missing:
            assert service.database is not None
            urls[service.name] = server.create_database(service.database)
    return urls


def _installed(command: str) -> bool:
    return shutil.which(command) is not None


def _wait_ready(service: Service, proc: subprocess.Popen[bytes], timeout: float = 60) -> bool:
    url = f"http://127.0.0.1:{_port(service)}/readyz"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.25)
    return False


def run_platform() -> int:
    urls = _database_urls()
    secret = dev_jwt_secret()
    base_env = {**os.environ, "ENV": os.environ.get("ENV", "dev")}
    children: list[tuple[Service, subprocess.Popen[bytes]]] = []

    def stop(*_: object) -> None:
        for _service, proc in reversed(children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _service, proc in children:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()

    def on_sigterm(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        for service in SUBGRAPHS:
            if not _installed(service.command[0]):
                _say(f"{service.name}: not installed yet, skipped")
                continue
            env = {
                **base_env,
                f"{service.prefix}DATABASE_URL": urls[service.name],
                f"{service.prefix}JWT_SECRET": os.environ.get(
                    f"{service.prefix}JWT_SECRET", secret
                ),
                f"{service.prefix}PORT": str(_port(service)),
            }
            env.setdefault(
                "DELIVERY_PAYMENTS_URL", f"http://127.0.0.1:{_port(SUBGRAPHS[1])}/graphql"
            )
            env.setdefault("PAYMENTS_EVENTS_URL", f"http://127.0.0.1:{_port(SUBGRAPHS[0])}/graphql")
            env.setdefault("DELIVERY_EVENTS_URL", f"http://127.0.0.1:{_port(SUBGRAPHS[0])}/graphql")
            _say(f"{service.name}: migrating")
            subprocess.run([service.command[0], "migrate"], env=env, check=True)
            proc = subprocess.Popen(service.command, env=env)
            children.append((service, proc))
        for service, proc in children:
            if not _wait_ready(service, proc):
                _say(f"{service.name} did not become ready; stopping")
                return 1
            _say(f"{service.name}: http://localhost:{_port(service)}/graphql")
        if _installed("gateway") and SUPERGRAPH.exists():
            env = {**base_env, "GATEWAY_JWT_SECRET": os.environ.get("GATEWAY_JWT_SECRET", secret)}
            env.setdefault("GATEWAY_PORT", str(_port(GATEWAY)))
            env.setdefault(
                "GATEWAY_SUBGRAPH_URLS",
                json.dumps({s.name: f"http://127.0.0.1:{_port(s)}/graphql" for s in SUBGRAPHS}),
            )
            proc = subprocess.Popen(
                [
                    "gateway",
                    "serve",
                    "--supergraph",
                    str(SUPERGRAPH),
                    "--port",
                    str(_port(GATEWAY)),
                ],
                env=env,
            )
            children.append((GATEWAY, proc))
            if not _wait_ready(GATEWAY, proc):
                _say("gateway did not become ready; stopping")
                return 1
            _say(f"gateway: http://localhost:{_port(GATEWAY)}/graphql  (GraphiQL in a browser)")
        _say("platform is up; Ctrl-C stops it. `make token sub=you@example.com` for a JWT.")
        while all(proc.poll() is None for _s, proc in children):
            time.sleep(0.5)
        failed = [s.name for s, proc in children if proc.poll() not in (None, 0)]
        _say(f"stopped: {', '.join(failed) or 'a service exited'}")
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


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
