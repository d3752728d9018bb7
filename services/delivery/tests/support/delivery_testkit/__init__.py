"""Test helpers of the delivery service: settings, tokens, a minimal federated payments
subgraph (Strawberry, answering ``_entities`` for ``Payment``), and a GraphQL caller
for the delivery app running over ASGI."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import strawberry
from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from delivery.config import Settings
from delivery.main import create_app
from servicekit.app import ServiceState
from servicekit.app import create_app as create_service_app
from servicekit.auth import issue_token
from servicekit.context import RequestContext
from servicekit.errors import Forbidden, NotFound
from servicekit.graphql import build_schema
from servicekit.settings import ServiceSettings

__all__ = [
    "ADDRESS",
    "ALICE",
    "BOB",
    "JWT_SECRET",
    "KEY_A",
    "KEY_B",
    "RECIPIENT",
    "SCHEDULE",
    "UPDATE",
    "Gql",
    "PaymentsStub",
    "build_payments_stub",
    "codes",
    "make_settings",
    "running_delivery",
    "schedule",
    "token",
    "update",
]

JWT_SECRET = "delivery-tests-secret-0123456789abcdef"
KEY_A = base64.b64encode(os.urandom(32)).decode()
KEY_B = base64.b64encode(os.urandom(32)).decode()
ALICE = "alice@example.com"
BOB = "bob@example.com"


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "env": "test",
        "jwt_secret": JWT_SECRET,
        "jwt_jwks_url": None,
        "jwt_issuer": None,
        "jwt_audience": None,
        "pii_keys": f"k1:{KEY_A}",
        "pii_active_key": "k1",
        "payments_url": "http://payments.test/graphql",
        "payments_timeout_seconds": 2.0,
        "database_url": None,
        **overrides,
    }
    return Settings(**values)


def token(subject: str, *scopes: str) -> str:
    return issue_token(secret=JWT_SECRET, subject=subject, scopes=list(scopes))


# --- a minimal payments subgraph ------------------------------------------------------


@dataclass
class PaymentsStub:
    """What the stub payments service knows, and how it misbehaves on demand."""

    payments: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (status, payer)
    down: bool = False
    hang: bool = False
    lookups: int = 0

    def reset(self) -> None:
        self.payments.clear()
        self.down = self.hang = False
        self.lookups = 0

    def add(self, *, status: str = "CAPTURED", payer: str = ALICE) -> str:
        payment_id = str(uuid.uuid4())
        self.payments[payment_id] = (status, payer)
        return payment_id


class _Outage:
    """Answers 503 (not GraphQL) while the stub is marked down."""

    def __init__(self, app: ASGIApp, stub: PaymentsStub) -> None:
        self.app = app
        self.stub = stub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.stub.down:
            await JSONResponse({"message": "unavailable"}, status_code=503)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def build_payments_stub(stub: PaymentsStub) -> FastAPI:
    @strawberry.federation.type(keys=["id"], name="Payment")
    class StubPayment:
        id: strawberry.ID
        status: str
        payer_email: str

        @classmethod
        async def resolve_reference(
            cls,
            info: strawberry.Info[RequestContext, None],
            id: strawberry.ID,
        ) -> StubPayment:
            principal = info.context.require_principal()
            stub.lookups += 1
            if stub.hang:
                await asyncio.sleep(30)
            found = stub.payments.get(str(id))
            if found is None:
                raise NotFound("no payment with this id")
            status, payer = found
            if payer not in principal.owner_keys and not principal.has_scope("payments:admin"):
                raise Forbidden("this payment belongs to another payer")
            return cls(id=id, status=status, payer_email=payer)

    @strawberry.type
    class StubQuery:
        @strawberry.field
        def ping(self) -> bool:
            return True

    settings = ServiceSettings(env="test", jwt_secret=JWT_SECRET)

    async def context_getter(request: Request, state: ServiceState) -> RequestContext:
        return await RequestContext.build(request, state)

    app = create_service_app(
        settings,
        schema=build_schema(settings=settings, query=StubQuery, types=[StubPayment]),
        context_getter=context_getter,
    )
    app.add_middleware(_Outage, stub=stub)
    return app


# --- calling the delivery app ---------------------------------------------------------------


class Gql:
    """POSTs GraphQL to the delivery app as a given caller."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {as_}"} if as_ else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body


@asynccontextmanager
async def running_delivery(
    settings: Settings,
    *,
    payments_app: FastAPI | None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> AsyncIterator[Gql]:
    """The delivery app over ASGI; ``payments_app=None`` makes it talk real HTTP to
    ``settings.payments_url``."""
    app = create_app(
        settings,
        sessionmaker=sessionmaker,
        http_transport=httpx.ASGITransport(app=payments_app) if payments_app else None,
        purge_idempotency_keys=False,
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://delivery.test"
        ) as client,
    ):
        yield Gql(client)


# --- operations -------------------------------------------------------------------------------

DELIVERY_FIELDS = """
  id status recipientName courier trackingNumber eta createdAt
  address { line1 line2 city postalCode country }
  history { status note at }
  payment { id }
"""

SCHEDULE = f"""
mutation Schedule($paymentId: ID!, $name: String!, $address: AddressInput!, $key: String!) {{
  scheduleDelivery(paymentId: $paymentId, recipientName: $name, address: $address,
                   idempotencyKey: $key) {{ {DELIVERY_FIELDS} }}
}}
"""

UPDATE = f"""
mutation Update($id: ID!, $status: DeliveryStatus!, $key: String!, $note: String,
                $courier: String, $tracking: String, $eta: DateTime) {{
  updateDeliveryStatus(id: $id, status: $status, idempotencyKey: $key, note: $note,
                       courier: $courier, trackingNumber: $tracking, eta: $eta) {{
    {DELIVERY_FIELDS}
  }}
}}
"""

RECIPIENT = "Zoë Quintessa Testperson"
ADDRESS: dict[str, Any] = {
    "line1": "Gartenstraße 17 Hinterhaus",
    "line2": "Aufgang C",
    "city": "Wuppertal-Elberfeld",
    "postalCode": "42103",
    "country": "DE",
}


async def schedule(
    gql: Gql,
    payment_id: str,
    *,
    key: str | None = None,
    as_: str | None = None,
    name: str = RECIPIENT,
    address: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Run scheduleDelivery; returns the whole GraphQL response."""
    return await gql(
        SCHEDULE,
        {
            "paymentId": payment_id,
            "name": name,
            "address": address or ADDRESS,
            "key": key or uuid.uuid4().hex,
        },
        as_=as_ or token(ALICE),
    )


async def update(
    gql: Gql,
    delivery_id: str,
    status: str,
    *,
    key: str | None = None,
    as_: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return await gql(
        UPDATE,
        {"id": delivery_id, "status": status, "key": key or uuid.uuid4().hex, **extra},
        as_=as_ or token("courier-system", "delivery:write"),
    )


def codes(body: dict[str, Any]) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
