"""Settings of the events service (``EVENTS_`` prefix, plus the original API's variables).

Legacy aliases kept from the original events API:

- ``EVENTS_DEV_DATABASE_URI`` is the database when ``ENV=dev`` and ``EVENTS_DATABASE_URL``
  is not set; ``EVENTS_TEST_DATABASE_URI`` likewise when ``ENV=test`` (and the test suite
  uses it instead of an embedded server).
- ``EVENTS_APP_SECRET`` is the service's own secret: it signs pagination cursors (HMAC), so a
  client cannot forge a cursor. Required in production; elsewhere a random per-process key is
  used when it is unset (cursors then do not survive a restart).
"""

from __future__ import annotations

import os
import secrets
from typing import Any, ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from servicekit.settings import DatabaseSettings

__all__ = ["LEGACY_DATABASE_VARIABLES", "Settings"]

# ENV value -> the original API's variable naming that environment's database.
LEGACY_DATABASE_VARIABLES: dict[str, str] = {
    "dev": "EVENTS_DEV_DATABASE_URI",
    "test": "EVENTS_TEST_DATABASE_URI",
}


class Settings(DatabaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVENTS_", extra="ignore", frozen=True)

    service_name: ClassVar[str] = "events"
    required_secrets: ClassVar[tuple[str, ...]] = ("app_secret",)

    port: int = Field(default=5001, ge=1, le=65535)
    app_secret: SecretStr | None = None
    # Bounds of the list queries (`events`, `eventsByParameters`, `eventsConnection`).
    default_page_size: int = Field(default=50, ge=1, le=500)
    max_page_size: int = Field(default=500, ge=1, le=500)

    @model_validator(mode="before")
    @classmethod
    def _legacy_database_uri(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("database_url"):
            return data
        env = str(data.get("env") or os.environ.get("ENV") or "dev")
        legacy = LEGACY_DATABASE_VARIABLES.get(env)
        if legacy and os.environ.get(legacy):
            return {**data, "database_url": os.environ[legacy]}
        return data

    def cursor_key(self) -> bytes:
        """The key that signs cursors: the app secret, or a per-process random key."""
        if self.app_secret is not None:
            return self.app_secret.get_secret_value().encode()
        return _PROCESS_KEY


_PROCESS_KEY = secrets.token_bytes(32)
