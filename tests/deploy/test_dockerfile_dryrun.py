"""Replaying a Dockerfile's build stage without Docker: its uv steps install a runnable service."""

from __future__ import annotations

from pathlib import Path

import pytest
from tools.dockerfile import ignored
from tools.dockerfile_dryrun import DryRunError, dry_run
from tools.service_contract import ROOT, SERVICES

PATTERNS = ["**/.venv", "**/__pycache__", ".tools", "charts", "services/*/tests"]


@pytest.mark.slow
def test_the_events_image_recipe_installs_a_runnable_service(tmp_path: Path) -> None:
    # One subgraph is replayed (each takes seconds); check_dockerfile holds the
    # others to the same recipe.
    events = next(c for c in SERVICES if c.name == "events")
    script = dry_run(
        events.folder / "Dockerfile", context=ROOT, scratch=tmp_path, script="events-service"
    )
    assert script == tmp_path / ".venv" / "bin" / "events-service"
    # Only the service and the kit were copied in, not the other members' sources.
    assert (tmp_path / "services" / "events" / "src").is_dir()
    assert not (tmp_path / "services" / "payments" / "src").exists()
    assert not (tmp_path / "services" / "events" / "tests").exists()


def test_copying_an_ignored_path_fails_before_building(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim AS build\nWORKDIR /app\nCOPY charts/ charts/\n")
    with pytest.raises(DryRunError, match=r"COPY charts/: excluded by \.dockerignore"):
        dry_run(dockerfile, context=ROOT, scratch=tmp_path / "app", script="x")


def test_a_missing_console_script_fails(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11-slim AS build\nWORKDIR /app\nCOPY pyproject.toml ./\n")
    with pytest.raises(DryRunError, match="events-service is not installed"):
        dry_run(dockerfile, context=ROOT, scratch=tmp_path / "app", script="events-service")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("services/events/.venv/bin/python", True),
        ("libs/servicekit/src/servicekit/__pycache__", True),
        ("services/events/tests", True),
        ("charts/events", True),
        (".tools", True),
        ("services/events/src/events/main.py", False),
        ("services/gateway/docs", False),
    ],
)
def test_dockerignore_patterns_match_like_docker(path: str, expected: bool) -> None:
    assert ignored(path, PATTERNS) is expected
