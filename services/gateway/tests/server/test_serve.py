"""``gateway serve`` as a real process: it serves on loopback, logs JSON lines, and
exits 0 on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import orjson
import pytest
from gwharness.shop import SHOP_SUPERGRAPH

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # a guard against hanging, not a performance check
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gateway exited early with {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("gateway did not become healthy")


def test_serve_answers_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(SHOP_SUPERGRAPH)
    port = _free_port()
    env = {**os.environ, "GATEWAY_LOG_FORMAT": "json", "ENV": "dev"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--supergraph", str(supergraph),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_healthy(f"{base}/healthz", process)
        assert httpx.get(f"{base}/readyz").status_code == 200
        answer = httpx.post(f"{base}/graphql", json={"query": "{ __typename }"})
        assert answer.status_code == 200
        assert answer.json() == {"data": {"__typename": "Query"}}
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0
    lines = [orjson.loads(line) for line in output.splitlines() if line.startswith(b"{")]
    messages = [line["msg"] for line in lines]
    assert "supergraph loaded" in messages
    assert any(line.get("status") == 200 and line["msg"] == "request" for line in lines)
    assert b"Traceback" not in output
