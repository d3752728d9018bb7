"""Facts about the request being served, shared by the middleware and the GraphQL layer."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

__all__ = ["RequestInfo", "current_request_info", "request_info_var"]


@dataclass(slots=True)
class RequestInfo:
    request_id: str
    operation: str | None = None
    outcome: str | None = None
    graphql_seconds: float | None = None


request_info_var: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "request_info", default=None
)


def current_request_info() -> RequestInfo | None:
    return request_info_var.get()
