"""Start and stop the platform's real processes: the subgraphs and the gateway.

Used by ``make dev`` (fixed ports, kept database) and by the end-to-end, fault
and load-smoke tests (free ports, throw-away databases). Each service runs its
own console script exactly as in a container: ``<svc>-service migrate`` then
``<svc>-service serve``; the gateway runs ``gateway serve --supergraph FILE``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

__all__ = ["GATEWAY", "SUBGRAPHS", "PlatformRunner", "ServiceFailedError", "ServiceSpec"]

ROOT = Path(__file__).resolve().parent.parent
SUPERGRAPH = ROOT / "supergraph" / "supergraph.graphql"


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    default_port: int

    @property
    def prefix(self) -> str:
        return self.name.upper() + "_"

    @property
    def script(self) -> str:
        return "gateway" if self.name == "gateway" else f"{self.name}-service"


SUBGRAPHS = (
    ServiceSpec("events", 5001),
    ServiceSpec("payments", 5002),
    ServiceSpec("delivery", 5003),
)
GATEWAY = ServiceSpec("gateway", 5000)


class ServiceFailedError(RuntimeError):
    """A service exited or did not become ready in time."""


@dataclass
class PlatformRunner:
    database_urls: Mapping[str, str]
    ports: Mapping[str, int]
    jwt_secret: str
    supergraph: Path = SUPERGRAPH
    env: Mapping[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: dict[str, IO[bytes]] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}/graphql"

    def service_env(self, spec: ServiceSpec) -> dict[str, str]:
        env = {**os.environ, "ENV": os.environ.get("ENV", "dev"), **self.env}
        env[f"{spec.prefix}PORT"] = str(self.ports[spec.name])
        env.setdefault(f"{spec.prefix}JWT_SECRET", self.jwt_secret)
        env.setdefault(f"{spec.prefix}LOG_FORMAT", "json")
        if spec.name in self.database_urls:
            env[f"{spec.prefix}DATABASE_URL"] = self.database_urls[spec.name]
        if spec.name == "delivery":
            env.setdefault("DELIVERY_PAYMENTS_URL", self.url("payments"))
        if spec.name in {"payments", "delivery"}:
            env.setdefault(f"{spec.prefix}EVENTS_URL", self.url("events"))
        if spec.name == "gateway":
            env.setdefault(
                "GATEWAY_SUBGRAPH_URLS",
                json.dumps({s.name: self.url(s.name) for s in SUBGRAPHS}),
            )
        return env

    def installed(self, spec: ServiceSpec) -> bool:
        return shutil.which(spec.script) is not None

    def migrate(self, spec: ServiceSpec) -> None:
        subprocess.run([spec.script, "migrate"], env=self.service_env(spec), check=True)

    def start(self, spec: ServiceSpec, *, timeout: float = 60) -> None:
        if spec.name == "gateway":
            command = [spec.script, "serve", "--supergraph", str(self.supergraph),
                       "--port", str(self.ports["gateway"])]  # fmt: skip
        else:
            command = [spec.script, "serve"]
        output: IO[bytes] | None = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = self._logs[spec.name] = (self.log_dir / f"{spec.name}.log").open("ab")
        self.processes[spec.name] = subprocess.Popen(
            command, env=self.service_env(spec), stdout=output, stderr=output
        )
        self.wait_ready(spec, timeout=timeout)

    def wait_ready(self, spec: ServiceSpec, *, timeout: float = 60) -> None:
        proc = self.processes[spec.name]
        url = f"http://127.0.0.1:{self.ports[spec.name]}/readyz"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise ServiceFailedError(f"{spec.name} exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(url, timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise ServiceFailedError(f"{spec.name} was not ready within {timeout:g}s")

    def stop(self, name: str, *, kill: bool = False) -> None:
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log = self._logs.pop(name, None)
        if log is not None:
            log.close()

    def start_all(self, *, migrate: bool = True, gateway: bool = True) -> list[str]:
        """Start what is installed; returns the names started, in order."""
        started = []
        for spec in SUBGRAPHS:
            if not self.installed(spec):
                continue
            if migrate:
                self.migrate(spec)
            self.start(spec)
            started.append(spec.name)
        if gateway and self.installed(GATEWAY) and self.supergraph.exists():
            self.start(GATEWAY)
            started.append("gateway")
        return started

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def alive(self) -> bool:
        return all(proc.poll() is None for proc in self.processes.values())
