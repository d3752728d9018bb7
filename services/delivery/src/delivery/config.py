"""Settings of the delivery service (environment variables prefixed ``DELIVERY_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ReliableWritesSettings

__all__ = ["Settings"]


class Settings(ReliableWritesSettings):
    model_config = SettingsConfigDict(env_prefix="DELIVERY_", extra="ignore", frozen=True)

    service_name: ClassVar[str] = "delivery"
    required_secrets: ClassVar[tuple[str, ...]] = ("pii_keys",)

    port: int = Field(default=5003, ge=1, le=65535)

    # Where delivery asks payments about a payment (its `_entities`), and how long it waits.
    payments_url: str = "http://127.0.0.1:5002/graphql"
    payments_timeout_seconds: float = Field(default=3.0, gt=0, le=60)

    # PII encryption keys: "kid:base64key,kid2:base64key" (32-byte AES-256 keys).
    pii_keys: SecretStr | None = None
    # The kid new writes use; defaults to the last key listed.
    pii_active_key: str | None = None

    # How many rows one rotation transaction re-encrypts.
    rotation_batch_size: int = Field(default=500, ge=1, le=10_000)
