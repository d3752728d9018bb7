"""`.env.example` documents every environment variable the services read, and no other."""

import importlib
import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_CLASSES = [
    "events.config:Settings",
    "payments.config:Settings",
    "delivery.config:Settings",
    "gateway.settings:Settings",
    "gateway.edge.settings:EdgeSettings",
]
# Read outside any settings class (tests, make dev, the original API's aliases).
EXTRA = {
    "ENV",
    "TEST_DATABASE_URL",
    "EVENTS_DEV_DATABASE_URI",
    "EVENTS_TEST_DATABASE_URI",
    "EMBEDDED_PG_DURABLE",
    # docker-compose.yml's own inputs, passed on to the services' prefixed variables
    "JWT_SECRET",
    "LOG_LEVEL",
    "EVENTS_DB_PASSWORD",
    "PAYMENTS_DB_PASSWORD",
    "DELIVERY_DB_PASSWORD",
}


def _variables(path: str) -> set[str]:
    module_name, _, class_name = path.partition(":")
    try:
        settings_class: type[BaseSettings] = getattr(
            importlib.import_module(module_name), class_name
        )
    except (ImportError, AttributeError):
        pytest.skip(f"{path} does not exist yet")
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    names = set()
    for name, field in settings_class.model_fields.items():
        names.add(f"{prefix}{name}".upper())
        alias = field.validation_alias
        for choice in getattr(alias, "choices", [alias] if isinstance(alias, str) else []):
            if isinstance(choice, str):
                names.add(choice.upper())
    return names


def _documented() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


@pytest.mark.parametrize("settings_path", SETTINGS_CLASSES)
def test_every_setting_is_documented(settings_path: str) -> None:
    missing = _variables(settings_path) - _documented()
    assert not missing, f"add to .env.example: {sorted(missing)}"


def test_nothing_undocumented_is_invented() -> None:
    known = set(EXTRA)
    for path in SETTINGS_CLASSES:
        try:
            known |= _variables(path)
        except pytest.skip.Exception:
            return
    unknown = _documented() - known
    assert not unknown, f".env.example names variables no service reads: {sorted(unknown)}"
