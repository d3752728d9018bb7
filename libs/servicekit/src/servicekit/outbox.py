"""A transactional outbox: state changes and the events that tell of them commit together.

A service writes an outbox row in the SAME transaction as each state change
(:func:`record_event`), so an event exists exactly when its change does. A relay
(:class:`OutboxRelay`, run as a background task in the service process) delivers
pending rows to the event log and marks them delivered:

- **Several replicas** may relay at once: rows are claimed with
  ``FOR UPDATE SKIP LOCKED``, so no two relays send the same row at the same time.
- **Order per subject**: a row is eligible only when no earlier row of the same
  subject is still pending, so a subject's events leave in the order they were
  written even when replicas race (the earlier row is locked, hence skipped, and
  the later one is not yet eligible).
- **At least once**: a row is marked delivered only after the receiver
  acknowledged it, in the transaction that holds its lock. A relay killed between
  sending and marking leaves the row pending and it is sent again; the receiver
  ingests idempotently by event id, so the log holds it exactly once.
- **Backoff** while the receiver is unreachable: exponential with jitter, capped;
  the service stays ready (its readiness never depends on the event log).

Metrics: ``outbox_backlog`` (pending rows) and ``outbox_lag_seconds`` (age of the
oldest pending row), refreshed by the relay loop.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.auth import issue_token

__all__ = [
    "INGEST_MUTATION",
    "INGEST_SCOPE",
    "DeliveryRefused",
    "EventsSender",
    "OutboxMessage",
    "OutboxRelay",
    "Sender",
    "events_relay_hook",
    "outbox_table",
    "record_event",
    "relay_hook",
]

_log = logging.getLogger("servicekit.outbox")


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    """The outbox table; a service's migration creates it with these columns."""
    return Table(
        name,
        metadata,
        Column("seq", BigInteger, Identity(always=True), primary_key=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("subject_type", String(64), nullable=False),
        Column("subject_id", String(64), nullable=False),
        Column("kind", String(64), nullable=False),
        Column("actor", String(320)),
        Column("message", Text, nullable=False),
        Column("payload", JSONB, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("delivered_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column(
            "next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()
        ),
        Column("last_error", Text),
        # Pending rows only: the relay's scan and the per-subject ordering check.
        Index(
            f"ix_{name}_pending",
            "subject_type",
            "subject_id",
            "seq",
            postgresql_where=text("delivered_at IS NULL"),
        ),
    )


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


async def record_event(
    session: AsyncSession,
    table: Table,
    *,
    subject_type: str,
    subject_id: str,
    kind: str,
    message: str,
    payload: Mapping[str, Any],
    actor: str | None = None,
    event_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Add an event to the outbox inside the caller's transaction (commit is theirs)."""
    event_id = event_id or uuid.uuid4()
    await session.execute(
        table.insert().values(
            event_id=event_id,
            subject_type=subject_type,
            subject_id=subject_id,
            kind=kind,
            actor=actor,
            message=message,
            payload=dict(payload),
            # The time of the write, after the caller's row locks: a change that waited for
            # an earlier one is never dated before it (now() is the transaction's start).
            occurred_at=func.clock_timestamp(),
        )
    )
    return event_id


Sender = Callable[[Sequence[OutboxMessage]], Awaitable[None]]
"""Delivers a batch; returns when the receiver acknowledged every message, raises otherwise."""


INGEST_SCOPE = "events:ingest"

INGEST_MUTATION = """
mutation IngestEvents($events: [IngestEventInput!]!) {
  ingestEvents(events: $events) { ingested duplicates }
}
"""


class DeliveryRefused(RuntimeError):
    """The events service answered but did not store the batch (the relay retries it)."""


class EventsSender:
    """A :data:`Sender` posting batches to the events service's ``ingestEvents`` mutation.

    The relay authenticates with a short-lived HS256 service token carrying the scope
    ``events:ingest``, signed with the service's own JWT secret (dev/test share one
    secret; in production the events service must trust that secret or a JWKS that
    signs the relay's token). A batch counts as delivered only on a GraphQL answer
    without errors: any HTTP failure, non-2xx status or GraphQL error raises, and the
    relay keeps the rows pending.
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

    async def __call__(self, batch: Sequence[OutboxMessage]) -> None:
        response = await self.client.post(
            self.url,
            json={
                "query": INGEST_MUTATION,
                "variables": {"events": [self.event_input(m) for m in batch]},
            },
            headers={"Authorization": f"Bearer {self._bearer()}"},
            timeout=self.timeout,
        )
        if response.status_code >= 400:
            raise DeliveryRefused(f"events answered HTTP {response.status_code}")
        body = response.json()
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors or not isinstance(body, dict) or not body.get("data"):
            codes = sorted(
                {str((e.get("extensions") or {}).get("code", "?")) for e in errors or []}
            )
            raise DeliveryRefused(f"events refused the batch: {', '.join(codes) or 'no data'}")


class OutboxRelay:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        table: Table,
        send: Sender,
        batch_size: int = 100,
        idle_seconds: float = 0.5,
        backoff_base_seconds: float = 0.5,
        backoff_cap_seconds: float = 30.0,
    ) -> None:
        self.sessions = sessions
        self.table = table
        self.send = send
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.backoff_base = backoff_base_seconds
        self.backoff_cap = backoff_cap_seconds
        self.backlog = 0
        self.lag_seconds = 0.0
        self.delivered_total = 0
        self.failures_total = 0

    def _claim_query(self) -> Any:
        t = self.table
        earlier = t.alias("earlier")
        no_earlier_pending = ~(
            select(earlier.c.seq)
            .where(
                earlier.c.subject_type == t.c.subject_type,
                earlier.c.subject_id == t.c.subject_id,
                earlier.c.delivered_at.is_(None),
                earlier.c.seq < t.c.seq,
            )
            .exists()
        )
        return (
            select(t)
            .where(
                t.c.delivered_at.is_(None), t.c.next_attempt_at <= func.now(), no_earlier_pending
            )
            .order_by(t.c.seq)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )

    async def run_once(self) -> int:
        """Claim and deliver one batch; the number of messages delivered (0: nothing due)."""
        t = self.table
        async with self.sessions() as session, session.begin():
            rows = (await session.execute(self._claim_query())).mappings().all()
            if not rows:
                return 0
            messages = [
                OutboxMessage(
                    event_id=row["event_id"],
                    subject_type=row["subject_type"],
                    subject_id=row["subject_id"],
                    kind=row["kind"],
                    actor=row["actor"],
                    message=row["message"],
                    payload=row["payload"],
                    occurred_at=row["occurred_at"],
                )
                for row in rows
            ]
            seqs = [row["seq"] for row in rows]
            try:
                await self.send(messages)
            except Exception as err:  # any failure: retry later, never lose the rows
                self.failures_total += 1
                attempts = max(row["attempts"] for row in rows) + 1
                delay = min(self.backoff_cap, self.backoff_base * 2 ** min(attempts, 16))
                delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography
                await session.execute(
                    update(t)
                    .where(t.c.seq.in_(seqs))
                    .values(
                        attempts=t.c.attempts + 1,
                        last_error=f"{type(err).__name__}: {err}"[:500],
                        next_attempt_at=func.now() + text(f"interval '{delay:.3f} seconds'"),
                    )
                )
                _log.warning(
                    "outbox delivery failed; will retry",
                    extra={"batch": len(seqs), "retry_in_s": round(delay, 2), "error": str(err)},
                )
                return 0
            await session.execute(
                update(t).where(t.c.seq.in_(seqs)).values(delivered_at=func.now(), last_error=None)
            )
        self.delivered_total += len(messages)
        return len(messages)

    async def refresh_gauges(self) -> None:
        t = self.table
        async with self.sessions() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(t.c.occurred_at)).where(
                        t.c.delivered_at.is_(None)
                    )
                )
            ).one()
        self.backlog = int(count)
        self.lag_seconds = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0

    async def run_forever(self) -> None:
        while True:
            try:
                delivered = await self.run_once()
                await self.refresh_gauges()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database restarting must not kill the relay
                _log.exception("outbox relay iteration failed")
                delivered = 0
                await asyncio.sleep(self.backoff_cap / 10)
            if delivered == 0:
                await asyncio.sleep(self.idle_seconds)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[OutboxRelay]:
        """Run the relay as a background task for the duration of the block (a lifespan hook)."""
        task = asyncio.create_task(self.run_forever(), name="outbox-relay")
        try:
            yield self
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


def relay_hook(
    make_relay: Callable[[Any], OutboxRelay],
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """Adapt a relay factory to servicekit.app's ``resources=`` hooks (state -> context)."""

    @asynccontextmanager
    async def hook(state: Any) -> AsyncIterator[None]:
        relay = make_relay(state)
        state.extras["outbox_relay"] = relay
        state.metrics.gauge_callback(
            "outbox_backlog",
            "Outbox rows not yet delivered to the event log.",
            lambda: relay.backlog,
        )
        state.metrics.gauge_callback(
            "outbox_lag_seconds",
            "Age of the oldest undelivered outbox row.",
            lambda: relay.lag_seconds,
        )
        async with relay.running():
            yield

    return hook


def events_relay_hook(
    table: Table,
    *,
    url: str,
    component: str,
    batch_size: int = 100,
    idle_seconds: float = 0.5,
    backoff_cap_seconds: float = 30.0,
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """The relay of ``table`` to the events service at ``url``, as a ``resources=`` hook.

    It signs its tokens with the service's own ``JWT_SECRET`` (required when a relay runs).
    """

    def make_relay(state: Any) -> OutboxRelay:
        secret = state.settings.jwt_secret
        if secret is None:
            raise RuntimeError(
                f"{component}: the outbox relay signs its tokens with "
                f"{state.settings.env_name('jwt_secret')}, which is not set"
            )
        sender = EventsSender(
            state.http,
            url=url,
            secret=secret.get_secret_value(),
            component=component,
            environment=str(state.settings.env.value),
        )
        return OutboxRelay(
            sessions=state.sessions(),
            table=table,
            send=sender,
            batch_size=batch_size,
            idle_seconds=idle_seconds,
            backoff_cap_seconds=backoff_cap_seconds,
        )

    return relay_hook(make_relay)
