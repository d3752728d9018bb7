"""Fixtures: a migrated test database, per-test savepoint isolation, and the delivery
app talking over ASGI to a minimal real federated payments subgraph."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from servicekit.database import create_engine
from servicekit.migrations import upgrade_with_engine
from servicekit.testing import fresh_database, savepoint_sessions

_SUPPORT = str(Path(__file__).parent / "support")
if _SUPPORT not in sys.path:
    sys.path.insert(0, _SUPPORT)

from delivery_testkit import (  # noqa: E402
    Gql,
    PaymentsStub,
    build_payments_stub,
    make_settings,
    running_delivery,
)

from delivery.config import Settings  # noqa: E402


@pytest.fixture(scope="session")
async def database_url(postgres_server_url: str) -> str:
    return await fresh_database(postgres_server_url, "delivery_test")


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(make_settings(database_url=database_url, db_pool_size=25))
    await upgrade_with_engine("delivery.migrations", engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessions(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with savepoint_sessions(engine) as maker:
        yield maker


@pytest.fixture(scope="session")
def _stub_state() -> PaymentsStub:
    return PaymentsStub()


@pytest.fixture(scope="session")
async def _payments_app(_stub_state: PaymentsStub) -> AsyncIterator[FastAPI]:
    app = build_payments_stub(_stub_state)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def stub(_stub_state: PaymentsStub) -> PaymentsStub:
    """The payments the stub knows and its behaviour, fresh for each test."""
    _stub_state.reset()
    return _stub_state


@pytest.fixture
def payments_app(_payments_app: FastAPI, stub: PaymentsStub) -> FastAPI:
    return _payments_app


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
async def gql(
    settings: Settings, payments_app: FastAPI, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Gql]:
    async with running_delivery(settings, payments_app=payments_app, sessionmaker=sessions) as call:
        yield call
