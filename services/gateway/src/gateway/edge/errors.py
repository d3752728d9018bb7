"""Errors raised at the gateway's edge, before any subgraph is called.

::

    EdgeError                        ``code`` = GraphQL ``extensions.code``, ``status`` = HTTP
    ├── LimitExceeded                a request-shape limit (depth, aliases, tokens, cost, ...)
    ├── PersistedQueryError          APQ / trusted documents (PERSISTED_QUERY_*)
    ├── CsrfRejected                 a simple (no-preflight) request without a preflight header
    ├── UnauthorizedOperation        authorization in reject mode: some field was unauthorized
    └── EdgeConfigError              bad edge configuration (at startup, never sent to clients)

``CircuitOpenError`` (in ``resilience``) is deliberately a transport error instead, so that
the executor turns it into a per-fetch GraphQL error like any other failed subgraph call.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CsrfRejected",
    "EdgeConfigError",
    "EdgeError",
    "LimitExceeded",
    "PersistedQueryError",
    "UnauthorizedOperation",
]


class EdgeError(Exception):
    """A request refused at the edge: one GraphQL error with a code and extensions."""

    def __init__(self, message: str, *, code: str, status: int = 400, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extensions: dict[str, Any] = extensions

    def to_json(self) -> dict[str, Any]:
        """The client-facing GraphQL error object."""
        return {"message": self.message, "extensions": {"code": self.code, **self.extensions}}

    def to_response(self) -> dict[str, Any]:
        """A whole GraphQL response body carrying only this error (no ``data``)."""
        return {"errors": [self.to_json()]}


class LimitExceeded(EdgeError):
    """The request is larger, deeper or costlier than a configured limit."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        limit: int | float,
        measured: int | float | None = None,
        status: int = 400,
    ) -> None:
        extra: dict[str, Any] = {"limit": limit}
        if measured is not None:
            extra["measured"] = measured
        super().__init__(message, code=code, status=status, **extra)
        self.limit = limit
        self.measured = measured


class PersistedQueryError(EdgeError):
    """An automatic-persisted-query or trusted-document failure."""


class CsrfRejected(EdgeError):
    """A request a browser could send cross-site without a CORS preflight."""


class UnauthorizedOperation(EdgeError):
    """Reject mode: the operation selects fields the caller may not see (paths listed)."""


class EdgeConfigError(ValueError):
    """Edge configuration that cannot be used (bad header rules, bad manifest, ...)."""
