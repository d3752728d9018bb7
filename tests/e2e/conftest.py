"""The whole platform as real processes: three subgraphs and the gateway on free ports,
each subgraph on its own fresh database of the session's PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tools.platform_runner import SUBGRAPHS, PlatformRunner

from servicekit.auth import issue_token
from servicekit.pg_embedded import free_port
from servicekit.testing import fresh_database

JWT_SECRET = "e2e-platform-secret-0123456789-abcdefghijklmnop"


@pytest.fixture(scope="session")
def platform(
    postgres_server_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PlatformRunner]:
    async def databases() -> dict[str, str]:
        return {
            spec.name: await fresh_database(postgres_server_url, f"e2e_{spec.name}")
            for spec in SUBGRAPHS
        }

    urls = asyncio.run(databases())
    ports = {name: free_port() for name in ("events", "payments", "delivery", "gateway")}
    logs = tmp_path_factory.mktemp("platform-logs")
    runner = PlatformRunner(
        database_urls=urls,
        ports=ports,
        jwt_secret=JWT_SECRET,
        env={
            "ENV": "test",
            "GATEWAY_EXPOSE_SUBGRAPH_ERRORS": "false",
            # Outbox relays retry quickly, so the trail catches up soon after an outage.
            "PAYMENTS_OUTBOX_BACKOFF_CAP_SECONDS": "2",
            "DELIVERY_OUTBOX_BACKOFF_CAP_SECONDS": "2",
        },
        log_dir=logs,
    )
    try:
        started = runner.start_all()
        assert started == ["events", "payments", "delivery", "gateway"], started
        yield runner
    finally:
        runner.stop_all()


def token(subject: str, *scopes: str) -> str:
    return issue_token(secret=JWT_SECRET, subject=subject, scopes=list(scopes))


class Client:
    """A GraphQL client for one caller, against the gateway or one subgraph."""

    def __init__(self, http: httpx.AsyncClient, url: str, bearer: str | None) -> None:
        self.http, self.url = http, url
        self.headers = {"authorization": f"Bearer {bearer}"} if bearer else {}

    async def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            self.url, json={"query": query, "variables": variables}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client


@pytest.fixture
def logs_dir(platform: PlatformRunner) -> Path:
    assert platform.log_dir is not None
    return platform.log_dir
