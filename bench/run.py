"""`make bench`: our gateway vs Apollo Gateway vs the subgraph queried directly.

Gateways are pinned to core 0; subgraphs and wrk to core 1. Each workload runs
BENCH_ROUNDS interleaved rounds of BENCH_SECONDS per target after a warm-up, and
reports medians and the median of per-round ratios. "rps per core" is requests
divided by the CPU seconds the measured process used, which stays meaningful on a
machine shared with other work. Run: ``uv run python -m bench.run``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.coldstart import cold_starts, generated_supergraph  # noqa: E402
from bench.load import ensure_wrk  # noqa: E402
from bench.measure import Results, Target, report, run_rounds  # noqa: E402
from bench.procs import BenchError, post_json  # noqa: E402
from bench.workloads import (  # noqa: E402
    BENCH,
    baseline_source,
    compose_synthetic,
    ensure_node,
    platform_workload,
    start_gateways,
    synthetic_subgraphs,
)

__all__ = ["main"]

SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "3"))
WORKLOADS = os.environ.get("BENCH_WORKLOADS", "synthetic,platform,coldstart").split(",")
# The synthetic queries to measure (heavy, single-subgraph).
QUERIES = os.environ.get("BENCH_QUERIES", "heavy,single-subgraph").split(",")
# A git ref (e.g. a commit before an optimisation): its gateway runs as "ours-base".
BASELINE_REF = os.environ.get("BENCH_BASELINE_REF", "")


def body(name: str) -> bytes:
    query = (BENCH / "queries" / f"{name}.graphql").read_text()
    return json.dumps({"query": query}).encode()


def machine() -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor())  # fmt: skip
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, load average {load}"


def same_answer(urls: dict[str, str], payload: bytes, bearer: str = "") -> int:
    """Every URL gives the same error-free JSON (same key order); returns its size."""
    headers = {"authorization": f"Bearer {bearer}"} if bearer else {}
    answers = {name: post_json(url, payload, headers) for name, url in urls.items()}
    texts = set()
    for name, answer in answers.items():
        if answer.get("errors") or not answer.get("data"):
            raise BenchError(f"{name} answered with errors: {str(answer)[:500]}")
        texts.add(json.dumps(answer, separators=(",", ":")))
    if len(texts) != 1:
        raise BenchError(f"the gateways disagree: {', '.join(answers)}")
    return len(texts.pop())


def planning_times(supergraph: Path, query: str) -> str:
    """Cold plan (first build) and cached plan (a plan-cache hit), in process."""
    from gateway.operation import OperationCache
    from gateway.planner import Planner
    from gateway.server.plan_cache import PlanCache
    from gateway.supergraph import load_supergraph

    sg = load_supergraph(supergraph.read_text())
    operation = OperationCache(sg.api_schema, 10).get(query, None)
    started = time.perf_counter()
    Planner(sg, cache_size=1).build(operation, frozenset())
    cold = time.perf_counter() - started
    cache = PlanCache(10)
    planner = Planner(sg, cache_size=1)
    key = (operation.hash, frozenset[str]())
    cache.get_or_build(key, lambda: planner.build(operation, frozenset()))
    hits = []
    for _ in range(1000):
        t = time.perf_counter()
        cache.get_or_build(key, lambda: planner.build(operation, frozenset()))
        hits.append(time.perf_counter() - t)
    cached = statistics.median(hits) * 1e6
    return (
        f"- planning the heavy query: cold {cold * 1000:.1f} ms,"
        f" cached {cached:.2f} µs (median of 1000 plan-cache hits)"
    )


def synthetic(logs: Path, node: bool, out: list[str]) -> None:
    with ExitStack() as stack:
        urls, fetches, pids = stack.enter_context(synthetic_subgraphs(logs))
        supergraph = compose_synthetic(urls, logs / "synthetic.graphql")
        gw = start_gateways(supergraph, urls, logs, stack, node=node, baseline=baseline(logs))
        out.append(
            f"- our gateway: cold start to ready {gw.cold_start:.2f} s (synthetic supergraph)"
        )
        out.append(planning_times(supergraph, (BENCH / "queries" / "heavy.graphql").read_text()))
        out.append("")
        both = {"ours": gw.ours_url} | ({"apollo": gw.apollo_url} if gw.apollo else {})
        size = same_answer(both, body("heavy"))
        print(f"heavy: {' and '.join(both)} agree, {size / 1024:.1f} KB")
        same_answer(both | {"direct": urls["products"]}, body("single"))
        for name, query, direct in (("heavy", "heavy", False), ("single-subgraph", "single", True)):
            if name not in QUERIES:
                continue
            targets = [Target("ours", gw.ours_url, body(query), gw.ours.pid, fetches)]
            if gw.base is not None:
                targets.append(Target("ours-base", gw.base_url, body(query), gw.base.pid, fetches))
            if gw.apollo is not None:
                targets.append(Target("apollo", gw.apollo_url, body(query), gw.apollo.pid, fetches))
            if direct:
                targets.append(
                    Target("direct", urls["products"], body(query), pids["products"], fetches)
                )
            print(f"synthetic {name}:")
            results = run_rounds(
                targets, rounds=ROUNDS, seconds=SECONDS, connections=CONNECTIONS, warmup=WARMUP
            )
            out += report(f"synthetic: {name} ({_kb(results)} KB responses)", results, "ours")


def platform_board(logs: Path, node: bool, out: list[str]) -> None:
    with ExitStack() as stack:
        urls, fetches, bearer, env, pids = stack.enter_context(platform_workload(logs))
        supergraph = ROOT / "supergraph" / "supergraph.graphql"
        gw = start_gateways(
            supergraph, urls, logs, stack, node=node, env=env, baseline=baseline(logs)
        )
        both = {"ours": gw.ours_url} | ({"apollo": gw.apollo_url} if gw.apollo else {})
        size = same_answer(both, body("board"), bearer)
        print(f"platform board: {' and '.join(both)} agree, {size / 1024:.1f} KB")
        targets = [Target("ours", gw.ours_url, body("board"), gw.ours.pid, fetches, bearer)]
        if gw.base is not None:
            targets.append(
                Target("ours-base", gw.base_url, body("board"), gw.base.pid, fetches, bearer)
            )
        if gw.apollo is not None:
            targets.append(
                Target("apollo", gw.apollo_url, body("board"), gw.apollo.pid, fetches, bearer)
            )
        targets.append(Target("direct (delivery)", urls["delivery"], body("board_direct"),
                              pids["delivery"], fetches, bearer))  # fmt: skip
        print("platform board:")
        results = run_rounds(
            targets, rounds=ROUNDS, seconds=SECONDS, connections=CONNECTIONS, warmup=WARMUP
        )
        out += report(
            f"platform: deliveries → payments, shippable via @requires ({_kb(results)} KB)",
            results,
            "ours",
        )


def coldstart(logs: Path, _node: bool, out: list[str]) -> None:
    supergraph = generated_supergraph(logs / "coldstart")
    base = baseline(logs)
    out.append("- cold start to first answer, generated 50-type supergraph (5 subgraphs):")
    for bytecode in (False, True):
        label = "with compiled bytecode" if bytecode else "without compiled bytecode"
        ours = cold_starts(supergraph, logs, dict(os.environ), bytecode=bytecode)
        line = f"  - {label}: ours {ours.describe()}"
        if base is not None:
            env = {**os.environ, "PYTHONPATH": base}
            line += (
                f"; ours-base {cold_starts(supergraph, logs, env, bytecode=bytecode).describe()}"
            )
        out.append(line)
    out.append("")


def baseline(logs: Path) -> str | None:
    if not BASELINE_REF:
        return None
    return baseline_source(BASELINE_REF, logs / "baseline")


def _kb(results: Results) -> str:
    s = results.rounds[0][results.targets[0].name].load
    return f"{s.bytes / max(s.requests, 1) / 1024:.1f}"


def main() -> int:
    ensure_wrk()
    node = ensure_node()
    if not node:
        print("node is not installed: Apollo Gateway is skipped")
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        f"### make bench, {started}",
        "",
        f"- machine: {machine()}",
        f"- settings: {ROUNDS} interleaved rounds x {SECONDS:g} s per target,"
        f" {CONNECTIONS} connections, {WARMUP:g} s warm-up;"
        + (f" ours-base is our gateway at {BASELINE_REF};" if BASELINE_REF else "")
        + " gateways on core 0, subgraphs and wrk on core 1",
    ]
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        logs = Path(tmp)
        workloads = (
            ("synthetic", synthetic),
            ("platform", platform_board),
            ("coldstart", coldstart),
        )
        for name, workload in workloads:
            if name not in WORKLOADS:
                continue
            part: list[str] = []
            try:
                workload(logs, node, part)
            except Exception as err:  # report it and keep the other workload's numbers
                failed = True
                print(f"{name} workload failed: {type(err).__name__}: {err}")
                for log in logs.glob("*.log"):
                    print(f"--- {log.name}\n{log.read_text()[-1500:]}")
            out += part
            print("\n".join(part), flush=True)
    out.append(f"- load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n" + "\n".join(out))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
