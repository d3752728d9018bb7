"""Alembic glue: one ``env.py`` body for every service, and programmatic upgrades.

Each service keeps its migrations inside its package (``<pkg>/migrations``) so
they ship with the wheel and the container can run ``<svc>-service migrate``.
Its ``env.py`` is two lines: import the metadata, call :func:`run_env`.
"""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Connection, MetaData, pool
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from servicekit.database import async_url

__all__ = ["alembic_config", "run_env", "upgrade", "upgrade_with_engine"]


def alembic_config(migrations_package: str, url: str | None = None) -> Config:
    location = Path(str(resources.files(migrations_package)))
    config = Config()
    config.set_main_option("script_location", str(location))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.set_main_option("timezone", "UTC")
    if url:
        # Alembic's config is ConfigParser-based: a '%' in a password must be doubled.
        config.set_main_option("sqlalchemy.url", async_url(url).replace("%", "%%"))
    return config


def _run_sync(connection: Connection, metadata: MetaData) -> None:
    context.configure(connection=connection, target_metadata=metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_env(metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_sync(connection, metadata)
        return
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    if not url:
        raise RuntimeError("no database URL given to the migrations")

    async def online() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as conn:
            await conn.run_sync(_run_sync, metadata)
            await conn.commit()
        await engine.dispose()

    asyncio.run(online())


def upgrade(migrations_package: str, url: str, revision: str = "head") -> None:
    """Upgrade from a synchronous caller (the CLI)."""
    command.upgrade(alembic_config(migrations_package, url), revision)


async def upgrade_with_engine(
    migrations_package: str, engine: AsyncEngine, revision: str = "head"
) -> None:
    """Upgrade from inside a running event loop (tests, ``make dev``)."""
    config = alembic_config(migrations_package)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)
