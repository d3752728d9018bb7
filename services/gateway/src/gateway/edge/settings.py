"""Edge settings: environment variables with the ``GATEWAY_`` prefix (see ``docs/edge.md``).

One class, built once and passed in, with builders for the edge components. Production
(``GATEWAY_ENV=prod`` or ``ENV=prod``) turns introspection and field suggestions off unless
``GATEWAY_INTROSPECTION`` / ``GATEWAY_FIELD_SUGGESTIONS`` say otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

from graphql import ASTValidationRule, specified_rules
from graphql.validation import NoSchemaIntrospectionCustomRule
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gateway.edge.csrf import DEFAULT_REQUIRED_HEADERS
from gateway.edge.errors import EdgeConfigError
from gateway.edge.headers import HeaderRules
from gateway.edge.limits import OperationLimits
from gateway.edge.persisted import (
    MemoryStore,
    PersistedQueries,
    PersistedQueryStore,
    RedisStore,
    TrustedDocuments,
)
from gateway.edge.resilience import CircuitState, RetryPolicy, SubgraphGuard
from servicekit.settings import Environment

__all__ = ["EdgeSettings"]


class EdgeSettings(BaseSettings):
    """Everything the edge components read from the environment."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    env: Environment = Environment.dev
    introspection: bool | None = None  # None: on outside prod
    field_suggestions: bool | None = None  # None: on outside prod

    # Limits (None or 0 switches one off).
    # Same variables, defaults and meaning as servicekit's ServiceSettings (the gateway's
    # Settings reads them too): GATEWAY_MAX_BODY_BYTES, GATEWAY_MAX_QUERY_DEPTH.
    max_body_bytes: int | None = Field(default=1_048_576, ge=0)
    max_batch_size: int | None = Field(default=10, ge=0)
    max_tokens: int | None = Field(default=15_000, ge=0)
    max_query_depth: int | None = Field(default=15, ge=0)
    max_aliases: int | None = Field(default=30, ge=0)
    max_root_fields: int | None = Field(default=20, ge=0)
    max_fields: int | None = Field(default=5_000, ge=0)
    max_cost: float | None = Field(default=None, ge=0)
    cost_default_list_size: int = Field(default=10, ge=0)

    # Authorization directives.
    authorization_enabled: bool = True
    authorization_reject_unauthorized: bool = False
    authorization_max_errors: int = Field(default=100, ge=1)

    # Persisted queries.
    apq_enabled: bool = True
    apq_cache_size: int = Field(default=1000, ge=1)
    redis_url: str | None = None
    apq_redis_prefix: str = "gateway:apq:"
    apq_ttl_s: int | None = Field(default=86_400, ge=1)
    persisted_queries_manifest: Path | None = None
    persisted_queries_safelist: bool = False
    persisted_queries_require_id: bool = False

    # CSRF prevention.
    csrf_enabled: bool = True
    csrf_required_headers: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED_HEADERS)
    )

    # Header propagation (JSON text, or a YAML/JSON file; not both).
    header_rules: str | None = None
    header_rules_file: Path | None = None

    # Circuit breaker and retries.
    breaker_enabled: bool = True
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_reset_timeout_s: float = Field(default=30.0, gt=0)
    breaker_half_open_probes: int = Field(default=1, ge=1)
    retry_max_attempts: int = Field(default=3, ge=1)
    retry_base_delay_s: float = Field(default=0.05, ge=0)
    retry_max_delay_s: float = Field(default=1.0, ge=0)
    retry_budget_s: float = Field(default=2.0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _unprefixed_env(cls, data: Any) -> Any:
        # ``ENV`` without prefix is the platform-wide variable; the prefixed one wins.
        if isinstance(data, dict) and "env" not in data and os.environ.get("ENV"):
            data = {**data, "env": os.environ["ENV"]}
        return data

    @field_validator("csrf_required_headers", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [h.strip().lower() for h in value.split(",") if h.strip()]
        return value

    @model_validator(mode="after")
    def _one_header_source(self) -> EdgeSettings:
        if self.header_rules is not None and self.header_rules_file is not None:
            raise ValueError("set GATEWAY_HEADER_RULES or GATEWAY_HEADER_RULES_FILE, not both")
        return self

    # --- derived switches ----------------------------------------------------------------
    @property
    def is_prod(self) -> bool:
        return self.env is Environment.prod

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.is_prod

    @property
    def field_suggestions_enabled(self) -> bool:
        if self.field_suggestions is not None:
            return self.field_suggestions
        return not self.is_prod

    def validation_rules(self) -> Sequence[type[ASTValidationRule]]:
        """graphql-core rules for ``validate(schema, doc, rules=...)``."""
        if self.introspection_enabled:
            return tuple(specified_rules)
        return (*specified_rules, NoSchemaIntrospectionCustomRule)

    # --- builders --------------------------------------------------------------------------
    def limits(self) -> OperationLimits:
        def on(value: int | float | None) -> Any:
            return value or None  # 0 means off, like None

        return OperationLimits(
            max_depth=on(self.max_query_depth),
            max_aliases=on(self.max_aliases),
            max_root_fields=on(self.max_root_fields),
            max_fields=on(self.max_fields),
            max_tokens=on(self.max_tokens),
            max_cost=on(self.max_cost),
            max_body_bytes=on(self.max_body_bytes),
            max_batch_size=on(self.max_batch_size),
        )

    def header_rule_set(self) -> HeaderRules:
        """Parsed header rules; raises ``EdgeConfigError`` on a bad rule."""
        if self.header_rules is not None:
            return HeaderRules.from_json(self.header_rules)
        if self.header_rules_file is not None:
            return HeaderRules.from_file(self.header_rules_file)
        return HeaderRules()

    def apq_store(self) -> PersistedQueryStore | None:
        """Redis when ``GATEWAY_REDIS_URL`` is set, else an in-memory LRU; None when APQ is off.

        The caller owns a ``RedisStore`` and closes it (``aclose``) in the lifespan.
        """
        if not self.apq_enabled:
            return None
        if self.redis_url:
            return RedisStore.from_url(
                self.redis_url, prefix=self.apq_redis_prefix, ttl_s=self.apq_ttl_s
            )
        return MemoryStore(self.apq_cache_size)

    def persisted_queries(self, store: PersistedQueryStore | None) -> PersistedQueries:
        trusted = None
        if self.persisted_queries_manifest is not None:
            try:
                trusted = TrustedDocuments.from_file(self.persisted_queries_manifest)
            except OSError as err:
                raise EdgeConfigError(f"cannot read the persisted query manifest: {err}") from None
        return PersistedQueries(
            store=store,
            trusted=trusted,
            safelist=self.persisted_queries_safelist,
            require_id=self.persisted_queries_require_id,
        )

    def subgraph_guard(
        self, on_change: Callable[[str, CircuitState], None] | None = None
    ) -> SubgraphGuard:
        return SubgraphGuard(
            enabled=self.breaker_enabled,
            failure_threshold=self.breaker_failure_threshold,
            reset_timeout_s=self.breaker_reset_timeout_s,
            half_open_probes=self.breaker_half_open_probes,
            retry=RetryPolicy(
                max_attempts=self.retry_max_attempts,
                base_delay_s=self.retry_base_delay_s,
                max_delay_s=self.retry_max_delay_s,
                budget_s=self.retry_budget_s,
            ),
            on_change=on_change,
        )
