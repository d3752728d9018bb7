"""Settings base shared by every service.

Each service subclasses :class:`ServiceSettings` with its own env prefix
(``EVENTS_``, ``PAYMENTS_`` ...). Configuration comes from the environment only;
secrets have no default, and ``ENV=prod`` refuses to start with a missing or
placeholder secret (:meth:`ServiceSettings.check_production`).
"""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "PLACEHOLDER_MARKERS",
    "ConfigurationError",
    "DatabaseSettings",
    "Environment",
    "ReliableWritesSettings",
    "ServiceSettings",
    "is_placeholder",
]

# A secret containing one of these (case-insensitive) is a placeholder copied from
# .env.example or a tutorial, never a real secret.
PLACEHOLDER_MARKERS = ("change-me", "changeme", "placeholder", "example", "insecure", "xxx")


class ConfigurationError(RuntimeError):
    """The settings cannot run in this environment (e.g. production without a secret)."""


class Environment(StrEnum):
    dev = "dev"
    test = "test"
    prod = "prod"


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return not lowered or any(marker in lowered for marker in PLACEHOLDER_MARKERS)


class ServiceSettings(BaseSettings):
    """Settings every service has. Subclasses set ``model_config`` with their env prefix."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    # Names of SecretStr fields that production requires (subclasses extend it).
    required_secrets: ClassVar[tuple[str, ...]] = ()

    service_name: ClassVar[str] = "service"

    # `ENV` without prefix is the original API's variable; the prefixed one wins.
    env: Environment = Field(default=Environment.dev)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"
    log_format: str = Field(default="auto", pattern="^(auto|json|console)$")

    jwt_secret: SecretStr | None = None
    jwt_algorithms: list[str] = Field(default_factory=lambda: ["HS256", "RS256", "ES256"])
    jwt_jwks_url: str | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=300)

    graphiql: bool | None = None  # default: on outside prod
    introspection: bool | None = None  # default: on outside prod
    max_query_depth: int = Field(default=15, ge=1)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # Garbage collection every this many seconds instead of CPython's every 700 allocations
    # (servicekit/gc_timer.py); 0: CPython's default.
    gc_interval_s: float = Field(default=1.0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _unprefixed_env(cls, data: Any) -> Any:
        if isinstance(data, dict) and "env" not in data and os.environ.get("ENV"):
            data = {**data, "env": os.environ["ENV"]}
        return data

    @property
    def is_prod(self) -> bool:
        return self.env is Environment.prod

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.is_prod

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.is_prod

    def check_production(self) -> None:
        """Raise :class:`ConfigurationError` naming every unusable setting in prod."""
        if not self.is_prod:
            return
        problems = self.production_problems()
        if problems:
            raise ConfigurationError(
                f"refusing to start {self.service_name} with ENV=prod: " + "; ".join(problems)
            )

    def production_problems(self) -> list[str]:
        """What production would refuse (subclasses add their own)."""
        prefix = str(self.model_config.get("env_prefix", ""))
        problems: list[str] = []
        for name in self.required_secrets:
            value = getattr(self, name)
            if value is None:
                problems.append(f"{prefix}{name.upper()} is not set")
            elif isinstance(value, SecretStr) and is_placeholder(value.get_secret_value()):
                problems.append(f"{prefix}{name.upper()} holds a placeholder value")
        if self.jwt_secret is None and self.jwt_jwks_url is None:
            problems.append(f"set {prefix}JWT_SECRET or {prefix}JWT_JWKS_URL")
        elif self.jwt_secret is not None and is_placeholder(self.jwt_secret.get_secret_value()):
            problems.append(f"{prefix}JWT_SECRET holds a placeholder value")
        elif self.jwt_secret is not None and len(self.jwt_secret.get_secret_value()) < 32:
            problems.append(f"{prefix}JWT_SECRET must be at least 32 bytes")
        return problems

    def env_name(self, field: str) -> str:
        """The environment variable that sets ``field`` (for messages and docs)."""
        return f"{self.model_config.get('env_prefix', '')}{field.upper()}"


def alias(*names: str) -> AliasChoices:
    """Accept several environment variable names for one field (legacy aliases)."""
    return AliasChoices(*names)


class DatabaseSettings(ServiceSettings):
    """A service that owns a PostgreSQL database (every subgraph; not the gateway)."""

    database_url: str | None = None
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    db_pool_timeout: float = Field(default=10.0, gt=0)
    db_pool_recycle: int = Field(default=1800, ge=-1)
    # asyncpg's prepared-statement cache breaks behind PgBouncer in transaction mode.
    db_statement_cache: bool = True
    db_echo: bool = False

    def production_problems(self) -> list[str]:
        problems = super().production_problems()
        if self.database_url is None:
            problems.append(f"{self.env_name('database_url')} is not set")
        return problems


class ReliableWritesSettings(DatabaseSettings):
    """A service whose mutations are idempotent and whose changes feed the event trail."""

    # Idempotency keys: how long a key answers with its first outcome, how long a duplicate
    # waits for the in-flight first request before IDEMPOTENCY_IN_PROGRESS, how often
    # expired keys are purged in the background (0 disables the purge task).
    idempotency_retention_seconds: int = Field(default=86_400, ge=1)
    idempotency_wait_seconds: float = Field(default=10.0, gt=0, le=60)
    idempotency_purge_interval_seconds: float = Field(default=300.0, ge=0)

    # The event trail: the events service's GraphQL endpoint the outbox relay delivers to
    # (unset: changes still queue in the outbox, nothing is relayed), and the relay's batch
    # size, idle poll and longest backoff while events is unreachable.
    events_url: str | None = None
    outbox_batch_size: int = Field(default=100, ge=1, le=1000)
    outbox_idle_seconds: float = Field(default=0.5, gt=0, le=60)
    outbox_backoff_cap_seconds: float = Field(default=30.0, gt=0, le=600)
    # How often events may refuse a row's content (BAD_USER_INPUT, EVENT_ID_CONFLICT) before
    # the row becomes a dead letter and its subject's later events proceed; transient
    # failures (unreachable, 5xx, 429, auth) never count. And how long delivered rows are
    # kept before the relay deletes them (0: forever); dead letters are never purged.
    outbox_max_rejections: int = Field(default=10, ge=1, le=1000)
    outbox_retention_seconds: int = Field(default=604_800, ge=0)
