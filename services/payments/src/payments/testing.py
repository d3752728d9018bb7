"""Test support for the payments service (its tests and the benchmark): the real app
over ASGI, a small GraphQL client, development tokens and an in-process JWKS issuer."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from payments.config import Settings
from payments.main import create_app
from servicekit.auth import issue_token

__all__ = [
    "JWKS_URL",
    "SECRET",
    "GraphQLClient",
    "Response",
    "jwks_transport",
    "payments_client",
    "settings_for",
    "signed",
    "token",
]

SECRET = "payments-test-secret-0123456789abcdef"  # noqa: S105 - tests only
JWKS_URL = "http://issuer.test/.well-known/jwks.json"


def settings_for(**overrides: Any) -> Settings:
    """Test settings that ignore the caller's environment for everything that matters."""
    values: dict[str, Any] = {
        "env": "test",
        "jwt_secret": SECRET,
        "jwt_jwks_url": None,
        "jwt_issuer": None,
        "jwt_audience": None,
        "database_url": None,
        "idempotency_purge_interval_seconds": 0,
        "log_level": "WARNING",
        **overrides,
    }
    return Settings(**values)


def token(subject: str, *scopes: str, secret: str = SECRET, ttl: int = 600, **claims: Any) -> str:
    return issue_token(
        secret=secret, subject=subject, scopes=list(scopes), ttl_seconds=ttl,
        issuer=claims.pop("iss", None), audience=claims.pop("aud", None), extra=claims,
    )  # fmt: skip


@dataclass
class Response:
    status_code: int
    body: dict[str, Any]

    @property
    def data(self) -> Any:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.body.get("errors") or [])

    @property
    def codes(self) -> list[str]:
        return [str(e.get("extensions", {}).get("code")) for e in self.errors]

    def error(self) -> dict[str, Any]:
        assert len(self.errors) == 1, self.body
        return self.errors[0]

    def ok(self) -> Any:
        assert not self.errors, self.body
        return self.data


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    default_token: str | None = None
    sent: int = field(default=0)

    async def run(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        token: str | None = None,
        anonymous: bool = False,
    ) -> Response:
        chosen = None if anonymous else (token or self.default_token)
        headers = {"authorization": f"Bearer {chosen}"} if chosen else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": dict(variables or {})}, headers=headers
        )
        self.sent += 1
        return Response(response.status_code, json.loads(response.text))


@asynccontextmanager
async def payments_client(
    settings: Settings,
    *,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
    http_transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[GraphQLClient]:
    """The real app (lifespan entered) behind an ASGI transport."""
    app = create_app(settings, sessionmaker=sessionmaker, http_transport=http_transport)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://payments.test", timeout=60
        ) as http,
    ):
        yield GraphQLClient(http)


def jwks_transport(keys: list[dict[str, Any]]) -> httpx.ASGITransport:
    """An OIDC issuer's JWKS endpoint, served in-process over ASGI."""

    async def jwks(request: Request) -> JSONResponse:
        return JSONResponse({"keys": keys})

    issuer = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    return httpx.ASGITransport(app=issuer)


def signed(claims: dict[str, Any], key: Any, *, algorithm: str, kid: str | None) -> str:
    now = int(time.time())
    body = {"iat": now, "exp": now + 600, **claims}
    headers = {"kid": kid} if kid else None
    return jwt.encode(body, key, algorithm=algorithm, headers=headers)
