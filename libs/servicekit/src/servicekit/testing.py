"""pytest plugin (auto-loaded through the ``pytest11`` entry point) for real-PostgreSQL tests.

- ``postgres_server_url`` (session): the server named by ``TEST_DATABASE_URL``, or an
  embedded PostgreSQL started for the session (stopped and deleted at the end).
- :func:`fresh_database` drops and recreates a database on that server.
- :func:`savepoint_sessions` yields a sessionmaker joined to an outer transaction
  that is rolled back afterwards, so application code may commit freely and each
  test still leaves nothing behind.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from servicekit.database import async_url
from servicekit.pg_embedded import EmbeddedPostgres

__all__ = ["fresh_database", "postgres_server_url", "savepoint_sessions", "server_url_of"]


def server_url_of(url: str) -> str:
    """The same server without a database name."""
    return make_url(async_url(url)).set(database=None).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    named = os.environ.get("TEST_DATABASE_URL")
    if named:
        yield server_url_of(named)
        return
    server = EmbeddedPostgres.temporary()
    server.start()
    try:
        yield server.url
    finally:
        server.destroy()


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def fresh_database(server_url: str, name: str) -> str:
    """Drop ``name`` if it exists, create it empty, and return its URL."""
    conn = await asyncpg.connect(_asyncpg_dsn(f"{server_url}/postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{server_url}/{name}"


@asynccontextmanager
async def savepoint_sessions(
    engine: AsyncEngine,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        try:
            yield async_sessionmaker(
                bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
        finally:
            await outer.rollback()
