"""The gateway's HTTP surface: GraphQL-over-HTTP, health, readiness and metrics."""

from gateway.server.app import create_app, default_planner, subgraph_urls
from gateway.server.errors import (
    MalformedRequestError,
    MethodNotAllowedError,
    NotAcceptableError,
    PayloadTooLargeError,
    RequestError,
    UnsupportedMediaError,
)
from gateway.server.runtime import Gateway, PlanFunction, Reply

__all__ = [
    "Gateway",
    "MalformedRequestError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "PayloadTooLargeError",
    "PlanFunction",
    "Reply",
    "RequestError",
    "UnsupportedMediaError",
    "create_app",
    "default_planner",
    "subgraph_urls",
]
