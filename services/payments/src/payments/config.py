"""Settings of the payments service (environment variables prefixed ``PAYMENTS_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import DatabaseSettings

__all__ = ["Settings"]


class Settings(DatabaseSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore", frozen=True)

    service_name: ClassVar[str] = "payments"

    port: int = Field(default=5002, ge=1, le=65535)

    # Decline rules (a declined create stores a FAILED payment, see README "Declines").
    # An amount above this many minor units is declined (any currency).
    decline_amount_above: int = Field(default=100_000_000, ge=1)
    # Test payer rule: a payer e-mail in this domain is always declined ("" disables it).
    decline_email_domain: str = "decline.test"

    # Idempotency keys: how long a key is remembered, how long a duplicate waits for an
    # in-flight first request before IDEMPOTENCY_IN_PROGRESS, how often expired keys are
    # purged in the background (0 disables the purge task).
    idempotency_retention_seconds: int = Field(default=86_400, ge=1)
    idempotency_wait_seconds: float = Field(default=10.0, gt=0, le=60)
    idempotency_purge_interval_seconds: float = Field(default=300.0, ge=0)

    # Pagination of `payments`.
    page_size_default: int = Field(default=20, ge=1, le=500)
    page_size_max: int = Field(default=100, ge=1, le=500)

    # The event trail (issue 9): the events service's GraphQL endpoint the outbox relay
    # delivers to (unset: changes still queue in the outbox, nothing is relayed), and
    # the relay's batch size, idle poll and longest backoff while events is unreachable.
    events_url: str | None = None
    outbox_batch_size: int = Field(default=100, ge=1, le=1000)
    outbox_idle_seconds: float = Field(default=0.5, gt=0, le=60)
    outbox_backoff_cap_seconds: float = Field(default=30.0, gt=0, le=600)
