"""Real PostgreSQL for every test: one migrated database per session, one rolled-back
transaction per test (the app may commit; nothing is left behind)."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from events.config import Settings
from events.main import create_app
from events.repository import count_events
from servicekit.database import create_engine
from servicekit.migrations import upgrade_with_engine
from servicekit.testing import fresh_database, savepoint_sessions, server_url_of

# Test modules are imported with --import-mode=importlib: shared helpers live in a uniquely
# named package put on the path here (as the gateway's tests do).
_SUPPORT = str(Path(__file__).parent / "support")
if _SUPPORT not in sys.path:
    sys.path.insert(0, _SUPPORT)

from events_testkit import GraphQL  # noqa: E402

TEST_SECRET = "events-test-cursor-signing-key-0123456789"
JWT_SECRET = "events-test-jwt-secret-0123456789abcdef"


@pytest.fixture(scope="session")
def events_database_target(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(server URL, database name): the original API's EVENTS_TEST_DATABASE_URI when set."""
    legacy = os.environ.get("EVENTS_TEST_DATABASE_URI")
    if legacy:
        return server_url_of(legacy), make_url(legacy).database or "events_test"
    server: str = request.getfixturevalue("postgres_server_url")
    return server, "events_test"


@pytest.fixture(scope="session")
async def database_url(events_database_target: tuple[str, str]) -> str:
    server, name = events_database_target
    return await fresh_database(server, name)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        app_secret=SecretStr(TEST_SECRET),
        jwt_secret=SecretStr(JWT_SECRET),
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    await upgrade_with_engine("events.migrations", engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def sessions(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with savepoint_sessions(engine) as sessionmaker:
        yield sessionmaker


@pytest.fixture
async def client(
    settings: Settings, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, sessionmaker=sessions)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://events.test"
        ) as http,
    ):
        yield http


@pytest.fixture
async def engine_client(
    settings: Settings, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The app on its own pooled engine: for tests that send many requests at once.
    Such tests commit for real and must delete their own rows."""
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://events.test"
        ) as http,
    ):
        yield http


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQL:
    return GraphQL(client)


@pytest.fixture
async def count_rows(sessions: async_sessionmaker[AsyncSession]) -> Callable[[], Awaitable[int]]:
    async def count() -> int:
        async with sessions() as session:
            return await count_events(session)

    return count
