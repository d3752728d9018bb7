"""Async SQLAlchemy engine and sessions (asyncpg), configured from settings."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from sqlalchemy import MetaData, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from servicekit.settings import DatabaseSettings

__all__ = [
    "NAMING_CONVENTION",
    "DatabaseNotConfiguredError",
    "async_url",
    "create_engine",
    "create_sessionmaker",
    "ping",
    "pool_in_use",
]

# Constraint names are deterministic so migrations can drop and rename them.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class DatabaseNotConfiguredError(RuntimeError):
    """No database URL was given to a service that needs one."""


def naming_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


def async_url(url: str) -> str:
    """Accept ``postgres://``/``postgresql://`` (the original API's style) and use asyncpg."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername in {"postgresql", "postgresql+psycopg2", "postgresql+psycopg"}:
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def create_engine(settings: DatabaseSettings, *, url: str | None = None) -> AsyncEngine:
    target = url or settings.database_url
    if not target:
        raise DatabaseNotConfiguredError(f"{settings.env_name('database_url')} is not set")
    connect_args: dict[str, Any] = {"server_settings": {"application_name": settings.service_name}}
    if not settings.db_statement_cache:
        # PgBouncer (transaction pooling) cannot keep prepared statements per client.
        connect_args["statement_cache_size"] = 0
        connect_args["prepared_statement_name_func"] = lambda: f"__asyncpg_{uuid4()}__"
    return create_async_engine(
        async_url(target),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout,
        pool_recycle=settings.db_pool_recycle,
        pool_pre_ping=True,
        echo=settings.db_echo,
        connect_args=connect_args,
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))


def pool_in_use(engine: AsyncEngine) -> int:
    checked_out = getattr(engine.pool, "checkedout", None)
    return int(checked_out()) if callable(checked_out) else 0
