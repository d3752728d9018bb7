"""Settings: the original API's variables keep working as aliases."""

from __future__ import annotations

import pytest

from events.config import Settings
from servicekit.settings import ConfigurationError

DEV_URL = "postgresql://dev@db.local/events_dev"
TEST_URL = "postgresql://test@db.local/events_test"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENV", "EVENTS_ENV", "EVENTS_DATABASE_URL", "EVENTS_DEV_DATABASE_URI",
                 "EVENTS_TEST_DATABASE_URI", "EVENTS_APP_SECRET", "EVENTS_PORT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = Settings()
    assert settings.port == 5001
    assert settings.database_url is None
    assert settings.app_secret is None


def test_dev_database_uri_is_used_in_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "dev")
    monkeypatch.setenv("EVENTS_DEV_DATABASE_URI", DEV_URL)
    monkeypatch.setenv("EVENTS_TEST_DATABASE_URI", TEST_URL)
    assert Settings().database_url == DEV_URL


def test_test_database_uri_is_used_in_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "test")
    monkeypatch.setenv("EVENTS_DEV_DATABASE_URI", DEV_URL)
    monkeypatch.setenv("EVENTS_TEST_DATABASE_URI", TEST_URL)
    assert Settings().database_url == TEST_URL


def test_database_url_wins_over_legacy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTS_DEV_DATABASE_URI", DEV_URL)
    monkeypatch.setenv("EVENTS_DATABASE_URL", "postgresql://new@db.local/events")
    assert Settings().database_url == "postgresql://new@db.local/events"


def test_app_secret_signs_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTS_APP_SECRET", "s3cr3t-for-cursors-0123456789abcdef")
    settings = Settings()
    assert settings.cursor_key() == b"s3cr3t-for-cursors-0123456789abcdef"


def test_without_app_secret_cursors_use_a_random_process_key() -> None:
    assert len(Settings().cursor_key()) == 32


def test_prod_requires_the_app_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "prod")
    monkeypatch.setenv("EVENTS_DATABASE_URL", DEV_URL)
    monkeypatch.setenv("EVENTS_JWT_SECRET", "j" * 40)
    with pytest.raises(ConfigurationError, match="EVENTS_APP_SECRET is not set"):
        Settings().check_production()
    monkeypatch.setenv("EVENTS_APP_SECRET", "a" * 40)
    Settings().check_production()
