"""The delivery service's FastAPI app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery.config import Settings
from delivery.context import CIPHER, SERVICE, Context
from delivery.crypto import PiiCipher
from delivery.models import idempotency_keys, outbox
from delivery.payments_client import PaymentsClient
from delivery.schema import make_schema
from delivery.service import DeliveryService
from servicekit.app import ResourceHook, ServiceState
from servicekit.app import create_app as create_service_app
from servicekit.reliable_writes import reliable_write_hooks

__all__ = ["create_app"]


def create_app(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> FastAPI:
    """``sessionmaker`` and ``http_transport`` let tests inject an isolated database
    session and an in-process payments app."""
    settings.check_production()  # names every missing secret before key parsing can fail
    cipher = PiiCipher.from_settings(settings)  # fails fast on bad key material

    @asynccontextmanager
    async def delivery_resources(state: ServiceState) -> AsyncIterator[None]:
        assert state.http is not None
        state.extras[CIPHER] = cipher
        state.extras[SERVICE] = DeliveryService(
            sessions=state.sessions(),
            cipher=cipher,
            payments=PaymentsClient(
                state.http,
                url=settings.payments_url,
                timeout_seconds=settings.payments_timeout_seconds,
            ),
            idempotency_table=idempotency_keys,
            idempotency_retention=timedelta(seconds=settings.idempotency_retention_seconds),
            idempotency_wait_seconds=settings.idempotency_wait_seconds,
        )
        yield

    async def context_getter(request: Request, state: ServiceState) -> Context:
        return await Context.build(request, state)

    resources: list[ResourceHook] = [
        delivery_resources,
        *reliable_write_hooks(
            settings, idempotency_table=idempotency_keys, outbox_table=outbox, component="delivery"
        ),
    ]
    return create_service_app(
        settings,
        schema=make_schema(settings),
        context_getter=context_getter,
        resources=resources,
        sessionmaker=sessionmaker,
        http_transport=http_transport,
    )
