"""How delivery learns about a payment: it asks the payments subgraph.

Delivery sends payments' own federation entry point, ``_entities``, one
``Payment`` representation, forwarding the caller's Authorization header so
payments applies its own reader rule. Whatever payments does not answer in
time, or answers with something other than a payment or a clear "no such
payment", fails closed with DEPENDENCY_UNAVAILABLE: a delivery is never
scheduled on a guess.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import httpx

from servicekit.errors import DependencyUnavailable, Unauthenticated

__all__ = ["PaymentInfo", "PaymentsClient", "parse_answer"]

_log = logging.getLogger("delivery.payments")

PAYMENT_LOOKUP = """
query DeliveryPaymentLookup($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Payment { id status payerEmail }
  }
}
"""

# Payments' answers that mean "this caller cannot see such a payment": treated as absent.
_ABSENT_CODES = frozenset({"NOT_FOUND", "FORBIDDEN"})


@dataclass(frozen=True, slots=True)
class PaymentInfo:
    id: str
    status: str
    payer_email: str


class PaymentsClient:
    def __init__(self, http: httpx.AsyncClient, *, url: str, timeout_seconds: float) -> None:
        self._http = http
        self._url = url
        self._timeout = timeout_seconds

    async def payment(self, payment_id: str, *, authorization: str | None) -> PaymentInfo | None:
        """The payment as payments sees it for this caller; None when it does not exist."""
        headers = {
            "content-type": "application/json",
            "accept": "application/json",
            "user-agent": "delivery-service",
        }
        if authorization:
            headers["authorization"] = authorization
        body = {
            "query": PAYMENT_LOOKUP,
            "operationName": "DeliveryPaymentLookup",
            "variables": {"representations": [{"__typename": "Payment", "id": payment_id}]},
        }
        try:
            # The outer bound also covers transports that ignore httpx's timeouts (ASGI).
            async with asyncio.timeout(self._timeout):
                response = await self._http.post(
                    self._url, json=body, headers=headers, timeout=self._timeout
                )
            document = response.json()
        except (TimeoutError, httpx.HTTPError, ValueError) as err:
            _log.warning("payments lookup failed", extra={"error": type(err).__name__})
            raise DependencyUnavailable("the payments service did not answer") from err
        return parse_answer(document, payment_id=payment_id, status_code=response.status_code)


def _unavailable(reason: str) -> DependencyUnavailable:
    _log.warning("payments lookup failed", extra={"error": reason})
    return DependencyUnavailable("the payments service gave an unusable answer")


def parse_answer(document: Any, *, payment_id: str, status_code: int) -> PaymentInfo | None:
    """The payment in payments' answer; None only for an explicit NOT_FOUND/FORBIDDEN."""
    if not isinstance(document, dict):
        raise _unavailable(f"HTTP {status_code}, not a GraphQL response")
    errors = document.get("errors") or []
    codes = {
        (error.get("extensions") or {}).get("code") for error in errors if isinstance(error, dict)
    }
    if "UNAUTHENTICATED" in codes:
        raise Unauthenticated("payments did not accept the caller's token")
    data = document.get("data")
    entities = data.get("_entities") if isinstance(data, dict) else None
    entity = entities[0] if isinstance(entities, list) and len(entities) == 1 else None
    if entity is None:
        # Only payments' explicit "no such payment (for you)" counts as absent.
        if isinstance(entities, list) and len(entities) == 1 and errors and codes <= _ABSENT_CODES:
            return None
        raise _unavailable(f"HTTP {status_code}, codes {sorted(map(str, codes))}")
    if not isinstance(entity, dict) or str(entity.get("id")) != payment_id:
        raise _unavailable("entity does not match the representation")
    status, payer = entity.get("status"), entity.get("payerEmail")
    if not isinstance(status, str) or not isinstance(payer, str):
        raise _unavailable("payment without status or payer")
    return PaymentInfo(id=payment_id, status=status, payer_email=payer)
