"""What goes over the wire from an outbox to the event log: the message, the sender
contract, and the events service's sender with its reading of the answers.

A :data:`Sender` raises :class:`DeliveryRejected` when the receiver refuses a batch's
content for good, and anything else for a failure that may pass (the relay's retry
and dead-letter rules in :mod:`servicekit.outbox` rest on that distinction).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from servicekit.auth import issue_token

__all__ = [
    "INGEST_MUTATION",
    "INGEST_SCOPE",
    "PERMANENT_CODES",
    "DeliveryRefused",
    "DeliveryRejected",
    "EventsSender",
    "OutboxMessage",
    "Sender",
]


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    event_id: uuid.UUID
    subject_type: str
    subject_id: str
    kind: str
    actor: str | None
    message: str
    payload: Mapping[str, Any]
    occurred_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.event_id),
            "subjectType": self.subject_type,
            "subjectId": self.subject_id,
            "kind": self.kind,
            "actor": self.actor,
            "message": self.message,
            "payload": dict(self.payload),
            "occurredAt": self.occurred_at.isoformat(),
        }


Sender = Callable[[Sequence[OutboxMessage]], Awaitable[None]]
"""Delivers a batch; returns when the receiver acknowledged every message, raises otherwise
(:class:`DeliveryRejected` when the content itself is refused, anything else is transient)."""


INGEST_SCOPE = "events:ingest"

INGEST_MUTATION = """
mutation IngestEvents($events: [IngestEventInput!]!) {
  ingestEvents(events: $events) { ingested duplicates }
}
"""

# GraphQL error codes that refuse a batch's content: sending the same events again cannot
# succeed. Any other code (UNAUTHENTICATED, FORBIDDEN, INTERNAL_SERVER_ERROR, ...) is a
# state of the receiver or of our configuration, and is retried.
PERMANENT_CODES = frozenset({"BAD_USER_INPUT", "EVENT_ID_CONFLICT"})
# HTTP statuses that refuse the request itself (when the body names no GraphQL code).
_PERMANENT_STATUSES = frozenset({400, 413, 422})


class DeliveryRefused(RuntimeError):
    """The receiver answered but did not store the batch (the relay retries it)."""


class DeliveryRejected(DeliveryRefused):
    """The receiver refused the batch's content for good (or it cannot be serialised):
    the relay isolates the rows at fault and dead-letters them after repeated rejections."""


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _refusal(response: httpx.Response) -> DeliveryRefused | None:
    """What a receiver's answer means: None (stored), a transient or a permanent refusal.

    Only codes and argument names are kept: an error's message may quote a value.
    """
    status = response.status_code
    body = _json_object(response)
    errors = [e for e in (body or {}).get("errors") or [] if isinstance(e, dict)]
    permanent = False
    if status in (408, 429) or status >= 500:
        reason = f"events answered HTTP {status}"
    elif errors:
        extensions = [e.get("extensions") or {} for e in errors]
        codes = sorted({str(x.get("code", "?")) for x in extensions})
        arguments = sorted({str(x["argumentName"]) for x in extensions if x.get("argumentName")})
        permanent = set(codes) <= PERMANENT_CODES
        where = f" at {', '.join(arguments[:3])}" if permanent and arguments else ""
        verb = "rejected" if permanent else "refused"
        reason = f"events {verb} the batch: {', '.join(codes)}{where}"
    elif status >= 300 or body is None:
        permanent = status in _PERMANENT_STATUSES
        reason = f"events answered HTTP {status}" + ("" if body else " without a GraphQL answer")
    elif not body.get("data"):
        reason = "events refused the batch: no data"
    else:
        return None
    return DeliveryRejected(reason) if permanent else DeliveryRefused(reason)


class EventsSender:
    """A :data:`Sender` posting batches to the events service's ``ingestEvents`` mutation.

    The relay authenticates with a short-lived HS256 service token carrying the scope
    ``events:ingest``, signed with the service's own JWT secret (dev/test share one
    secret; in production the events service must trust that secret or a JWKS that
    signs the relay's token). A batch counts as delivered only on a GraphQL answer
    without errors. Connection errors, timeouts, 5xx, 429 and errors of any other code
    raise :class:`DeliveryRefused` (retried); ``BAD_USER_INPUT`` / ``EVENT_ID_CONFLICT``,
    a 400/413/422 without GraphQL errors, and a batch that cannot be serialised raise
    :class:`DeliveryRejected`.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        url: str,
        secret: str,
        component: str,
        environment: str,
        subject: str | None = None,
        timeout_seconds: float = 5.0,
        token_ttl_seconds: int = 300,
    ) -> None:
        self.client = client
        self.url = url
        self.secret = secret
        self.component = component
        self.environment = environment
        self.subject = subject or f"service:{component}"
        self.timeout = timeout_seconds
        self.token_ttl = token_ttl_seconds
        self._token: tuple[str, float] | None = None

    def _bearer(self) -> str:
        now = time.monotonic()
        if self._token is None or self._token[1] <= now:
            token = issue_token(
                secret=self.secret,
                subject=self.subject,
                scopes=[INGEST_SCOPE],
                ttl_seconds=self.token_ttl,
            )
            # Renewed well before it expires (clock skew, slow batches).
            self._token = (token, now + self.token_ttl / 2)
        return self._token[0]

    def event_input(self, message: OutboxMessage) -> dict[str, Any]:
        """One ``IngestEventInput``: the outbox row as an event of the log."""
        payer = message.payload.get("payerEmail")
        if message.actor and "@" in message.actor:
            email = message.actor
        elif isinstance(payer, str) and payer:
            email = payer
        else:
            email = message.actor or self.subject
        return {
            "id": str(message.event_id),
            "subjectType": message.subject_type,
            "subjectId": message.subject_id,
            "kind": message.kind,
            "email": email,
            "environment": self.environment,
            "component": self.component,
            "message": message.message,
            "data": dict(message.payload),
            "occurredAt": message.occurred_at.isoformat(),
        }

    def body(self, batch: Sequence[OutboxMessage]) -> bytes:
        """The request body; :class:`DeliveryRejected` when a message cannot be encoded."""
        try:
            variables = {"events": [self.event_input(m) for m in batch]}
            return json.dumps(
                {"query": INGEST_MUTATION, "variables": variables}, allow_nan=False
            ).encode()
        except (TypeError, ValueError, AttributeError) as err:
            raise DeliveryRejected(
                f"the batch cannot be serialised ({type(err).__name__})"
            ) from None

    async def __call__(self, batch: Sequence[OutboxMessage]) -> None:
        response = await self.client.post(
            self.url,
            content=self.body(batch),
            headers={
                "Authorization": f"Bearer {self._bearer()}",
                "Content-Type": "application/json",
            },
            timeout=self.timeout,
        )
        refusal = _refusal(response)
        if refusal is not None:
            raise refusal
