"""Benchmark: `createPayment` throughput and latency with idempotency on, over real HTTP.

Starts `payments-service serve` (uvicorn, one worker) on a free loopback port against
PostgreSQL — the server named by ``--database-url`` / ``PAYMENTS_BENCH_DATABASE_URL``,
or an embedded PostgreSQL started for the run — migrates it, then sends a bounded
number of GraphQL requests from ``--concurrency`` concurrent clients and prints
throughput and p50/p95/p99 for three phases:

- ``create``: every request a new idempotency key (a key record + a payment row each);
- ``replay``: the same keys again with the same input (answered from the records);
- ``burst``: groups of ``--concurrency`` simultaneous requests sharing one key.

Run: ``uv run python services/payments/bench/bench_payments.py [--requests 1000]
[--concurrency 20] [--max-seconds 60]`` (each phase stops at whichever comes first).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import psutil

from servicekit.auth import issue_token
from servicekit.pg_embedded import EmbeddedPostgres, free_port

SECRET = "bench-secret-0123456789abcdef0123456789"  # noqa: S105 - a throwaway local server
CREATE = """mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) { id status amount currency createdAt } }"""


@dataclass
class Phase:
    name: str
    seconds: float
    latencies: list[float]
    errors: int
    server_cpu: float = 0.0  # CPU seconds the service process used during the phase

    def line(self) -> str:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

        return (
            f"{self.name:<7} requests={len(ordered):>6}  errors={self.errors:>3}  "
            f"throughput={len(ordered) / self.seconds:8.1f} req/s  "
            f"p50={pct(0.50):7.1f} ms  p95={pct(0.95):7.1f} ms  p99={pct(0.99):7.1f} ms  "
            f"mean={statistics.fmean(ordered) * 1000:7.1f} ms  "
            f"server CPU/request={self.server_cpu / max(1, len(ordered)) * 1000:5.1f} ms"
        )


@contextmanager
def database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    server = EmbeddedPostgres.temporary()
    server.start()
    try:
        yield server.create_database("payments_bench", drop_existing=True)
    finally:
        server.destroy()


@contextmanager
def service(url: str, port: int) -> Iterator[tuple[str, psutil.Process]]:
    env = {
        **os.environ,
        "ENV": "dev",
        "PAYMENTS_DATABASE_URL": url,
        "PAYMENTS_JWT_SECRET": SECRET,
        "PAYMENTS_PORT": str(port),
        "PAYMENTS_LOG_LEVEL": "WARNING",
        "PAYMENTS_DB_POOL_SIZE": "20",
        "PAYMENTS_IDEMPOTENCY_PURGE_INTERVAL_SECONDS": "0",
    }
    for name in ("PAYMENTS_JWT_JWKS_URL", "PAYMENTS_JWT_ISSUER", "PAYMENTS_JWT_AUDIENCE"):
        env.pop(name, None)
    cli = [sys.executable, "-c", "import sys; from payments.cli import main; sys.exit(main())"]
    subprocess.run([*cli, "migrate"], env=env, check=True)
    process = subprocess.Popen([*cli, "serve"], env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded machine imports slowly
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("payments-service did not become ready")
        yield base, psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


async def run_phase(
    name: str,
    *,
    count: int,
    concurrency: int,
    send: Callable[[int], Awaitable[bool]],
    max_seconds: float,
    server: psutil.Process,
) -> Phase:
    """Send ``count`` requests from ``concurrency`` workers; stop early after ``max_seconds``."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)

    deadline = time.monotonic() + max_seconds

    async def worker() -> None:
        nonlocal errors
        while time.monotonic() < deadline:
            try:
                index = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            ok = await send(index)
            latencies.append(time.perf_counter() - started)
            errors += 0 if ok else 1

    cpu_before = sum(server.cpu_times()[:2])
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    cpu = sum(server.cpu_times()[:2]) - cpu_before
    return Phase(name, seconds, latencies, errors, cpu)


async def bench(
    base: str, server: psutil.Process, requests: int, concurrency: int, max_seconds: float
) -> list[Phase]:
    token = issue_token(secret=SECRET, subject="bench@example.com", scopes=["payments:write"])
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, headers={"authorization": f"Bearer {token}"}, limits=limits, timeout=60
    ) as client:
        run_id = uuid.uuid4().hex[:8]

        async def create(key: str, amount: int) -> bool:
            variables = {"input": {"amount": amount, "currency": "EUR"}, "key": key}
            response = await client.post("/graphql", json={"query": CREATE, "variables": variables})
            return response.status_code == 200 and "errors" not in response.json()

        async def phase(name: str, count: int, send: Callable[[int], Awaitable[bool]]) -> Phase:
            return await run_phase(
                name, count=count, concurrency=concurrency, send=send,
                max_seconds=max_seconds, server=server,
            )  # fmt: skip

        await phase("warmup", min(100, requests), lambda i: create(f"{run_id}-warm-{i}", 100 + i))
        created = await phase("create", requests, lambda i: create(f"{run_id}-{i}", 1000 + i))
        # Replays reuse exactly the keys (and inputs) the create phase got through.
        replayed = await phase(
            "replay", len(created.latencies), lambda i: create(f"{run_id}-{i}", 1000 + i)
        )
        burst = await phase(
            "burst", requests, lambda i: create(f"{run_id}-burst-{i // concurrency}", 5000)
        )
    return [created, replayed, burst]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("PAYMENTS_BENCH_DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=1000, help="requests per phase")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time cap per phase")
    args = parser.parse_args()
    with database(args.database_url) as url, service(url, free_port()) as (base, server):
        phases = asyncio.run(bench(base, server, args.requests, args.concurrency, args.max_seconds))
    memory = psutil.virtual_memory().total / 2**30
    print(
        f"payments createPayment benchmark: {args.requests} requests/phase, "
        f"concurrency {args.concurrency}, HTTP to one uvicorn worker, idempotency on\n"
        f"machine: {platform.machine()}, {psutil.cpu_count()} CPUs, {memory:.0f} GiB, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}\n"
        + "\n".join(phase.line() for phase in phases)
    )
    return 1 if any(phase.errors for phase in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
