"""``make charts-check``: lint, render and validate every Helm chart under ``charts/``.

For each chart: ``helm dependency update`` (file:// dependencies, offline), then
for each values variant — the defaults, ``values-production.yaml`` and any
``ci/*-values.yaml`` — ``helm lint --strict`` and ``helm template``; every
rendered object is validated against the Kubernetes API schema
(:mod:`tools.k8s_schema`) and the policies (:mod:`tools.k8s_policy`, production
rules for the production variant). Problems print as
``charts/<chart> [<variant>] Kind/name: field: message``; any problem exits 1.

Run: ``uv run --with kubernetes-validate==1.37.0 python -m tools.charts_check`` (the
Makefile's ``charts-check``; keep the pin in step with ``VALIDATOR_REQUIREMENT``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tools.helm_tool import HelmError, HelmUnavailable, ensure_helm, helm_env
from tools.k8s_policy import Finding, Manifest, check_all
from tools.k8s_schema import DEFAULT_KUBE_VERSION, validate_manifest
from tools.service_contract import SERVICES, check_chart_values

__all__ = ["VALIDATOR_REQUIREMENT", "Chart", "Report", "check_charts", "find_charts", "main"]

ROOT = Path(__file__).resolve().parent.parent
SUPERGRAPH = ROOT / "supergraph" / "supergraph.graphql"
# The schema validator the checker runs with (uv run --with ...).
VALIDATOR_REQUIREMENT = "kubernetes-validate==1.37.0"
EXIT_PROBLEMS = 1
EXIT_NO_HELM = 3


@dataclass(frozen=True)
class Chart:
    path: Path
    name: str
    library: bool
    local_deps: tuple[str, ...]

    def variants(self) -> list[tuple[str, list[str]]]:
        """(name, helm flags) to render: defaults, production, ci/*-values.yaml, and
        production with the committed supergraph for the charts that carry the gateway."""
        out: list[tuple[str, list[str]]] = [("default", [])]
        production = self.path / "values-production.yaml"
        if production.is_file():
            out.append(("production", ["-f", str(production)]))
        for extra in sorted((self.path / "ci").glob("*-values.yaml")):
            out.append((extra.name.removesuffix("-values.yaml"), ["-f", str(extra)]))
        key = {"gateway": "supergraph.sdl", "platform": "gateway.supergraph.sdl"}.get(self.name)
        if key and production.is_file() and SUPERGRAPH.is_file():
            flags = ["-f", str(production), "--set-file", f"{key}={SUPERGRAPH}"]
            out.append(("production+supergraph", flags))
        return out


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    renders: int = 0
    objects: int = 0

    def add(self, where: str, findings: Sequence[Finding]) -> None:
        self.problems += [f"{where} {finding}" for finding in findings]


def find_charts(charts_dir: Path) -> list[Chart]:
    """The charts, each after the charts it depends on through file://."""
    charts: dict[str, Chart] = {}
    for chart_yaml in sorted(charts_dir.glob("*/Chart.yaml")):
        meta = yaml.safe_load(chart_yaml.read_text()) or {}
        deps = tuple(
            str(dep["repository"]).removeprefix("file://../")
            for dep in meta.get("dependencies") or []
            if str(dep.get("repository", "")).startswith("file://../")
        )
        charts[chart_yaml.parent.name] = Chart(
            path=chart_yaml.parent,
            name=str(meta.get("name", chart_yaml.parent.name)),
            library=meta.get("type") == "library",
            local_deps=deps,
        )
    ordered: list[Chart] = []

    def visit(name: str, seen: tuple[str, ...]) -> None:
        if name in seen:
            raise HelmError(f"dependency cycle through {' -> '.join((*seen, name))}")
        chart = charts.get(name)
        if chart is None or chart in ordered:
            return
        for dep in chart.local_deps:
            visit(dep, (*seen, name))
        ordered.append(chart)

    for name in charts:
        visit(name, ())
    return ordered


def _helm(helm: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(helm), *args], capture_output=True, text=True, env=env, check=False, timeout=300
    )


