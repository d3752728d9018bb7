"""The service as deployed: engine from the URL, probes, metrics, production guard."""

from __future__ import annotations

import pytest
from delivery_testkit import KEY_A, make_settings, running_delivery
from starlette.types import ASGIApp

from delivery.main import create_app
from servicekit.settings import ConfigurationError


async def test_probes_and_metrics_answer_on_an_engine_backed_app(
    database_url: str, payments_app: ASGIApp
) -> None:
    settings = make_settings(database_url=database_url, idempotency_purge_interval_seconds=60)
    async with running_delivery(settings, payments_app=payments_app) as gql:
        client = gql.client
        assert (await client.get("/healthz")).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        await gql("{ __typename }")
        metrics = await client.get("/metrics")
        assert metrics.status_code == 200
        assert 'service="delivery"' in metrics.text


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"pii_keys": None}, "DELIVERY_PII_KEYS is not set"),
        ({"pii_keys": "k1:change-me"}, "DELIVERY_PII_KEYS holds a placeholder"),
        ({"jwt_secret": None}, "DELIVERY_JWT_SECRET or DELIVERY_JWT_JWKS_URL"),
    ],
)
def test_production_refuses_to_start_without_its_secrets(
    overrides: dict[str, object], problem: str
) -> None:
    values: dict[str, object] = {
        "env": "prod",
        "jwt_secret": "a-real-secret-that-is-long-enough-0123456789",
        "database_url": "postgresql://db.internal/delivery",
        "pii_keys": f"k1:{KEY_A}",
        **overrides,
    }
    with pytest.raises(ConfigurationError, match=problem):
        create_app(make_settings(**values))


def test_development_without_keys_uses_the_built_in_dev_key() -> None:
    app = create_app(make_settings(pii_keys=None, pii_active_key=None))
    assert app.title == "delivery"
