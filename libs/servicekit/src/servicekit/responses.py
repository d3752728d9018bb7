"""Small HTTP helpers: JSON bodies through orjson, GraphQL-over-HTTP error bodies."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response

__all__ = ["graphql_error_response", "json_response"]


def json_response(
    body: Any, status_code: int = 200, *, media_type: str = "application/json"
) -> Response:
    return Response(orjson.dumps(body), status_code=status_code, media_type=media_type)


def graphql_error_response(
    message: str, *, code: str, status_code: int = 400, **extensions: Any
) -> Response:
    """A request-level failure in the GraphQL response shape (no data, one coded error)."""
    error = {"message": message, "extensions": {"code": code, **extensions}}
    return json_response({"errors": [error]}, status_code)
