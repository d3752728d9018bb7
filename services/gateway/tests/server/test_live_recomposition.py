"""Live recomposition under load, over real HTTP.

Two subgraphs run on loopback (uvicorn in this process); the real
``gateway serve --subgraph users=... --subgraph reviews=... --poll-interval 0.2`` runs as a
subprocess. Eight clients query it without pause; meanwhile reviews is redeployed with a
new field (``User.stars``). No request may fail or carry an error, and the new field must
become queryable (polled for, with a generous deadline that only guards against a hang).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import uvicorn
from gwharness.evolving import Switch, reviews, users

pytestmark = pytest.mark.slow

CLIENTS = 8
ME = {"query": "{ me { name reviewCount } }"}
EXPECTED = {"data": {"me": {"name": "Ada", "reviewCount": 2}}}
STARS = {"query": "{ me { stars } }"}
GUARD_S = 180.0  # against a hang only; never a performance threshold


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def _served(app: Switch) -> AsyncIterator[str]:
    """``app`` on a loopback port for the duration; yields its /graphql URL."""
    port = _free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "a subgraph server did not start"
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task


async def _until(check: Any, what: str, process: subprocess.Popen[bytes]) -> float:
    """Poll ``check()`` until true; returns the seconds it took (measured, not asserted)."""
    started = time.monotonic()
    while time.monotonic() - started < GUARD_S:
        assert process.poll() is None, f"gateway exited with {process.returncode}"
        if await check():
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {GUARD_S} s")


@dataclass
class Load:
    """Counts of the clients' requests; any answer other than ``EXPECTED`` is a failure."""

    sent: int = 0
    failures: list[str] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def client(self, http: httpx.AsyncClient) -> None:
        while not self.stop.is_set():
            try:
                response = await http.post("/graphql", json=ME)
                body = response.json()
                if response.status_code != 200 or body != EXPECTED:
                    self.failures.append(f"{response.status_code} {body}")
            except httpx.HTTPError as err:
                self.failures.append(repr(err))
            self.sent += 1

    async def reach(self, count: int, process: subprocess.Popen[bytes]) -> None:
        async def reached() -> bool:
            return self.sent >= count

        await _until(reached, f"{count} requests", process)


async def test_a_subgraph_adds_a_field_under_load_without_a_failed_request(
    tmp_path: Path,
) -> None:
    reviews_app = Switch(reviews("v1"))
    log = tmp_path / "gateway.log"  # a file, not a pipe: a full pipe would block the gateway
    async with (
        _served(Switch(users())) as users_url,
        _served(reviews_app) as reviews_url,
    ):
        sink = log.open("wb")
        port = _free_port()
        env = {**os.environ, "GATEWAY_LOG_FORMAT": "json", "ENV": "dev"}
        process = subprocess.Popen(  # noqa: ASYNC220 - started once, never waited on in the loop
            [sys.executable, "-m", "gateway.cli", "serve",
             "--subgraph", f"users={users_url}", "--subgraph", f"reviews={reviews_url}",
             "--poll-interval", "0.2", "--host", "127.0.0.1", "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        try:
            limits = httpx.Limits(max_connections=CLIENTS + 1)
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=30
            ) as http:

                async def ready() -> bool:
                    try:
                        return (await http.get("/readyz")).status_code == 200
                    except httpx.TransportError:
                        return False

                await _until(ready, "readiness", process)
                refused = (await http.post("/graphql", json=STARS)).json()
                assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

                load = Load()
                clients = [asyncio.create_task(load.client(http)) for _ in range(CLIENTS)]
                try:
                    await load.reach(200, process)
                    before_swap = load.sent
                    reviews_app.target = reviews("v2")  # redeployed: its SDL now has `stars`

                    async def stars_answer() -> bool:
                        body = (await http.post("/graphql", json=STARS)).json()
                        return bool(body == {"data": {"me": {"stars": 4.5}}})

                    seconds = await _until(stars_answer, "the new field", process)
                    at_new_field = load.sent
                    await load.reach(at_new_field + 200, process)  # and it keeps serving
                finally:
                    load.stop.set()
                    await asyncio.gather(*clients)
                metrics = (await http.get("/metrics")).text
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            sink.close()
        output = log.read_bytes()

    print(  # noqa: T201 - the numbers the report quotes (visible with -s)
        f"\nlive recomposition: {load.sent} requests by {CLIENTS} clients, "
        f"{len(load.failures)} failed; swap after {before_swap}; new field answered "
        f"{seconds:.2f} s after the redeploy ({at_new_field - before_swap} requests meanwhile)"
    )
    assert load.failures == [], load.failures[:5]
    assert load.sent >= at_new_field + 200
    assert 'gateway_supergraph_reloads_total{outcome="reloaded"} 1.0' in metrics
    assert 'gateway_supergraph_reloads_total{outcome="failed"}' not in metrics
    lines = [orjson.loads(line) for line in output.splitlines() if line.startswith(b"{")]
    reloaded = [line for line in lines if line["msg"] == "supergraph reloaded"]
    assert len(reloaded) == 1
    assert reloaded[0]["graphs"] == ["reviews", "users"]
    assert b"Traceback" not in output
