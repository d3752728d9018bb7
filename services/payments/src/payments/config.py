"""Settings of the payments service (environment variables prefixed ``PAYMENTS_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from servicekit.settings import ReliableWritesSettings

__all__ = ["Settings"]


class Settings(ReliableWritesSettings):
    model_config = SettingsConfigDict(env_prefix="PAYMENTS_", extra="ignore", frozen=True)

    service_name: ClassVar[str] = "payments"

    port: int = Field(default=5002, ge=1, le=65535)

    # Decline rules (a declined create stores a FAILED payment, see README "Declines").
    # An amount above this many minor units is declined (any currency).
    decline_amount_above: int = Field(default=100_000_000, ge=1)
    # Test payer rule: a payer e-mail in this domain is always declined ("" disables it).
    decline_email_domain: str = "decline.test"

    # Pagination of `payments`.
    page_size_default: int = Field(default=20, ge=1, le=500)
    page_size_max: int = Field(default=100, ge=1, le=500)
