"""Errors recorded while executing a plan, and the post-pass that shapes them (§6.6).

The executor never raises because of a subgraph (design invariant 4): every
failure becomes a ``ResponseError`` here plus nulls in the data.
``ExecutorError`` is the package's exception base, raised only for programming
errors such as a plan node the walker does not know::

    ExecutorError
    └── UnknownPlanNodeError
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DOWNSTREAM_SERVICE_ERROR",
    "ExecutorError",
    "PathItem",
    "ResponseError",
    "UnknownPlanNodeError",
    "finish_errors",
]

PathItem = str | int

# The code of a subgraph error that came without one (Apollo Gateway's name for it): every
# error the gateway answers carries a code, so clients can branch without parsing messages.
DOWNSTREAM_SERVICE_ERROR = "DOWNSTREAM_SERVICE_ERROR"


class ExecutorError(Exception):
    """A bug in the plan or the executor, never a subgraph failure."""


class UnknownPlanNodeError(ExecutorError):
    """The walker met a node type it cannot run."""


@dataclass(slots=True)
class ResponseError:
    """One client-facing error, before the post-pass."""

    message: str
    path: tuple[PathItem, ...] | None = None
    code: str | None = None
    service: str | None = None  # the subgraph it came from, if any
    extensions: dict[str, Any] = field(default_factory=dict)  # extra, gateway-made only


def _truncate(path: tuple[PathItem, ...], data: Any) -> tuple[PathItem, ...]:
    """The longest prefix of ``path`` that exists in the shaped ``data``."""
    value = data
    for n, item in enumerate(path):
        if isinstance(item, int):
            if isinstance(value, list) and 0 <= item < len(value):
                value = value[item]
                continue
            return path[:n]
        if isinstance(value, dict) and item in value:
            value = value[item]
            continue
        return path[:n]
    return path


def finish_errors(
    errors: list[ResponseError],
    data: Any,
    *,
    expose_service: bool,
    mask_uncoded: bool,
) -> list[dict[str, Any]]:
    """Client error objects: truncated paths, no subgraph locations, codes kept."""
    out: list[dict[str, Any]] = []
    for err in errors:
        item: dict[str, Any] = {"message": err.message}
        if err.service is not None and err.code is None and mask_uncoded:
            item["message"] = "Subgraph error"
        if err.path and err.service is None:
            # Shaping's own errors name the exact field, as graphql-js does.
            item["path"] = list(err.path)
        elif err.path:
            # With data null, only the root field can still be named.
            path = _truncate(err.path, data) if data is not None else err.path[:1]
            if path:
                item["path"] = list(path)
        ext: dict[str, Any] = dict(err.extensions)
        if err.code is not None:
            ext["code"] = err.code
        elif err.service is not None:
            ext["code"] = DOWNSTREAM_SERVICE_ERROR
        if expose_service and err.service is not None:
            ext["serviceName"] = err.service
        if ext:
            item["extensions"] = ext
        out.append(item)
    return out
