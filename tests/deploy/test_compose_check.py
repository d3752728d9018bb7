"""docker-compose.yml and the Dockerfiles: valid, shaped as promised, in step with the code."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from tools.compose_check import (
    HADOLINT_REQUIREMENT,
    check_compose,
    check_dockerfile,
    check_schema,
)
from tools.service_contract import ROOT, SERVICES

COMPOSE = ROOT / "docker-compose.yml"


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = COMPOSE.read_text()
    assert old in text, old
    target = tmp_path / "docker-compose.yml"
    target.write_text(text.replace(old, new, 1))
    return target


def test_a_misspelt_key_breaks_the_compose_specification(tmp_path: Path) -> None:
    broken = broken_copy(
        tmp_path,
        '    healthcheck:\n      test: ["CMD", "redis-cli"',
        '    healthchek:\n      test: ["CMD", "redis-cli"',
    )
    (problem,) = check_schema(broken)
    assert "healthchek" in problem


def test_the_compose_file_agrees_with_the_services() -> None:
    problems, _notes = check_compose(COMPOSE)
    assert problems == []


def test_every_subgraph_has_its_own_database_and_migration() -> None:
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    for contract in (c for c in SERVICES if c.database):
        assert services[f"{contract.name}-db"]["environment"]["POSTGRES_DB"] == contract.name
        depends = services[contract.name]["depends_on"]
        assert depends[f"{contract.name}-migrate"] == {
            "condition": "service_completed_successfully"
        }


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '"127.0.0.1:5002:5002"',
            '"127.0.0.1:5002:5009"',
            "services.payments.ports: container port [5009], settings say 5002",
        ),
        (
            "      EVENTS_LOG_LEVEL:",
            "      EVENTS_LOG_LEVL:",
            "services.events.environment: EVENTS_LOG_LEVL is not read by events.config:Settings",
        ),
        (
            "      DELIVERY_PII_KEYS: ${DELIVERY_PII_KEYS:?set DELIVERY_PII_KEYS in .env}\n",
            "",
            "services.delivery.environment: missing DELIVERY_PII_KEYS",
        ),
        (
            "      EVENTS_JWT_SECRET: ${JWT_SECRET:?set JWT_SECRET in .env}",
            "      EVENTS_JWT_SECRET: s3cret",
            "services.events.environment.EVENTS_JWT_SECRET: literal secret",
        ),
        (
            "        condition: service_completed_successfully",
            "        condition: service_started",
            "services.events.depends_on.events-migrate.condition: want service_completed",
        ),
        (
            '    command: ["migrate"]\n    restart: "no"\n    environment: &payments-env',
            '    command: ["serve"]\n    restart: "no"\n    environment: &payments-env',
            "services.payments-migrate.command: want ['migrate']",
        ),
        (
            "@payments-db:5432/payments",
            "@events-db:5432/events",
            "services.payments: reaches events-db, which belongs to events",
        ),
        (
            '"delivery": "http://delivery:5003/graphql"',
            '"delivery": "http://delivery:5030/graphql"',
            "services.gateway: subgraph delivery URL http://delivery:5030/graphql",
        ),
    ],
)
def test_a_broken_compose_file_is_reported(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    problems, _notes = check_compose(broken_copy(tmp_path, old, new))
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize("contract", SERVICES, ids=lambda c: c.name)
def test_each_dockerfile_builds_its_package_and_runs_unprivileged(contract: object) -> None:
    assert check_dockerfile(contract) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("USER 10001:10001", "USER app", "USER 'app': want a numeric non-root uid"),
        (
            'ENTRYPOINT ["events-service"]',
            "ENTRYPOINT events-service",
            "ENTRYPOINT events-service: want exec form",
        ),
        (
            "COPY services/gateway/pyproject.toml services/gateway/\n",
            "",
            "COPY services/gateway/pyproject.toml",
        ),
        (
            "    uv sync --frozen --no-dev --no-install-workspace --package events-service",
            "    uv sync --frozen --no-dev --package events-service",
            "the first uv sync must install dependencies only",
        ),
        ("HEALTHCHECK", "# HEALTHCHECK", "HEALTHCHECK missing"),
        (
            "COPY services/events/ services/events/",
            "COPY charts/ charts/\nCOPY services/events/ services/events/",
            "COPY charts/: excluded by .dockerignore",
        ),
        (
            "COPY libs/servicekit/ libs/servicekit/",
            "COPY libs/nokit/ libs/nokit/",
            "COPY libs/nokit/: not in the build context",
        ),
        ("EXPOSE 5001", "EXPOSE 8000", "EXPOSE 5001 (the settings' port) missing"),
    ],
)
def test_a_broken_dockerfile_is_reported(tmp_path: Path, old: str, new: str, expected: str) -> None:
    events = next(c for c in SERVICES if c.name == "events")
    text = (events.folder / "Dockerfile").read_text()
    assert old in text, old
    broken = tmp_path / "Dockerfile"
    broken.write_text(text.replace(old, new, 1))
    problems = check_dockerfile(events, broken)
    assert any(expected in problem for problem in problems), problems


def run_with_hadolint(*args: str) -> subprocess.CompletedProcess[str]:
    """Run Python in the workspace with hadolint installed, as `make compose-check` does."""
    uv = shutil.which("uv")
    assert uv is not None
    return subprocess.run(
        [uv, "run", "--quiet", "--with", HADOLINT_REQUIREMENT, "python", *args],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_make_compose_check_passes_with_hadolint() -> None:
    """The whole check: compose spec, shape, settings, Dockerfiles and hadolint."""
    result = run_with_hadolint("-m", "tools.compose_check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hadolint: 4 Dockerfiles clean" in result.stdout
    assert result.stdout.endswith("compose-check: 0 problems\n")


def test_hadolint_flags_a_floating_base_image(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text('FROM python:latest\nUSER 10001\nCMD ["python"]\n')
    script = (
        "import sys; from pathlib import Path; from tools.compose_check import hadolint; "
        "problems, _ = hadolint([Path(sys.argv[1])]); print(*problems, sep='\\n')"
    )
    result = run_with_hadolint("-c", script, str(dockerfile))
    assert "DL3007" in result.stdout, result.stdout + result.stderr
