"""The GraphQL context of the payments subgraph."""

from __future__ import annotations

from functools import cached_property
from typing import cast

from fastapi import Request
from strawberry.types import Info

from payments.config import Settings
from payments.loaders import Loaders
from payments.service import PaymentService
from servicekit.app import ServiceState
from servicekit.context import RequestContext

__all__ = ["Context", "PaymentsInfo", "get_context"]


class Context(RequestContext):
    @property
    def settings(self) -> Settings:
        return cast(Settings, self.state.settings)

    @cached_property
    def loaders(self) -> Loaders:
        return Loaders(self.sessions)

    def payments(self) -> PaymentService:
        """The service acting for the verified caller (UNAUTHENTICATED without a token)."""
        return PaymentService(
            sessions=self.sessions, settings=self.settings, principal=self.require_principal()
        )


PaymentsInfo = Info[Context, None]


async def get_context(request: Request, state: ServiceState) -> Context:
    return await Context.build(request, state)
