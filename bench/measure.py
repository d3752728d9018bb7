"""Interleaved rounds over several targets; medians of per-round ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.load import Load, run_wrk
from bench.procs import BenchError, cpu_seconds

__all__ = ["Sample", "Target", "report", "run_rounds"]


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    body: bytes
    pid: int  # the process whose CPU time is "one core" (the gateway, or the subgraph)
    fetches: Callable[[], int]  # subgraph requests served so far
    bearer: str = ""


@dataclass(frozen=True)
class Sample:
    load: Load
    cpu: float  # seconds of CPU the measured process used
    fetches: int

    @property
    def rps_per_core(self) -> float:
        return self.load.requests / self.cpu if self.cpu > 0 else 0.0

    @property
    def fetches_per_request(self) -> float:
        return self.fetches / self.load.requests if self.load.requests else 0.0


@dataclass
class Results:
    targets: Sequence[Target]
    rounds: list[dict[str, Sample]] = field(default_factory=list)


def measure(target: Target, seconds: float, connections: int) -> Sample:
    settle(target)
    cpu0, f0 = cpu_seconds(target.pid), target.fetches()
    load = run_wrk(
        target.url, target.body, seconds=seconds, connections=connections, bearer=target.bearer
    )
    cpu, fetches = cpu_seconds(target.pid) - cpu0, target.fetches() - f0
    if load.errors:
        raise BenchError(f"{target.name}: {load.errors} failed requests of {load.requests}")
    return Sample(load, cpu, fetches)


def settle(target: Target, timeout: float = 60) -> None:
    """Wait until the measured process stops using CPU: requests left over from the previous
    measurement (wrk closes its connections, the server still finishes them) must not count."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(target.pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu_seconds(target.pid)
        if now - last < 0.02:
            return
        last = now


def run_rounds(
    targets: Sequence[Target], *, rounds: int, seconds: float, connections: int, warmup: float
) -> Results:
    for t in targets:
        measure(t, warmup, connections)
    results = Results(targets)
    for i in range(rounds):
        row = {t.name: measure(t, seconds, connections) for t in targets}
        results.rounds.append(row)
        print(
            f"  round {i + 1}/{rounds}: "
            + "  ".join(
                f"{n} {s.load.rps:.0f} rps ({s.rps_per_core:.0f}/core)" for n, s in row.items()
            )
        )
    return results


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(title: str, results: Results, baseline: str) -> list[str]:
    """Markdown lines: one row per target, then the median ratios of ``baseline`` to each."""
    lines = [
        f"#### {title}",
        "",
        "| target | rps | rps per core | p50 ms | p99 ms | fetches/request | KB/response |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in results.targets:
        samples = [r[t.name] for r in results.rounds]
        kb = _median([s.load.bytes / max(s.load.requests, 1) / 1024 for s in samples])
        lines.append(
            f"| {t.name} | {_median([s.load.rps for s in samples]):.0f}"
            f" | {_median([s.rps_per_core for s in samples]):.0f}"
            f" | {_median([s.load.p50_ms for s in samples]):.1f}"
            f" | {_median([s.load.p99_ms for s in samples]):.1f}"
            f" | {_median([s.fetches_per_request for s in samples]):.2f} | {kb:.1f} |"
        )
    lines.append("")
    for t in results.targets:
        if t.name == baseline:
            continue
        per_core = [
            _ratio(r[baseline].rps_per_core, r[t.name].rps_per_core) for r in results.rounds
        ]
        rps = [_ratio(r[baseline].load.rps, r[t.name].load.rps) for r in results.rounds]
        # Below 1 means our p99 is lower.
        p99 = [_ratio(r[baseline].load.p99_ms, r[t.name].load.p99_ms) for r in results.rounds]
        lines.append(
            f"- {baseline} / {t.name}: rps per core x{_median(per_core):.2f},"
            f" rps x{_median(rps):.2f}, p99 x{_median(p99):.2f}"
            f" (medians of {len(results.rounds)} per-round ratios)"
        )
    lines.append("")
    return lines
