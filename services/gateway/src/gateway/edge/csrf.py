"""CSRF prevention as in Apollo's router and server.

A browser sends a cross-site GET, or a POST whose content type is ``text/plain``,
``application/x-www-form-urlencoded`` or ``multipart/form-data`` (or none), without a CORS
preflight, so the gateway would run it with the victim's cookies before CORS can say no.
Such "simple" requests are refused unless they carry a non-empty header from
``required_headers`` (which a browser only sends cross-site after a preflight). Any other
content type (``application/json``, ``application/graphql-response+json``) forces a
preflight, so those requests pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from gateway.edge.errors import CsrfRejected

__all__ = [
    "DEFAULT_REQUIRED_HEADERS",
    "SIMPLE_CONTENT_TYPES",
    "check_csrf",
    "is_preflighted",
]

DEFAULT_REQUIRED_HEADERS = ("x-apollo-operation-name", "apollo-require-preflight")
SIMPLE_CONTENT_TYPES = frozenset(
    {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}
)


def _items(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    return headers.items() if isinstance(headers, Mapping) else headers


def is_preflighted(
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    required_headers: Iterable[str] = DEFAULT_REQUIRED_HEADERS,
) -> bool:
    """Whether a browser could only have sent this request after a CORS preflight."""
    required = {h.lower() for h in required_headers}
    content_types: list[str] = []
    for name, value in _items(headers):
        lname = name.lower()
        if lname in required and value.strip():
            return True
        if lname == "content-type":
            content_types.append(value)
    if not content_types:
        return False
    # Any content type a simple request may carry (parameters and case ignored) is unsafe.
    return all(
        ct.split(";", 1)[0].strip().lower() not in SIMPLE_CONTENT_TYPES
        and ct.split(";", 1)[0].strip() != ""
        for ct in content_types
    )


def check_csrf(
    method: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    required_headers: Iterable[str] = DEFAULT_REQUIRED_HEADERS,
    enabled: bool = True,
) -> None:
    """Refuse a GET/POST a browser could send cross-site without a preflight."""
    if not enabled or method.upper() == "OPTIONS":
        return
    required = tuple(required_headers)
    if is_preflighted(headers, required_headers=required):
        return
    raise CsrfRejected(
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
        "Please either specify a 'content-type' header (with a mime-type that is not one of "
        f"{', '.join(sorted(SIMPLE_CONTENT_TYPES))}) or provide a non-empty value for one of "
        f"the following headers: {', '.join(required)}",
        code="BAD_REQUEST",
        status=400,
        reason="CSRF_PREVENTION",
    )
