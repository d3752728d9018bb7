"""Test helpers of the delivery service: settings, tokens, the real payments subgraph
in process (with faults on demand), and a GraphQL caller for the delivery app over ASGI."""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from delivery.config import Settings
from delivery.main import create_app
from servicekit.auth import issue_token

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
    "Payments",
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
        "payments_timeout_seconds": 30.0,  # generous: the test machine may be busy
        "database_url": None,
        "idempotency_purge_interval_seconds": 0,
        "log_level": "WARNING",
        **overrides,
    }
    return Settings(**values)


def token(subject: str, *scopes: str) -> str:
    return issue_token(secret=JWT_SECRET, subject=subject, scopes=list(scopes))


# --- the real payments subgraph, with faults on demand ----------------------------------

CREATE_PAYMENT = """
mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) { id status payerEmail }
}
"""


class Payments:
    """Creates payments through the real payments app, and makes it misbehave for delivery:
    ``down`` answers 503, ``hang`` never answers; ``lookups`` counts delivery's requests.

    Only the requests delivery sends (``user-agent: delivery-service``) are affected.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.down = False
        self.hang = False
        self.lookups = 0
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://payments.test"
        )

    def reset(self) -> None:
        self.down = self.hang = False
        self.lookups = 0

    async def aclose(self) -> None:
        await self._client.aclose()

    async def _run(self, query: str, variables: dict[str, Any], payer: str) -> dict[str, Any]:
        response = await self._client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {token(payer, 'payments:write')}"},
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def add(self, *, status: str = "CAPTURED", payer: str = ALICE) -> str:
        """A payment of ``payer`` in ``status`` (made with payments' own mutations)."""
        amount = 200_000_000 if status == "FAILED" else 4_200  # above the decline limit
        created = await self._run(
            CREATE_PAYMENT,
            {"input": {"amount": amount, "currency": "EUR"}, "key": uuid.uuid4().hex},
            payer,
        )
        payment_id: str = created["createPayment"]["id"]
        assert created["createPayment"]["status"] == (
            "FAILED" if status == "FAILED" else "AUTHORIZED"
        )
        steps = {
            "CAPTURED": ["capture"],
            "REFUNDED": ["capture", "refund"],
            "CANCELLED": ["cancel"],
        }
        for step in steps.get(status, []):
            await self.step(payment_id, step, payer=payer)
        return payment_id

    async def step(self, payment_id: str, step: str, *, payer: str = ALICE) -> None:
        mutation = {
            "capture": "capturePayment",
            "refund": "refundPayment",
            "cancel": "cancelPayment",
        }
        query = (
            f"mutation($id: ID!, $key: String!) {{ {mutation[step]}(id: $id, idempotencyKey: $key"
            f"{', amount: null' if step == 'refund' else ''}) {{ status }} }}"
        )
        await self._run(query, {"id": payment_id, "key": uuid.uuid4().hex}, payer)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app delivery talks to."""
        headers = dict(scope.get("headers") or [])
        if scope["type"] == "http" and headers.get(b"user-agent") == b"delivery-service":
            self.lookups += 1
            if self.down:
                response = JSONResponse({"message": "unavailable"}, status_code=503)
                await response(scope, receive, send)
                return
            if self.hang:
                await asyncio.sleep(30)
        await self.app(scope, receive, send)


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
    payments_app: ASGIApp | None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> AsyncIterator[Gql]:
    """The delivery app over ASGI; ``payments_app=None`` makes it talk real HTTP to
    ``settings.payments_url``."""
    app = create_app(
        settings,
        sessionmaker=sessionmaker,
        http_transport=httpx.ASGITransport(app=payments_app) if payments_app else None,
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
