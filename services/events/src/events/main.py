"""The events app: ``create_app(settings)`` -> FastAPI."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.context import EventsContext
from events.schema import build_events_schema
from servicekit.app import create_app as create_service_app
from servicekit.settings import ServiceSettings

__all__ = ["create_app"]


def create_app(
    settings: ServiceSettings, *, sessionmaker: async_sessionmaker[AsyncSession] | None = None
) -> FastAPI:
    """``sessionmaker`` lets tests run the real app inside a rolled-back transaction."""
    return create_service_app(
        settings,
        schema=build_events_schema(settings),
        context_getter=EventsContext.build,
        sessionmaker=sessionmaker,
        title="events",
    )
