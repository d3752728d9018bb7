"""Transport errors.

::

    TransportError                 base; ``code`` is the GraphQL extensions code
    ├── SubgraphHTTPError          connection refused/reset, non-2xx without a GraphQL body,
    │                              a body that is not a JSON object   (SUBREQUEST_HTTP_ERROR)
    └── SubgraphTimeoutError       connect/read/write/pool timeout    (SUBGRAPH_REQUEST_TIMEOUT)
"""

from __future__ import annotations

__all__ = ["SubgraphHTTPError", "SubgraphTimeoutError", "TransportError"]


class TransportError(Exception):
    """A subgraph request that produced no usable GraphQL response."""

    code = "SUBREQUEST_HTTP_ERROR"

    def __init__(self, graph: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.graph = graph
        self.message = message
        self.status = status


class SubgraphHTTPError(TransportError):
    """The subgraph answered badly, or could not be reached."""

    code = "SUBREQUEST_HTTP_ERROR"


class SubgraphTimeoutError(TransportError):
    """The subgraph did not answer within its timeout."""

    code = "SUBGRAPH_REQUEST_TIMEOUT"
