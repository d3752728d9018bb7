"""EdgeSettings: environment variables, production defaults and component builders."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest
from graphql import GraphQLSchema, parse, validate
from pydantic import ValidationError

from gateway.edge.errors import EdgeConfigError
from gateway.edge.limits import OperationLimits
from gateway.edge.persisted import MemoryStore, RedisStore
from gateway.edge.settings import EdgeSettings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("GATEWAY_") or name == "ENV":
            monkeypatch.delenv(name)


def test_safe_defaults_outside_production() -> None:
    s = EdgeSettings()
    assert s.introspection_enabled
    assert s.field_suggestions_enabled
    assert s.limits() == OperationLimits()
    assert s.csrf_enabled
    assert s.csrf_required_headers == ["x-apollo-operation-name", "apollo-require-preflight"]


def test_production_turns_introspection_and_suggestions_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENV", "prod")
    s = EdgeSettings()
    assert s.is_prod
    assert not s.introspection_enabled
    assert not s.field_suggestions_enabled
    monkeypatch.setenv("GATEWAY_INTROSPECTION", "true")
    monkeypatch.setenv("GATEWAY_FIELD_SUGGESTIONS", "1")
    s = EdgeSettings()
    assert s.introspection_enabled
    assert s.field_suggestions_enabled


def test_the_prefixed_env_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "prod")
    monkeypatch.setenv("GATEWAY_ENV", "dev")
    assert not EdgeSettings().is_prod


def test_validation_rules_refuse_introspection_in_production(
    monkeypatch: pytest.MonkeyPatch, api_schema: GraphQLSchema
) -> None:
    query = parse("{ __schema { queryType { name } } }")
    assert validate(api_schema, query, rules=EdgeSettings().validation_rules()) == []
    monkeypatch.setenv("ENV", "prod")
    errors = validate(api_schema, query, rules=EdgeSettings().validation_rules())
    assert errors
    assert all("introspection has been disabled" in e.message for e in errors)
    assert "'__schema'" in errors[0].message


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_MAX_QUERY_DEPTH", "5")
    monkeypatch.setenv("GATEWAY_MAX_COST", "250")
    monkeypatch.setenv("GATEWAY_MAX_ALIASES", "0")  # 0 is off
    monkeypatch.setenv("GATEWAY_MAX_BATCH_SIZE", "2")
    limits = EdgeSettings().limits()
    assert (limits.max_depth, limits.max_cost, limits.max_aliases, limits.max_batch_size) == (
        5,
        250.0,
        None,
        2,
    )


def test_negative_limits_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_MAX_QUERY_DEPTH", "-1")
    with pytest.raises(ValidationError):
        EdgeSettings()


def test_csrf_headers_are_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "GATEWAY_CSRF_REQUIRED_HEADERS", "X-Requested-With, apollo-require-preflight"
    )
    assert EdgeSettings().csrf_required_headers == ["x-requested-with", "apollo-require-preflight"]


def test_header_rules_from_json_or_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert EdgeSettings().header_rule_set().for_subgraph("a", {"authorization": "t"}) == {
        "authorization": "t"
    }
    monkeypatch.setenv("GATEWAY_HEADER_RULES", '{"all": [{"propagate": {"named": "x-a"}}]}')
    rules = EdgeSettings().header_rule_set()
    assert rules.for_subgraph("a", {"x-a": "1", "authorization": "t"}) == {"x-a": "1"}
    path = tmp_path / "rules.yaml"
    path.write_text("all: []\n")
    monkeypatch.setenv("GATEWAY_HEADER_RULES_FILE", str(path))
    with pytest.raises(ValidationError, match="not both"):
        EdgeSettings()
    monkeypatch.delenv("GATEWAY_HEADER_RULES")
    assert EdgeSettings().header_rule_set().for_subgraph("a", {"authorization": "t"}) == {}
    monkeypatch.setenv("GATEWAY_HEADER_RULES_FILE", str(tmp_path / "missing.yaml"))
    with pytest.raises(OSError):  # noqa: PT011 - the file's absence is the whole point
        EdgeSettings().header_rule_set()


async def test_the_apq_store_is_memory_unless_redis_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = EdgeSettings().apq_store()
    assert isinstance(store, MemoryStore)
    assert store.max_entries == 1000
    monkeypatch.setenv("GATEWAY_REDIS_URL", "redis://127.0.0.1:6399/0")
    monkeypatch.setenv("GATEWAY_APQ_TTL_S", "60")
    redis_store = EdgeSettings().apq_store()
    assert isinstance(redis_store, RedisStore)
    assert redis_store.ttl_s == 60
    await redis_store.aclose()
    monkeypatch.setenv("GATEWAY_APQ_ENABLED", "false")
    assert EdgeSettings().apq_store() is None


async def test_persisted_queries_with_a_manifest(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "manifest.json"
    manifest = {
        "format": "apollo-persisted-query-manifest",
        "version": 1,
        "operations": [{"id": "h1", "name": "H", "type": "query", "body": "{ hello }"}],
    }
    path.write_bytes(orjson.dumps(manifest))
    monkeypatch.setenv("GATEWAY_PERSISTED_QUERIES_MANIFEST", str(path))
    monkeypatch.setenv("GATEWAY_PERSISTED_QUERIES_SAFELIST", "true")
    s = EdgeSettings()
    pq = s.persisted_queries(s.apq_store())
    assert await pq.resolve(None, {"persistedQuery": {"version": 1, "sha256Hash": "h1"}}) == (
        "{ hello }"
    )
    monkeypatch.setenv("GATEWAY_PERSISTED_QUERIES_MANIFEST", str(tmp_path / "missing.json"))
    s = EdgeSettings()
    with pytest.raises(EdgeConfigError):
        s.persisted_queries(None)


def test_the_subgraph_guard_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATEWAY_RETRY_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("GATEWAY_BREAKER_FAILURE_THRESHOLD", "2")
    monkeypatch.setenv("GATEWAY_BREAKER_ENABLED", "false")
    guard = EdgeSettings().subgraph_guard()
    assert guard.retry.max_attempts == 1
    assert not guard.enabled
    assert guard.breaker("a").failure_threshold == 2
