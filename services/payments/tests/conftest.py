"""Payments test setup: a migrated `payments_test` database, isolated sessions, clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from payments.testing import GraphQLClient, payments_client, settings_for, token
from servicekit.database import create_engine
from servicekit.migrations import upgrade_with_engine
from servicekit.testing import fresh_database, savepoint_sessions


@pytest.fixture(scope="session")
async def database_url(postgres_server_url: str) -> str:
    url = await fresh_database(postgres_server_url, "payments_test")
    engine = create_engine(settings_for(), url=url)
    try:
        await upgrade_with_engine("payments.migrations", engine)
    finally:
        await engine.dispose()
    return url


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings_for(), url=database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessions(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions inside one outer transaction that is rolled back after the test."""
    async with savepoint_sessions(engine) as maker:
        yield maker


@pytest.fixture
async def client(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[GraphQLClient]:
    """The real app on the isolated sessions, acting as alice with payments:write."""
    async with payments_client(settings_for(), sessionmaker=sessions) as graphql:
        graphql.default_token = token("alice@example.com", "payments:write")
        yield graphql
