"""`make loadtest`: run a locust scenario headless, write CSV + HTML, and judge it.

    python -m loadtests.run --scenario mixed --users 20 --duration 60s [--host URL]
        [--max-failure-ratio 0.01] [--max-p95-ms 1000] [--out reports/]

Exit status 1 when the failure ratio or the aggregated p95 passes its threshold
(both configurable; LOADTEST_MAX_FAILURE_RATIO / LOADTEST_MAX_P95_MS too).
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The locust user classes each scenario runs (their weights live in locustfile.py).
SCENARIO_USERS = {
    "browse": ["Browse"],
    "checkout": ["Checkout"],
    "audit": ["Audit"],
    "mixed": ["Browse", "Audit", "Checkout"],
    "spike": ["Browse", "Audit", "Checkout"],
    "soak": ["Browse", "Audit", "Checkout"],
}
SCENARIOS = tuple(SCENARIO_USERS)


@dataclass(frozen=True)
class Verdict:
    requests: int
    failures: int
    p95_ms: float
    rps: float

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 1.0


def seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)([smh]?)", duration.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"bad duration {duration!r} (e.g. 60s, 5m)")
    value, unit = int(match.group(1)), match.group(2) or "s"
    return value * {"s": 1, "m": 60, "h": 3600}[unit]


def read_verdict(stats_csv: Path) -> Verdict:
    with stats_csv.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    p95 = total.get("95%") or "0"
    return Verdict(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        p95_ms=float(p95) if p95 != "N/A" else 0.0,
        rps=float(total["Requests/s"]),
    )


def run(
    *,
    scenario: str,
    users: int,
    duration_s: int,
    host: str,
    out: Path,
    spawn_rate: float | None = None,
) -> tuple[int, Path]:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = out / f"{scenario}-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "LOADTEST_SCENARIO": scenario,
        "LOADTEST_USERS": str(users),
        "LOADTEST_SECONDS": str(duration_s),
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
        "--host", host, "--users", str(users), "--spawn-rate", str(spawn_rate or max(1, users)),
        "--run-time", f"{duration_s}s", "--stop-timeout", "5",
        "--csv", str(folder / "stats"), "--html", str(folder / "report.html"),
        "--only-summary", *SCENARIO_USERS[scenario],
    ]  # fmt: skip
    completed = subprocess.run(command, env=env, cwd=HERE, check=False)
    return completed.returncode, folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scenario", choices=SCENARIOS, default="mixed")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--duration", type=seconds, default=seconds("60s"))
    parser.add_argument("--host", default=os.environ.get("LOADTEST_HOST", "http://127.0.0.1:5000"))
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument(
        "--max-failure-ratio", type=float,
        default=float(os.environ.get("LOADTEST_MAX_FAILURE_RATIO", "0.01")),
    )  # fmt: skip
    parser.add_argument(
        "--max-p95-ms", type=float, default=float(os.environ.get("LOADTEST_MAX_P95_MS", "2000"))
    )
    args = parser.parse_args(argv)
    if not args.host.startswith(("http://127.", "http://localhost", "http://[::1]")):
        print("refusing: load is only sent to loopback addresses", file=sys.stderr)
        return 2
    _, folder = run(
        scenario=args.scenario, users=args.users, duration_s=args.duration, host=args.host,
        out=args.out,
    )  # fmt: skip
    verdict = read_verdict(folder / "stats_stats.csv")
    ok = verdict.failure_ratio <= args.max_failure_ratio and verdict.p95_ms <= args.max_p95_ms
    print(
        f"{args.scenario}: {verdict.requests} requests, {verdict.rps:.1f} rps, "
        f"failures {verdict.failure_ratio:.2%} (max {args.max_failure_ratio:.2%}), "
        f"p95 {verdict.p95_ms:.0f} ms (max {args.max_p95_ms:.0f}) -> {'PASS' if ok else 'FAIL'}\n"
        f"report: {folder / 'report.html'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
