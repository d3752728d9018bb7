"""Settings of the delivery service (environment variables prefixed ``DELIVERY_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from servicekit.settings import DatabaseSettings

__all__ = ["Settings"]


class Settings(DatabaseSettings):
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

    # Idempotency keys (as payments): how long a key answers with its first outcome, how
    # long a duplicate waits for the in-flight first request, how often expired keys are
    # purged in the background (0 disables the purge task).
    idempotency_retention_seconds: int = Field(default=86_400, ge=1)
    idempotency_wait_seconds: float = Field(default=10.0, gt=0, le=60)
    idempotency_purge_interval_seconds: float = Field(default=300.0, ge=0)

    # The event trail (issue 9): the events service's GraphQL endpoint the outbox relay
    # delivers to (unset: changes still queue in the outbox, nothing is relayed), and
    # the relay's batch size, idle poll and longest backoff while events is unreachable.
    events_url: str | None = None
    outbox_batch_size: int = Field(default=100, ge=1, le=1000)
    outbox_idle_seconds: float = Field(default=0.5, gt=0, le=60)
    outbox_backoff_cap_seconds: float = Field(default=30.0, gt=0, le=600)