def _structure(chart: Chart) -> list[Finding]:
    where = f"chart {chart.name}"
    findings = []
    if not (chart.path / "values.schema.json").is_file():
        findings.append(Finding(where, "values.schema.json", "missing"))
    if not chart.library and not (chart.path / "values-production.yaml").is_file():
        findings.append(Finding(where, "values-production.yaml", "missing"))
    return findings


def _contract(chart: Chart) -> tuple[list[Finding], list[str]]:
    """The chart's values against its service's settings and scripts: (findings, notes)."""
    contract = next((c for c in SERVICES if c.name == chart.path.name), None)
    if contract is None:
        return [], []
    values = yaml.safe_load((chart.path / "values.yaml").read_text()) or {}
    try:
        problems = check_chart_values(contract, values)
    except ImportError as error:
        return [], [f"charts/{chart.path.name}: settings not importable yet ({error}), skipped"]
    where = f"values.yaml vs {contract.settings}"
    return [Finding(where, *problem.split(": ", 1)) for problem in problems], []


def _render(
    chart: Chart, helm: Path, env: dict[str, str], flags: list[str], kube_version: str
) -> tuple[list[Manifest], list[Finding]]:
    where = f"chart {chart.name}"
    lint = _helm(helm, env, "lint", "--strict", str(chart.path), *flags)
    if lint.returncode != 0:
        return [], [Finding(where, "helm lint", (lint.stdout + lint.stderr).strip())]
    if chart.library:
        return [], []
    rendered = _helm(
        helm, env, "template", chart.name, str(chart.path), "--namespace", "platform",
        "--kube-version", kube_version, *flags,
    )  # fmt: skip
    if rendered.returncode != 0:
        return [], [Finding(where, "helm template", rendered.stderr.strip())]
    docs: list[Any] = list(yaml.safe_load_all(rendered.stdout))
    return [doc for doc in docs if isinstance(doc, dict)], []


def check_charts(
    charts_dir: Path, *, tools_dir: Path, kube_version: str = DEFAULT_KUBE_VERSION
) -> Report:
    """Check every chart under ``charts_dir``; raises HelmUnavailable without helm."""
    helm = ensure_helm(tools_dir)
    env = helm_env(tools_dir)
    report = Report()
    for chart in find_charts(charts_dir):
        label = f"charts/{chart.path.name}"
        report.add(f"{label}:", _structure(chart))
        findings, notes = _contract(chart)
        report.add(f"{label}:", findings)
        report.notes += notes
        if chart.local_deps:
            update = _helm(helm, env, "dependency", "update", "--skip-refresh", str(chart.path))
            if update.returncode != 0:
                report.add(f"{label}:", [Finding("chart", "dependencies", update.stderr.strip())])
                continue
        for variant, flags in chart.variants():
            manifests, errors = _render(chart, helm, env, flags, kube_version)
            where = f"{label} [{variant}]"
            report.add(where, errors)
            if chart.library or errors:
                continue
            report.renders += 1
            report.objects += len(manifests)
            for manifest in manifests:
                report.add(where, validate_manifest(manifest, kube_version=kube_version))
            report.add(where, check_all(manifests, production=variant.startswith("production")))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--charts-dir", type=Path, default=ROOT / "charts")
    parser.add_argument("--tools-dir", type=Path, default=ROOT / ".tools")
    parser.add_argument("--kube-version", default=DEFAULT_KUBE_VERSION)
    args = parser.parse_args(argv)
    try:
        report = check_charts(
            args.charts_dir, tools_dir=args.tools_dir, kube_version=args.kube_version
        )
    except HelmUnavailable as error:
        sys.stderr.write(f"charts-check: {error}\n")
        return EXIT_NO_HELM
    sys.stdout.writelines(f"{line}\n" for line in [*report.notes, *report.problems])
    sys.stdout.write(
        f"charts-check: {report.renders} renderings, {report.objects} objects, "
        f"{len(report.problems)} problems\n"
    )
    return EXIT_PROBLEMS if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
