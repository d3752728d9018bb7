"""The two workloads: synthetic Node subgraphs (heavy) and the platform's real subgraphs."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.procs import GATEWAY_CORE, OTHER_CORE, BenchError, Proc, free_port, post_json, wait_ready

__all__ = [
    "ROOT",
    "Gateways",
    "baseline_source",
    "compose_synthetic",
    "ensure_node",
    "platform_workload",
    "start_gateways",
    "synthetic_subgraphs",
]

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
NODE = BENCH / "node"
SYNTHETIC = ("accounts", "products", "inventory", "reviews")
BIN = Path(sys.executable).parent  # the venv's console scripts, not `uv run` wrappers


def ensure_node() -> bool:
    """True when node is usable; installs bench/node's locked dependencies when missing."""
    try:
        subprocess.run(["node", "--version"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    if not (NODE / "node_modules" / "@apollo" / "gateway").is_dir():
        print("installing bench/node dependencies (npm ci)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE, check=True)
    return True


def stats_counter(urls: list[str]) -> Callable[[], int]:
    def read() -> int:
        total = 0
        for url in urls:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                total += int(json.loads(response.read())["requests"])
        return total

    return read


def metrics_counter(urls: list[str]) -> Callable[[], int]:
    """GraphQL requests served, summed from servicekit's /metrics of each subgraph."""
    pattern = re.compile(r"^graphql_requests_total\{[^}]*\} ([0-9.e+]+)$", re.M)

    def read() -> int:
        total = 0.0
        for url in urls:
            with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310
                total += sum(float(v) for v in pattern.findall(response.read().decode()))
        return int(total)

    return read


@contextmanager
def synthetic_subgraphs(
    logs: Path,
) -> Iterator[tuple[dict[str, str], Callable[[], int], dict[str, int]]]:
    """The four Node subgraphs on the other core; yields their URLs, a fetch counter and pids."""
    ports = {name: free_port() for name in SYNTHETIC}
    procs = [
        Proc(
            name,
            ["node", str(BENCH / "subgraphs" / "server.mjs"), name, str(port)],
            OTHER_CORE,
            logs,
        )
        for name, port in ports.items()
    ]
    try:
        for p in procs:
            wait_ready(f"http://127.0.0.1:{ports[p.name]}/graphql", p.start())
        urls = {n: f"http://127.0.0.1:{p}/graphql" for n, p in ports.items()}
        counter = stats_counter([f"http://127.0.0.1:{p}/stats" for p in ports.values()])
        yield urls, counter, {p.name: p.pid for p in procs}
    finally:
        for p in procs:
            p.stop()


def compose_synthetic(urls: dict[str, str], out: Path) -> Path:
    """Our composer over bench/subgraphs/*.graphql, with the routing URLs of this run."""
    lines = ["federation_version: =2.11.0", "subgraphs:"]
    for name, url in urls.items():
        sdl = BENCH / "subgraphs" / f"{name}.graphql"
        lines += [f"  {name}:", f"    routing_url: {url}", "    schema:", f"      file: {sdl}"]
    config = out.with_suffix(".yaml")
    config.write_text("\n".join(lines) + "\n")
    subprocess.run(
        [str(BIN / "gateway"), "compose", "--config", str(config), "--out", str(out)], check=True
    )
    return out


@dataclass
class Gateways:
    ours: Proc
    ours_url: str
    cold_start: float
    apollo: Proc | None
    apollo_url: str
    base: Proc | None = None  # our gateway at BENCH_BASELINE_REF, for before/after
    base_url: str = ""


def baseline_source(ref: str, into: Path) -> str:
    """A PYTHONPATH with the gateway's and servicekit's source at git ``ref`` (git archive:
    no change to the checkout)."""
    sources = ["services/gateway/src", "libs/servicekit/src"]
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, *sources], check=True, capture_output=True
    ).stdout
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return os.pathsep.join(str(into / source) for source in sources)


def _ours(name: str, supergraph: Path, env: dict[str, str], logs: Path) -> tuple[Proc, str]:
    port = free_port()
    argv = [sys.executable, "-m", "gateway.cli", "serve", "--supergraph", str(supergraph)]
    proc = Proc(name, [*argv, "--port", str(port)], GATEWAY_CORE, logs, env=env)
    return proc, f"http://127.0.0.1:{port}/graphql"


def start_gateways(
    supergraph: Path,
    urls: dict[str, str],
    logs: Path,
    stack: ExitStack,
    *,
    node: bool,
    env: dict[str, str] | None = None,
    baseline: str | None = None,
) -> Gateways:
    """Ours and Apollo's, both pinned to the gateway core, over the same supergraph."""
    ours_env = {**(env or os.environ), "GATEWAY_SUBGRAPH_URLS": json.dumps(urls)}
    ours, ours_url = _ours("ours", supergraph, ours_env, logs)
    stack.callback(ours.stop)
    cold = wait_ready(ours_url, ours.start())
    base: Proc | None = None
    base_url = ""
    if baseline is not None:
        # PYTHONPATH comes before the editable install: the process runs the old source.
        base_env = {**ours_env, "PYTHONPATH": baseline}
        base, base_url = _ours("ours-base", supergraph, base_env, logs)
        stack.callback(base.stop)
        wait_ready(base_url, base.start())
    apollo: Proc | None = None
    apollo_url = ""
    if node:
        # Apollo reads the URLs from the supergraph: write this run's into a copy.
        text = supergraph.read_text()
        # @apollo/gateway refuses `for: SECURITY` features (@authenticated, @requiresScopes:
        # only Apollo's router enforces them): Apollo gets them as plain links, unenforced.
        text = text.replace(", for: SECURITY)", ")")
        for name, url in urls.items():
            text = re.sub(rf'(join__graph\(name: "{name}", url: ")[^"]*"', rf'\g<1>{url}"', text)
        copy = logs / (supergraph.stem + ".apollo.graphql")  # never beside the source
        copy.write_text(text)
        aport = free_port()
        apollo = Proc(
            "apollo",
            ["node", str(NODE / "apollo-gateway.mjs"), str(copy), str(aport)],
            GATEWAY_CORE,
            logs,
        )
        stack.callback(apollo.stop)
        apollo_url = f"http://127.0.0.1:{aport}/graphql"
        wait_ready(apollo_url, apollo.start())
    return Gateways(ours, ours_url, cold, apollo, apollo_url, base, base_url)


BOARD_SEED = """
mutation Create($key: String!, $amount: Int!) {
  createPayment(
    input: {amount: $amount, currency: "EUR", description: "bench"}, idempotencyKey: $key
  ) { id }
}"""
CAPTURE = (
    "mutation($id: ID!, $key: String!) { capturePayment(id: $id, idempotencyKey: $key) { id } }"
)
SCHEDULE = """
mutation($id: ID!, $key: String!) {
  scheduleDelivery(paymentId: $id, recipientName: "Ada Lovelace", idempotencyKey: $key,
                   address: {line1: "1 Main St", city: "Berlin", postalCode: "10115",
                             country: "DE"}) { id }
}"""


@contextmanager
def platform_workload(
    logs: Path, deliveries: int = 50
) -> Iterator[tuple[dict[str, str], Callable[[], int], str, dict[str, str], dict[str, int]]]:
    """The real subgraphs on a throw-away embedded PostgreSQL, seeded with ``deliveries``
    captured payments and their deliveries; yields URLs, a fetch counter and a bearer token."""
    from tools.platform_runner import GATEWAY, SUBGRAPHS, PlatformRunner

    from servicekit.auth import issue_token
    from servicekit.pg_embedded import EmbeddedPostgres
    from servicekit.testing import fresh_database

    secret = "bench-platform-secret-0123456789-abcdefghijkl"  # noqa: S105 (throw-away)
    server = EmbeddedPostgres.temporary()
    server.start()
    runner: PlatformRunner | None = None
    try:

        async def databases() -> dict[str, str]:
            return {s.name: await fresh_database(server.url, f"bench_{s.name}") for s in SUBGRAPHS}

        ports = {name: free_port() for name in ("events", "payments", "delivery", "gateway")}
        runner = PlatformRunner(
            database_urls=asyncio.run(databases()),
            ports=ports,
            jwt_secret=secret,
            env={"ENV": "test"},
            log_dir=logs,
        )
        # A busy machine starts services slowly: wait longer than the runner's default.
        for spec in (*SUBGRAPHS, GATEWAY):
            if spec is not GATEWAY:
                runner.migrate(spec)
            runner.start(spec, timeout=300)
        for name in ("events", "payments", "delivery"):
            os.sched_setaffinity(runner.processes[name].pid, {OTHER_CORE})
        bearer = issue_token(secret=secret, subject="bench@example.com", scopes=["payments:write"])
        headers = {"authorization": f"Bearer {bearer}"}
        gw = runner.url("gateway")
        for i in range(deliveries):

            def call(query: str, **variables: object) -> dict[str, object]:
                body = json.dumps({"query": query, "variables": variables}).encode()
                answer = post_json(gw, body, headers)
                if answer.get("errors"):
                    raise BenchError(f"seeding failed: {answer['errors']}")
                return answer["data"]  # type: ignore[no-any-return]

            created = call(BOARD_SEED, key=f"bench-{i}", amount=100 + i)
            pid = created["createPayment"]["id"]  # type: ignore[index]
            call(CAPTURE, id=pid, key=f"bench-{i}-c")
            call(SCHEDULE, id=pid, key=f"bench-{i}-d")
        runner.stop("gateway")  # the benchmark starts its own, pinned
        urls = {s.name: runner.url(s.name) for s in SUBGRAPHS}
        metrics = [
            f"http://127.0.0.1:{ports[n]}/metrics" for n in ("events", "payments", "delivery")
        ]
        env = runner.service_env(GATEWAY)
        env.pop("GATEWAY_PORT", None)
        pids = {s.name: runner.processes[s.name].pid for s in SUBGRAPHS}
        yield urls, metrics_counter(metrics), bearer, env, pids
    finally:
        if runner is not None:
            runner.stop_all()
        server.destroy()
