"""The committed values.schema.json files are the generated ones, and they bite."""

from __future__ import annotations

from pathlib import Path

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest
import yaml
from tools.chart_values_schema import APP_CHARTS, main, values_schema

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_schemas_are_up_to_date() -> None:
    assert main(["--check"]) == 0, "run: uv run python -m tools.chart_values_schema"


def test_a_stale_schema_is_reported(tmp_path: Path) -> None:
    for chart in APP_CHARTS:
        (tmp_path / chart).mkdir()
    (tmp_path / "events" / "values.schema.json").write_text("{}\n")
    assert main(["--check", "--charts-dir", str(tmp_path)]) == 1


@pytest.mark.parametrize("chart", APP_CHARTS)
@pytest.mark.parametrize("values_file", ["values.yaml", "values-production.yaml"])
def test_the_charts_values_meet_their_schema(chart: str, values_file: str) -> None:
    defaults = yaml.safe_load((ROOT / "charts" / chart / "values.yaml").read_text())
    overrides = yaml.safe_load((ROOT / "charts" / chart / values_file).read_text())
    merged = {**defaults, **overrides}  # top-level merge is enough for a schema check
    jsonschema.validate(merged, values_schema(chart))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("securityContext", "readOnlyRootFilesystem"), False),
        (("securityContext", "allowPrivilegeEscalation"), True),
        (("podSecurityContext", "runAsNonRoot"), False),
        (("securityContext", "capabilities", "add"), ["NET_ADMIN"]),
    ],
)
def test_values_cannot_weaken_the_hardening(path: tuple[str, ...], value: object) -> None:
    values = yaml.safe_load((ROOT / "charts" / "events" / "values.yaml").read_text())
    target = values
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(values, values_schema("events"))
