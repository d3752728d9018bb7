"""Benchmark of the events subgraph on a large event log.

    uv run python services/events/bench/bench_events.py [--rows 1000000] [--database-url URL]

Seeds ``--rows`` events with ``INSERT ... SELECT generate_series`` (secondary indexes are
built after the load, as a bulk import would), starts ``events-service serve`` (uvicorn, one
worker) on a loopback port, and measures over HTTP, plus the same SQL alone (the repository
call, no GraphQL/HTTP) to separate database time from service overhead:

- p50/p95 of the ``text`` search (a rare substring and a common word) and of
  ``eventsByParameters`` (email + environment + date; component + text), with the indexes
  and again after dropping them;
- ``saveEvent`` throughput with ``--concurrency`` clients for ``--save-seconds``.

Without ``--database-url`` (or ``EVENTS_BENCH_DATABASE_URL``) it starts an embedded
PostgreSQL in a temporary folder and deletes it afterwards. With a URL, the database named
in it is DROPPED and recreated.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import math
import os
import platform
import random
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from events.config import Settings
from events.repository import EventFilters, list_events
from events.validation import parse_legacy_date
from servicekit.database import create_engine, create_sessionmaker
from servicekit.migrations import upgrade_with_engine
from servicekit.pg_embedded import EmbeddedPostgres, free_port
from servicekit.testing import fresh_database, server_url_of

__all__ = ["main"]

SECONDARY_INDEXES = {
    "ix_events_created_at_id": "(created_at DESC, id DESC)",
    "ix_events_email_created_at_id": "(email, created_at DESC, id DESC)",
    "ix_events_environment_component_created_at_id": (
        "(environment, component, created_at DESC, id DESC)"
    ),
    "ix_events_component_created_at_id": "(component, created_at DESC, id DESC)",
    "ix_events_message_trgm": "USING gin (message gin_trgm_ops)",
}
# Must match SEED: 10 000 users, one event every 25 s from 2026-01-01 (1M rows ~ 290 days).
USERS = 10_000
STEP_SECONDS = 25

SEED = """
INSERT INTO events (email, environment, component, message, data, created_at)
SELECT 'user' || (i % 10000) || '@example.com',
       (ARRAY['prod', 'staging', 'dev'])[1 + i % 3],
       (ARRAY['api', 'billing', 'auth', 'worker', 'web', 'search', 'mailer', 'scheduler'])
           [1 + ((i * 2654435761) % 4294967296) / 536870912],
       (ARRAY['user logged in', 'payment captured', 'request timeout', 'cache miss',
              'job finished', 'email sent'])[1 + (i * 7) % 6] || ' ref ' || md5(i::text),
       jsonb_build_object('i', i, 'even', i % 2 = 0),
       timestamptz '2026-01-01 00:00:00+00' + make_interval(secs => i * 25)
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS i
"""

TEXT_QUERY = """query($text: String!) {
  events(filter: {text: $text}, first: 50) { id message createdAt } }"""
BY_PARAMETERS = """query($email: String, $environment: String, $component: String,
                       $text: String, $date: String) {
  eventsByParameters(email: $email, environment: $environment, component: $component,
                     text: $text, date: $date) { id email message createdAt } }"""
SAVE_EVENT = """mutation($email: String, $message: String, $data: JSONString) {
  saveEvent(email: $email, environment: "bench", component: "bench", message: $message,
            data: $data) { event { id createdAt } } }"""


@dataclass
class Sample:
    name: str
    seconds: list[float]

    def percentile(self, p: float) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def row(self) -> str:
        return (
            f"| {self.name} | {len(self.seconds)} | {self.percentile(50) * 1000:.1f} | "
            f"{self.percentile(95) * 1000:.1f} |"
        )


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> str:
    model = "unknown"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        model = next(
            (line.split(":", 1)[1].strip() for line in lscpu.splitlines()
             if line.startswith("Model name")),
            model,
        )  # fmt: skip
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs (nproc), {model}, {platform.system()} {platform.release()}"


async def seed(engine: AsyncEngine, rows: int) -> float:
    started = time.perf_counter()
    async with engine.begin() as conn:
        for name in SECONDARY_INDEXES:
            await conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
    chunk = 250_000
    for first in range(1, rows + 1, chunk):
        last = min(rows, first + chunk - 1)
        async with engine.begin() as conn:
            await conn.execute(text(SEED), {"first": first, "last": last})
        log(f"  seeded {last:,} rows")
    return time.perf_counter() - started


async def create_indexes(engine: AsyncEngine) -> dict[str, float]:
    timings: dict[str, float] = {}
    for name, definition in SECONDARY_INDEXES.items():
        started = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
            await conn.execute(text(f"CREATE INDEX {name} ON events {definition}"))
        timings[name] = time.perf_counter() - started
        log(f"  built {name} in {timings[name]:.1f}s")
    async with engine.begin() as conn:
        await conn.execute(text("ANALYZE events"))
    return timings


async def drop_indexes(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        for name in SECONDARY_INDEXES:
            await conn.execute(text(f"DROP INDEX {name}"))
        await conn.execute(text("ANALYZE events"))


def _filters(variables: dict[str, Any]) -> EventFilters:
    return EventFilters(
        email=variables.get("email"),
        environment=variables.get("environment"),
        component=variables.get("component"),
        text=variables.get("text"),
        since=parse_legacy_date(variables.get("date")),
    )


class Runner:
    def __init__(
        self,
        http: httpx.AsyncClient,
        sessions: async_sessionmaker[AsyncSession],
        rows: int,
        rng: random.Random,
    ) -> None:
        self.http = http
        self.sessions = sessions
        self.rows = rows
        self.rng = rng

    async def post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        body: dict[str, Any] = response.json()
        if body.get("errors"):
            raise RuntimeError(f"benchmark query failed: {body['errors']}")
        return body

    async def sql(self, variables: dict[str, Any]) -> None:
        async with self.sessions() as session:
            await list_events(session, filters=_filters(variables), limit=50)

    def rare_text(self) -> dict[str, Any]:
        i = self.rng.randint(1, self.rows)
        digest = hashlib.md5(str(i).encode()).hexdigest()  # noqa: S324 - matches the seed
        offset = self.rng.randint(0, 22)
        return {"text": digest[offset : offset + 10]}

    def common_text(self) -> dict[str, Any]:
        return {"text": self.rng.choice(["timeout", "payment", "cache miss", "logged"])}

    def _date(self) -> str:
        day = self.rng.randint(0, max(0, self.rows * STEP_SECONDS // 86_400 - 1))
        stamp = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=day)
        return f"{stamp.day}-{stamp.month}-{stamp.year}"

    def by_email(self) -> dict[str, Any]:
        return {
            "email": f"user{self.rng.randrange(USERS)}@example.com",
            "environment": self.rng.choice(["prod", "staging", "dev"]),
            "date": self._date(),
        }

    def by_component_text(self) -> dict[str, Any]:
        return {
            "component": self.rng.choice(["api", "billing", "auth", "worker"]),
            "text": self.rng.choice(["timeout", "captured", "email sent"]),
        }

    async def measure(
        self,
        name: str,
        run: Callable[[dict[str, Any]], Awaitable[object]],
        make: Callable[[], dict[str, Any]],
        samples: int,
    ) -> Sample:
        for _ in range(min(3, samples)):
            await run(make())
        seconds = []
        for _ in range(samples):
            variables = make()
            started = time.perf_counter()
            await run(variables)
            seconds.append(time.perf_counter() - started)
        sample = Sample(name, seconds)
        log(f"  {sample.row()}")
        return sample

    async def suite(self, label: str, samples: int) -> list[Sample]:
        kinds: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
            ("events(filter: {text}), rare substring", TEXT_QUERY, self.rare_text),
            ("events(filter: {text}), common words", TEXT_QUERY, self.common_text),
            ("eventsByParameters(email, environment, date)", BY_PARAMETERS, self.by_email),
            ("eventsByParameters(component, text)", BY_PARAMETERS, self.by_component_text),
        ]
        results = []
        for name, query, make in kinds:

            async def graphql(variables: dict[str, Any], query: str = query) -> object:
                return await self.post(query, variables)

            results.append(await self.measure(f"{name} — GraphQL, {label}", graphql, make,
                                              samples))  # fmt: skip
            results.append(await self.measure(f"{name} — SQL only, {label}", self.sql, make,
                                              samples))  # fmt: skip
        return results

    async def save_throughput(self, *, concurrency: int, seconds: float) -> tuple[int, float]:
        deadline = time.perf_counter() + seconds
        done = 0

        async def worker(worker_id: int) -> None:
            nonlocal done
            n = 0
            while time.perf_counter() < deadline:
                n += 1
                await self.post(SAVE_EVENT, {
                    "email": f"bench{worker_id}@example.com",
                    "message": f"bench message {worker_id}-{n}",
                    "data": f'{{"worker": {worker_id}, "n": {n}}}',
                })  # fmt: skip
                done += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        return done, time.perf_counter() - started


@asynccontextmanager
async def served(url: str, *, concurrency: int) -> AsyncIterator[tuple[str, int]]:
    """``events-service serve`` (uvicorn, one worker) on a free loopback port."""
    port = free_port()
    env = {
        **os.environ,
        "ENV": "test",
        "EVENTS_DATABASE_URL": url,
        "EVENTS_APP_SECRET": secrets.token_hex(32),
        "EVENTS_LOG_LEVEL": "WARNING",
        "EVENTS_DB_POOL_SIZE": str(concurrency),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "events.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base_url) as probe:
            for _ in range(300):
                with contextlib.suppress(httpx.TransportError):
                    if (await probe.get("/readyz")).status_code == 200:
                        break
                await asyncio.sleep(0.1)
            else:
                raise RuntimeError("events-service did not become ready")
        yield base_url, process.pid
    finally:
        process.terminate()
        await process.wait()


class CpuMeter:
    """CPU seconds spent by the service process and by the PostgreSQL server's processes:
    a per-mutation cost that does not depend on how busy the shared machine is."""

    def __init__(self, service_pid: int, pg_data_dir: Path | None) -> None:
        self.service = psutil.Process(service_pid)
        self.postmaster: psutil.Process | None = None
        if pg_data_dir is not None:
            pid = int((pg_data_dir / "postmaster.pid").read_text().split()[0])
            self.postmaster = psutil.Process(pid)
        self._start: dict[int, float] = {}

    def _postgres(self) -> dict[int, float]:
        if self.postmaster is None:
            return {}
        seen = {}
        for process in [self.postmaster, *self.postmaster.children()]:
            with contextlib.suppress(psutil.Error):
                times = process.cpu_times()
                seen[process.pid] = times.user + times.system
        return seen

    def _service(self) -> float:
        times = self.service.cpu_times()
        return times.user + times.system

    def start(self) -> None:
        self._start = {**self._postgres(), -1: self._service()}

    def stop(self) -> tuple[float, float | None]:
        service = self._service() - self._start[-1]
        if self.postmaster is None:
            return service, None
        now = self._postgres()
        return service, sum(cpu - self._start.get(pid, 0.0) for pid, cpu in now.items())


async def run(args: argparse.Namespace, url: str, pg_data_dir: Path | None) -> None:
    settings = Settings(
        env="test", database_url=url, app_secret=SecretStr(secrets.token_hex(32)),
        db_pool_size=args.concurrency, db_max_overflow=0,
    )  # fmt: skip
    engine = create_engine(settings)
    try:
        await upgrade_with_engine("events.migrations", engine)
        log(f"seeding {args.rows:,} events ...")
        seed_seconds = await seed(engine, args.rows)
        log(f"building indexes (seeded in {seed_seconds:.1f}s) ...")
        index_seconds = await create_indexes(engine)
        async with engine.connect() as conn:
            version = await conn.scalar(text("SHOW server_version"))
            size = await conn.scalar(
                text("SELECT pg_size_pretty(pg_total_relation_size('events'))")
            )
        rng = random.Random(args.seed)
        async with (
            served(url, concurrency=args.concurrency) as (base_url, service_pid),
            httpx.AsyncClient(base_url=base_url, timeout=120,
                              limits=httpx.Limits(max_connections=args.concurrency)) as http,
        ):  # fmt: skip
            runner = Runner(http, create_sessionmaker(engine), args.rows, rng)
            load_before = os.getloadavg()
            log("queries with the indexes ...")
            indexed = await runner.suite("indexed", args.samples)
            log(f"saveEvent for {args.save_seconds}s with {args.concurrency} clients ...")
            meter = CpuMeter(service_pid, pg_data_dir)
            meter.start()
            saved, elapsed = await runner.save_throughput(
                concurrency=args.concurrency, seconds=args.save_seconds
            )
            service_cpu, postgres_cpu = meter.stop()
            log("dropping the secondary indexes ...")
            await drop_indexes(engine)
            log("queries without the indexes ...")
            bare = await runner.suite("no index", args.samples_without_index)
            load_after = os.getloadavg()
    finally:
        await engine.dispose()

    out = [
        f"rows: {args.rows:,}  (seeded in {seed_seconds:.1f}s; table + indexes {size})",
        f"machine: {machine()}",
        f"postgres: {version}; python {platform.python_version()}",
        "load average (1/5/15 min) before/after the measurements: "
        + " / ".join(f"{a:.1f}" for a in load_before)
        + " -> "
        + " / ".join(f"{a:.1f}" for a in load_after),
        "index build: " + ", ".join(f"{k} {v:.1f}s" for k, v in index_seconds.items()),
        "",
        "| query | samples | p50 ms | p95 ms |",
        "|---|---|---|---|",
        *(sample.row() for sample in indexed + bare),
        "",
        f"saveEvent: {saved} in {elapsed:.1f}s = {saved / elapsed:.0f} mutations/s "
        f"({args.concurrency} concurrent HTTP clients, one uvicorn worker, with all indexes)",
        f"saveEvent CPU per mutation: service {service_cpu / saved * 1000:.1f} ms"
        + (f", PostgreSQL {postgres_cpu / saved * 1000:.1f} ms" if postgres_cpu is not None else "")
        + f" -> CPU-bound ceiling about {saved / service_cpu:.0f}/s per uvicorn worker",
    ]
    print("\n".join(out))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("EVENTS_BENCH_DATABASE_URL"))
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--samples-without-index", type=int, default=20)
    parser.add_argument("--save-seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    if args.database_url:
        name = make_url(args.database_url).database or "events_bench"
        url = asyncio.run(fresh_database(server_url_of(args.database_url), name))
        asyncio.run(run(args, url, None))
        return 0
    # Stopped from outside (SIGTERM): unwind, so the embedded server is stopped and deleted.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = EmbeddedPostgres.temporary()
    log("starting an embedded PostgreSQL ...")
    server.start()
    try:
        url = asyncio.run(fresh_database(server.url, "events_bench"))
        asyncio.run(run(args, url, server.data_dir))
    finally:
        server.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
