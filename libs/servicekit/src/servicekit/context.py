"""The per-request GraphQL context every subgraph extends.

The bearer token is verified once per request. A bad token is not raised here
(the context getter must not fail the HTTP request): it is kept and raised as
``UNAUTHENTICATED`` by the first resolver that asks who the caller is.
"""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.fastapi import BaseContext

from servicekit.app import ServiceState
from servicekit.auth import Principal, TokenError
from servicekit.errors import Unauthenticated

__all__ = ["RequestContext"]

C = TypeVar("C", bound="RequestContext")


class RequestContext(BaseContext):
    def __init__(self, *, request: Request, state: ServiceState) -> None:
        super().__init__()
        self.request = request
        self.state = state
        self._principal: Principal | None = None
        self._auth_error: TokenError | None = None

    @classmethod
    async def build(cls: type[C], request: Request, state: ServiceState) -> C:
        context = cls(request=request, state=state)
        try:
            context._principal = await state.verifier.principal(
                request.headers.get("authorization")
            )
        except TokenError as err:
            context._auth_error = err
        return context

    @property
    def principal(self) -> Principal | None:
        """The verified caller, None when anonymous; raises when the token was bad."""
        if self._auth_error is not None:
            raise self._auth_error
        return self._principal

    def require_principal(self) -> Principal:
        principal = self.principal
        if principal is None:
            raise Unauthenticated("this operation needs a bearer token")
        return principal

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        return self.state.sessions()

    @property
    def authorization(self) -> str | None:
        """The caller's Authorization header, to forward to peer services."""
        return self.request.headers.get("authorization") if self.request else None
