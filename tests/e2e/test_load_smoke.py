"""CI smoke: a short `mixed` locust run through the gateway against the real platform."""

from __future__ import annotations

from pathlib import Path

import pytest
from loadtests.run import read_verdict, run
from tools.platform_runner import PlatformRunner

from tests.e2e.conftest import JWT_SECRET


@pytest.mark.slow
def test_a_short_mixed_load_passes_without_a_single_error(
    platform: PlatformRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOADTEST_JWT_SECRET", JWT_SECRET)
    host = platform.url("gateway").removesuffix("/graphql")
    code, folder = run(
        scenario="mixed", users=6, duration_s=30, host=host, out=tmp_path, spawn_rate=3
    )
    verdict = read_verdict(folder / "stats_stats.csv")
    failures = (folder / "stats_failures.csv").read_text()
    assert verdict.requests > 50, verdict
    assert verdict.failures == 0, failures
    assert code == 0
    assert (folder / "report.html").stat().st_size > 0
