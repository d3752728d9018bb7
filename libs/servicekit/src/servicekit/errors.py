"""Errors that clients may see, and masking for everything else.

Hierarchy::

    AppError                      expected; message and ``extensions.code`` reach the client
    ├── BadUserInput              BAD_USER_INPUT (names the argument)
    ├── NotFound                  NOT_FOUND
    ├── Unauthenticated           UNAUTHENTICATED
    ├── Forbidden                 FORBIDDEN
    ├── InvalidState              INVALID_STATE
    └── DependencyUnavailable     DEPENDENCY_UNAVAILABLE

Any other exception raised by a resolver is unexpected: the client gets
``Internal server error`` with ``INTERNAL_SERVER_ERROR`` and the request id; the
log gets the full traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from servicekit.logs import request_id_var

__all__ = [
    "AppError",
    "BadUserInput",
    "DependencyUnavailable",
    "Forbidden",
    "InvalidState",
    "NotFound",
    "Unauthenticated",
    "classify",
    "mask_error",
]

_log = logging.getLogger("servicekit.errors")


class AppError(Exception):
    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, *, code: str | None = None, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions: dict[str, Any] = {"code": code or self.code, **extensions}


class BadUserInput(AppError):
    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, argument: str | None = None, **extensions: Any) -> None:
        if argument is not None:
            extensions["argumentName"] = argument
        super().__init__(message, **extensions)


class NotFound(AppError):
    code = "NOT_FOUND"


class Unauthenticated(AppError):
    code = "UNAUTHENTICATED"


class Forbidden(AppError):
    code = "FORBIDDEN"


class InvalidState(AppError):
    code = "INVALID_STATE"


class DependencyUnavailable(AppError):
    code = "DEPENDENCY_UNAVAILABLE"


def classify(error: GraphQLError) -> str | None:
    """The code of an error graphql-core raised before or around execution."""
    if error.message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable '$") or error.message.startswith("Argument '"):
        return "BAD_USER_INPUT"
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return None


def mask_error(error: GraphQLError) -> GraphQLError:
    """The error with a code; an unexpected one logged and replaced by a masked one."""
    original = error.original_error
    if isinstance(original, AppError):
        error.extensions = dict(original.extensions)
        return error
    if error.extensions and "code" in error.extensions:
        return error
    if error.path is None:
        # Raised before execution (parse, validation, variables): the client's own mistake.
        error.extensions = {**(error.extensions or {}), "code": classify(error) or "BAD_REQUEST"}
        return error
    if original is None:
        # graphql-core's own execution errors (e.g. a null for a non-null field): safe to show.
        error.extensions = {"code": "INTERNAL_SERVER_ERROR"}
        return error
    # Unexpected: keep the details in the log, never in the response.
    _log.error(
        "unexpected error in resolver",
        exc_info=(type(original), original, original.__traceback__) if original else None,
        extra={"path": error.path, "error": error.message},
    )
    return GraphQLError(
        "Internal server error",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id_var.get()},
    )
