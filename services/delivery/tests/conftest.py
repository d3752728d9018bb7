"""Fixtures: a migrated test database, per-test savepoint isolation, and the delivery
app talking over ASGI to the real payments app (its own database)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from servicekit.database import create_engine
from servicekit.migrations import upgrade_with_engine
from servicekit.testing import fresh_database, savepoint_sessions

_SUPPORT = str(Path(__file__).parent / "support")
if _SUPPORT not in sys.path:
    sys.path.insert(0, _SUPPORT)

from delivery_testkit import (  # noqa: E402
    JWT_SECRET,
    Gql,
    Payments,
    make_settings,
    running_delivery,
)

from delivery.config import Settings  # noqa: E402
from payments.main import create_app as create_payments_app  # noqa: E402
from payments.testing import settings_for as payments_settings  # noqa: E402


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
async def _payments(postgres_server_url: str) -> AsyncIterator[Payments]:
    """The real payments app on its own database, entered once for the session."""
    url = await fresh_database(postgres_server_url, "delivery_payments_test")
    settings = payments_settings(jwt_secret=JWT_SECRET, database_url=url)
    engine = create_engine(settings)
    try:
        await upgrade_with_engine("payments.migrations", engine)
    finally:
        await engine.dispose()
    app = create_payments_app(settings)
    async with app.router.lifespan_context(app):
        payments = Payments(app)
        yield payments
        await payments.aclose()


@pytest.fixture
def payments(_payments: Payments) -> Payments:
    """Payments as delivery sees it, with no fault switched on."""
    _payments.reset()
    return _payments


@pytest.fixture
def payments_app(payments: Payments) -> ASGIApp:
    return payments


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
async def gql(
    settings: Settings, payments_app: ASGIApp, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Gql]:
    async with running_delivery(settings, payments_app=payments_app, sessionmaker=sessions) as call:
        yield call
