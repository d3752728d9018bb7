"""Processes for the benchmark: started pinned to a core, ready when a GraphQL POST answers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

__all__ = ["BenchError", "Proc", "cpu_seconds", "free_port", "post_json", "wait_ready"]

GATEWAY_CORE = 0
OTHER_CORE = 1


class BenchError(RuntimeError):
    """The benchmark could not run (a process died, an answer was wrong)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post_json(url: str, body: bytes, headers: Mapping[str, str] | None = None) -> Any:
    # Loopback http:// URLs that the benchmark built itself.
    request = urllib.request.Request(  # noqa: S310
        url, data=body, headers={"content-type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


def wait_ready(url: str, proc: subprocess.Popen[bytes] | None, timeout: float = 60) -> float:
    """Seconds until ``{ __typename }`` POSTed to ``url`` answers 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if proc is not None and proc.poll() is not None:
            raise BenchError(f"{url}: process exited with {proc.returncode}")
        try:
            post_json(url, b'{"query": "{ __typename }"}')
            return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise BenchError(f"{url} was not ready within {timeout:g}s")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


@dataclass
class Proc:
    """One child process, pinned to ``core`` with taskset when taskset exists."""

    name: str
    argv: Sequence[str]
    core: int
    log_dir: Path
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path | None = None
    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None

    def start(self) -> subprocess.Popen[bytes]:
        argv = list(self.argv)
        if shutil.which("taskset"):
            argv = ["taskset", "-c", str(self.core), *argv]
        self._log = (self.log_dir / f"{self.name}.log").open("ab")
        self.proc = subprocess.Popen(
            argv, env=dict(self.env), cwd=self.cwd, stdout=self._log, stderr=self._log
        )
        return self.proc

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
