"""The payments app: the servicekit app factory with this subgraph's schema and resources."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.config import Settings
from payments.context import get_context
from payments.models import idempotency_keys, outbox
from payments.schema import create_schema
from servicekit.app import ResourceHook
from servicekit.app import create_app as create_service_app
from servicekit.idempotency import purge_task
from servicekit.outbox import events_relay_hook

__all__ = ["create_app"]


def create_app(
    settings: Settings | None = None,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    settings = settings or Settings()
    resources: list[ResourceHook] = []
    if settings.idempotency_purge_interval_seconds > 0:
        resources.append(
            purge_task(
                idempotency_keys, interval_seconds=settings.idempotency_purge_interval_seconds
            )
        )
    if settings.events_url:
        resources.append(
            events_relay_hook(
                outbox,
                url=settings.events_url,
                component="payments",
                batch_size=settings.outbox_batch_size,
                idle_seconds=settings.outbox_idle_seconds,
                backoff_cap_seconds=settings.outbox_backoff_cap_seconds,
            )
        )
    return create_service_app(
        settings,
        schema=create_schema(settings),
        context_getter=get_context,
        resources=resources,
        sessionmaker=sessionmaker,
        http_transport=http_transport,
    )
