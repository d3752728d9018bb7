"""Gateway settings come from GATEWAY_* environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from gwharness.shop import SHOP_SUPERGRAPH

from gateway.server import subgraph_urls
from gateway.settings import Settings
from gateway.supergraph import load_supergraph


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GATEWAY_PORT", "GATEWAY_SUBGRAPH_URLS", "GATEWAY_DEDUP_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.port == 5000
    assert settings.dedup_enabled is True
    assert settings.expose_subgraph_errors is False
    assert settings.timeout_for("anything") == settings.request_timeout_s


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GATEWAY_PORT", "6001")
    monkeypatch.setenv("GATEWAY_SUPERGRAPH_PATH", str(tmp_path / "s.graphql"))
    monkeypatch.setenv("GATEWAY_SUBGRAPH_URLS", '{"reviews": "http://reviews.internal/graphql"}')
    monkeypatch.setenv("GATEWAY_SUBGRAPH_TIMEOUTS_S", '{"reviews": 1.5}')
    monkeypatch.setenv("GATEWAY_DEDUP_ENABLED", "false")
    monkeypatch.setenv("GATEWAY_OVERRIDE_LABELS_OFF", '["move-stock"]')
    settings = Settings()
    assert settings.port == 6001
    assert settings.supergraph_path == tmp_path / "s.graphql"
    assert settings.dedup_enabled is False
    assert settings.timeout_for("reviews") == 1.5
    assert settings.override_labels_off == frozenset({"move-stock"})
    urls = subgraph_urls(load_supergraph(SHOP_SUPERGRAPH), settings)
    assert urls == {
        "accounts": "http://accounts/graphql",
        "inventory": "http://inventory/graphql",
        "products": "http://products/graphql",
        "reviews": "http://reviews.internal/graphql",
    }


def test_idle_subgraph_connections_are_dropped_by_the_gateway_before_the_server_drops_them() -> (
    None
):
    from servicekit.cli import SERVER_KEEP_ALIVE_S

    assert Settings().keepalive_expiry_s < SERVER_KEEP_ALIVE_S
