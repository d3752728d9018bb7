"""The payments app: the servicekit app factory with this subgraph's schema and resources."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.config import Settings
from payments.context import get_context
from payments.models import idempotency_keys, outbox
from payments.schema import create_schema
from servicekit.app import create_app as create_service_app
from servicekit.reliable_writes import reliable_write_hooks

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or Settings()
    resources = reliable_write_hooks(
        settings, idempotency_table=idempotency_keys, outbox_table=outbox, component="payments"
    )
    return create_service_app(
        settings,
        schema=create_schema(settings),
        context_getter=get_context,
        resources=resources,
        sessionmaker=sessionmaker,
        http_transport=http_transport,
    )
