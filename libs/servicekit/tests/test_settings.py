import pytest
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ConfigurationError, DatabaseSettings, Environment

LONG_SECRET = "k3y-for-tests-only-0123456789-abcdefghij"


class DemoSettings(DatabaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", extra="ignore", frozen=True)
    service_name = "demo"


def test_values_come_from_the_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PORT", "5999")
    monkeypatch.setenv("DEMO_DATABASE_URL", "postgresql://u@h/db")
    settings = DemoSettings()
    assert settings.port == 5999
    assert settings.database_url == "postgresql://u@h/db"


def test_the_unprefixed_env_variable_of_the_original_api_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENV", "test")
    assert DemoSettings().env is Environment.test
    monkeypatch.setenv("DEMO_ENV", "dev")
    assert DemoSettings().env is Environment.dev


def test_production_refuses_to_start_without_a_jwt_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "prod")
    with pytest.raises(ConfigurationError, match="DEMO_JWT_SECRET or DEMO_JWT_JWKS_URL"):
        DemoSettings(database_url="postgresql://u@h/db").check_production()


@pytest.mark.parametrize("secret", ["change-me-please-change-me-please-00", "short-but-real"])
def test_production_refuses_placeholder_or_short_secrets(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("ENV", "prod")
    settings = DemoSettings(database_url="postgresql://u@h/db", jwt_secret=secret)
    with pytest.raises(ConfigurationError, match="DEMO_JWT_SECRET"):
        settings.check_production()


def test_production_starts_with_real_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "prod")
    settings = DemoSettings(database_url="postgresql://u@h/db", jwt_secret=LONG_SECRET)
    settings.check_production()
    assert settings.is_prod
    assert not settings.graphiql_enabled
    assert not settings.introspection_enabled


def test_the_secret_never_shows_in_the_settings_repr() -> None:
    settings = DemoSettings(jwt_secret=LONG_SECRET)
    assert LONG_SECRET not in repr(settings)
    assert LONG_SECRET not in str(settings.model_dump())
