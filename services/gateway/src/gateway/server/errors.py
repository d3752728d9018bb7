"""Request-level failures of the HTTP surface.

::

    RequestError                 the request cannot be executed; no subgraph was called
    ├── MalformedRequestError    not a well-formed GraphQL-over-HTTP request (400 always)
    ├── MethodNotAllowedError    e.g. a mutation over GET (405, ``Allow: POST``)
    ├── PayloadTooLargeError     body over GATEWAY_MAX_BODY_BYTES (413)
    ├── UnsupportedMediaError    POST body that is not JSON (415)
    └── NotAcceptableError       Accept names no media type we can produce (406)
"""

from __future__ import annotations

__all__ = [
    "MalformedRequestError",
    "MethodNotAllowedError",
    "NotAcceptableError",
    "PayloadTooLargeError",
    "RequestError",
    "UnsupportedMediaError",
]


class RequestError(Exception):
    """Base: a request the gateway refuses before planning."""

    status = 400
    code = "BAD_REQUEST"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class MalformedRequestError(RequestError):
    status = 400
    code = "BAD_REQUEST"


class MethodNotAllowedError(RequestError):
    status = 405
    code = "METHOD_NOT_ALLOWED"


class UnsupportedMediaError(RequestError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class NotAcceptableError(RequestError):
    status = 406
    code = "NOT_ACCEPTABLE"


class PayloadTooLargeError(RequestError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"
