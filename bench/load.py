"""The load generator: wrk, closed loop, fixed connections, bounded in time, loopback only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.procs import OTHER_CORE, BenchError

__all__ = ["Load", "ensure_wrk", "run_wrk"]

LUA = Path(__file__).with_name("post.lua")


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    bytes: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it with apt-get")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=env)
    found = shutil.which("wrk")
    if not found:
        raise BenchError("wrk could not be installed")
    return found


def run_wrk(
    url: str, body: bytes, *, seconds: float, connections: int = 50, bearer: str = ""
) -> Load:
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"load is for loopback only, not {url}")
    with tempfile.NamedTemporaryFile(suffix=".json") as f:
        f.write(body)
        f.flush()
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "30s"]
        argv += ["--latency", "-s", str(LUA), url]
        if shutil.which("taskset"):
            argv = ["taskset", "-c", str(OTHER_CORE), *argv]
        env = {**os.environ, "BENCH_BODY_FILE": f.name, "BENCH_AUTH": bearer}
        out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout
    line = next((x for x in out.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise BenchError(f"wrk printed no summary:\n{out}")
    raw = json.loads(line[len("BENCH ") :])
    return Load(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        errors=raw["socket_errors"] + raw["non2xx"],
        bytes=raw["bytes"],
    )
