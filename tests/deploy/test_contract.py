"""The charts' default values agree with each service's settings and console script."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from tools.service_contract import (
    PENDING,
    ROOT,
    SERVICES,
    ServiceContract,
    check_chart_values,
    env_names,
    settings_class,
)


def settings_or_skip(contract: ServiceContract) -> Any:
    try:
        return settings_class(contract)
    except ImportError as error:  # the service's own engineers have not written it yet
        pytest.skip(f"{contract.settings} not importable yet: {error}")


def chart_values(contract: ServiceContract) -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load(
        (ROOT / "charts" / contract.name / "values.yaml").read_text()
    )
    return values


@pytest.mark.parametrize("contract", SERVICES, ids=lambda c: c.name)
def test_chart_values_agree_with_the_settings(contract: ServiceContract) -> None:
    settings_or_skip(contract)
    assert check_chart_values(contract, chart_values(contract)) == []


@pytest.mark.parametrize("contract", SERVICES, ids=lambda c: c.name)
def test_pending_variables_are_still_unread(contract: ServiceContract) -> None:
    """Once a service reads a pending variable, drop it from PENDING (the list only shrinks)."""
    settings = settings_or_skip(contract)
    assert PENDING.get(contract.name, frozenset()) & env_names(settings) == set()


def test_a_chart_with_a_misspelt_variable_or_missing_secret_is_reported() -> None:
    events = next(c for c in SERVICES if c.name == "events")
    settings_or_skip(events)
    values = chart_values(events)
    values["config"]["EVENTS_LOG_LEVL"] = "DEBUG"
    values["secretEnv"] = [s for s in values["secretEnv"] if s["name"] != "EVENTS_DATABASE_URL"]
    values["port"] = 8000
    assert check_chart_values(events, values) == [
        "port: 8000, settings say 5001",
        "config/secretEnv: EVENTS_LOG_LEVL is not read by events.config:Settings "
        "(prefix 'EVENTS_')",
        "secretEnv: missing EVENTS_DATABASE_URL",
    ]
