"""What the deployment files must agree on with the services' own code.

The source of truth is each service's settings class (its env prefix, fields,
default port, required secrets) and its ``pyproject.toml`` (console script).
:func:`check_env` and friends compare a deployment's view of a service — chart
values or a compose entry — with it and return readable problems.

``PENDING`` lists variables the architecture promises (docs/operations.md) but
whose settings field is not written yet; they are set by the deployment files
and exempt from "unknown variable" until the field lands, when
``tests/deploy/test_contract.py`` asks for their removal from this list.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "PENDING",
    "ROOT",
    "SERVICES",
    "ServiceContract",
    "check_chart_values",
    "check_env",
    "console_scripts",
    "default_port",
    "env_names",
    "env_prefix",
    "required_secret_env",
    "settings_class",
]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ServiceContract:
    name: str
    dist: str
    script: str
    settings: str  # "module:Class"
    database: bool

    @property
    def folder(self) -> Path:
        return ROOT / "services" / self.name


SERVICES = (
    ServiceContract("events", "events-service", "events-service", "events.config:Settings", True),
    ServiceContract(
        "payments", "payments-service", "payments-service", "payments.config:Settings", True
    ),
    ServiceContract(
        "delivery", "delivery-service", "delivery-service", "delivery.config:Settings", True
    ),
    ServiceContract("gateway", "gateway", "gateway", "gateway.settings:Settings", False),
)

PENDING: Mapping[str, frozenset[str]] = {}


def settings_class(contract: ServiceContract) -> Any:
    """The service's settings class (raises ImportError while it is not written)."""
    module, _, name = contract.settings.partition(":")
    return getattr(importlib.import_module(module), name)


def env_prefix(settings: Any) -> str:
    return str(settings.model_config.get("env_prefix", ""))


def env_names(settings: Any) -> set[str]:
    """Every variable the settings read: PREFIX_FIELD, aliases, and the bare ``ENV``."""
    prefix = env_prefix(settings)
    names: set[str] = set()
    for field_name, info in settings.model_fields.items():
        names.add(f"{prefix}{field_name}".upper())
        alias = info.validation_alias
        choices = getattr(alias, "choices", None)
        for choice in choices if choices is not None else [alias]:
            if isinstance(choice, str):
                names.add(choice.upper())
    if "env" in settings.model_fields:
        names.add("ENV")  # ServiceSettings reads the original API's unprefixed ENV
    return names


def required_secret_env(contract: ServiceContract, settings: Any) -> set[str]:
    """The secrets production refuses to start without."""
    prefix = env_prefix(settings)
    required = {f"{prefix}{name}".upper() for name in getattr(settings, "required_secrets", ())}
    if "jwt_secret" in settings.model_fields:
        required.add(f"{prefix}JWT_SECRET")
    if contract.database:
        required.add(f"{prefix}DATABASE_URL")
    return required


def default_port(settings: Any) -> int:
    return int(settings.model_fields["port"].default)


def console_scripts(contract: ServiceContract) -> dict[str, str]:
    meta = tomllib.loads((contract.folder / "pyproject.toml").read_text())
    scripts: dict[str, str] = meta.get("project", {}).get("scripts", {})
    return scripts


def check_env(contract: ServiceContract, settings: Any, names: Iterable[str]) -> list[str]:
    """Variables a deployment sets that the service never reads (typos, stale names)."""
    known = env_names(settings) | PENDING.get(contract.name, frozenset())
    return [
        f"{name} is not read by {contract.settings} (prefix {env_prefix(settings)!r})"
        for name in sorted(set(names) - known)
    ]


def check_chart_values(contract: ServiceContract, values: Mapping[str, Any]) -> list[str]:
    """A chart's default values against the service (raises ImportError without settings)."""
    settings = settings_class(contract)
    problems = []
    if values.get("port") != default_port(settings):
        problems.append(f"port: {values.get('port')}, settings say {default_port(settings)}")
    if values.get("envPrefix") != env_prefix(settings):
        problems.append(f"envPrefix: {values.get('envPrefix')!r}, want {env_prefix(settings)!r}")
    secret_env = [str(item["name"]) for item in values.get("secretEnv") or []]
    names = [*(values.get("config") or {}), *secret_env]
    problems += [f"config/secretEnv: {p}" for p in check_env(contract, settings, names)]
    missing = sorted(required_secret_env(contract, settings) - set(secret_env))
    if missing:
        problems.append(f"secretEnv: missing {', '.join(missing)}")
    scripts = console_scripts(contract)
    command = list(values.get("command") or [])
    if command[:1] != [contract.script] or contract.script not in scripts:
        problems.append(f"command: {command}, want [{contract.script!r}, 'serve', ...]")
    migration = values.get("migration") or {}
    if contract.database and migration.get("command") != [contract.script, "migrate"]:
        problems.append(f"migration.command: want [{contract.script!r}, 'migrate']")
    return problems
