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
- **Dead letters**: the sender tells a *transient* failure (unreachable, timeout, 5xx,
  429, a token the receiver refuses: retried with backoff forever, never dead-lettered)
  from a *rejection* (:class:`DeliveryRejected`: the content is refused, e.g.
  ``BAD_USER_INPUT``, or cannot be serialised). A rejected batch is split in halves until
  the rows at fault stand alone, so the rest of the batch is delivered. A row rejected
  ``max_rejections`` times is set aside (``dead_at``), with its error, and **its subject's
  later events proceed**: order per subject is kept up to a dead letter, not across it.
  An operator inspects, requeues or discards dead letters (:mod:`servicekit.outbox_admin`,
  ``<svc>-service outbox ...``); a requeued event arrives after its subject's later ones,
  still carrying its original ``occurredAt``.
- **Retention**: delivered rows older than ``retention_seconds`` are deleted by the
  relay loop in small batches (one short transaction each); pending rows and dead
  letters are never purged.

The message, the sender contract and the events service's sender are in
:mod:`servicekit.outbox_sender`; the operator's commands in :mod:`servicekit.outbox_admin`.

Metrics: ``outbox_backlog`` (pending rows), ``outbox_lag_seconds`` (age of the oldest
pending row), ``outbox_dead_letters`` (dead letters now), refreshed by the relay loop;
counters ``outbox_dead_lettered_total`` and ``outbox_purged_total`` (this process).
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    DateTime,
    FromClause,
    Identity,
    Index,
    Integer,
    MetaData,
    RowMapping,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    func,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# The wire side lives in outbox_sender; its names stay importable from here.
from servicekit.outbox_sender import (
    INGEST_MUTATION,
    INGEST_SCOPE,
    PERMANENT_CODES,
    DeliveryRefused,
    DeliveryRejected,
    EventsSender,
    OutboxMessage,
    Sender,
)

__all__ = [
    "INGEST_MUTATION",
    "INGEST_SCOPE",
    "PERMANENT_CODES",
    "DeliveryRefused",
    "DeliveryRejected",
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
        # Every failed try (backoff); rejections: the receiver refused the content (dead
        # letter at the relay's max_rejections).
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("rejections", Integer, nullable=False, server_default=text("0")),
        Column(
            "next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()
        ),
        Column("last_error", Text),
        Column("dead_at", DateTime(timezone=True)),
        # Pending rows only: the relay's scan and the per-subject ordering check.
        Index(
            f"ix_{name}_pending",
            "subject_type",
            "subject_id",
            "seq",
            postgresql_where=text("delivered_at IS NULL AND dead_at IS NULL"),
        ),
        # The retention purge's scan.
        Index(
            f"ix_{name}_delivered",
            "delivered_at",
            postgresql_where=text("delivered_at IS NOT NULL"),
        ),
        # Dead letters: the gauge and the operator's listing.
        Index(f"ix_{name}_dead", "seq", postgresql_where=text("dead_at IS NOT NULL")),
    )


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


def describe_failure(err: BaseException) -> str:
    """A failure as stored in ``last_error`` and logged: never a payload or a secret.

    Our own refusals name codes and arguments only; network errors describe the network;
    anything else is reduced to its type (its text might quote the event).
    """
    if isinstance(err, DeliveryRefused | httpx.TransportError | OSError):
        return f"{type(err).__name__}: {err}"[:500]
    return type(err).__name__


def _pending(table: FromClause) -> ColumnElement[bool]:
    """Neither delivered nor dead: the rows the relay still owes the receiver."""
    return and_(table.c.delivered_at.is_(None), table.c.dead_at.is_(None))


@dataclass
class _Outcome:
    """What one claimed batch came to: delivered, rejected (per row) or left unsent."""

    delivered: list[int] = field(default_factory=list)
    rejected: dict[int, str] = field(default_factory=dict)
    unsent: list[int] = field(default_factory=list)
    error: Exception | None = None


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
        max_rejections: int = 10,
        retention_seconds: float = 7 * 86_400,
        purge_interval_seconds: float = 60.0,
        purge_batch_size: int = 1_000,
        purge_max_batches: int = 10,
    ) -> None:
        self.sessions = sessions
        self.table = table
        self.send = send
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.backoff_base = backoff_base_seconds
        self.backoff_cap = backoff_cap_seconds
        self.max_rejections = max_rejections
        self.retention_seconds = retention_seconds
        self.purge_interval = purge_interval_seconds
        self.purge_batch_size = purge_batch_size
        self.purge_max_batches = purge_max_batches
        self.backlog = 0
        self.lag_seconds = 0.0
        self.dead_letters = 0
        self.delivered_total = 0
        self.failures_total = 0
        self.rejections_total = 0
        self.dead_lettered_total = 0
        self.purged_total = 0
        self._next_purge = 0.0

    def _claim_query(self) -> Any:
        t = self.table
        earlier = t.alias("earlier")
        no_earlier_pending = ~(
            select(earlier.c.seq)
            .where(
                earlier.c.subject_type == t.c.subject_type,
                earlier.c.subject_id == t.c.subject_id,
                _pending(earlier),
                earlier.c.seq < t.c.seq,
            )
            .exists()
        )
        return (
            select(t)
            .where(_pending(t), t.c.next_attempt_at <= func.now(), no_earlier_pending)
            .order_by(t.c.seq)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        )

    def _backoff(self, attempts: int) -> timedelta:
        delay = min(self.backoff_cap, self.backoff_base * 2 ** min(attempts, 16))
        delay *= random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not cryptography
        return timedelta(seconds=delay)

    async def _deliver(self, batch: list[tuple[int, OutboxMessage]]) -> _Outcome:
        """Send ``batch``; a rejected batch is halved until each rejected row stands alone.

        A claimed batch holds at most one row per subject (a row is due only when no
        earlier row of its subject is pending), so the halves may go in any order.
        """
        outcome = _Outcome()
        todo = [batch]
        while todo:
            part = todo.pop()
            try:
                await self.send([message for _, message in part])
            except DeliveryRejected as err:
                if len(part) == 1:
                    outcome.rejected[part[0][0]] = describe_failure(err)
                else:
                    middle = len(part) // 2
                    todo += [part[middle:], part[:middle]]
                continue
            except Exception as err:  # transient: keep what is left for later
                outcome.error = err
                outcome.unsent = [seq for rest in (part, *todo) for seq, _ in rest]
                break
            outcome.delivered += [seq for seq, _ in part]
        return outcome

    async def run_once(self) -> int:
        """Claim and deliver one batch; the number of messages delivered (0: nothing due)."""
        t = self.table
        async with self.sessions() as session, session.begin():
            rows = (await session.execute(self._claim_query())).mappings().all()
            if not rows:
                return 0
            batch = [
                (
                    row["seq"],
                    OutboxMessage(
                        event_id=row["event_id"],
                        subject_type=row["subject_type"],
                        subject_id=row["subject_id"],
                        kind=row["kind"],
                        actor=row["actor"],
                        message=row["message"],
                        payload=row["payload"],
                        occurred_at=row["occurred_at"],
                    ),
                )
                for row in rows
            ]
            outcome = await self._deliver(batch)
            if outcome.delivered:
                await session.execute(
                    update(t)
                    .where(t.c.seq.in_(outcome.delivered))
                    .values(delivered_at=func.now(), last_error=None)
                )
            by_seq = {row["seq"]: row for row in rows}
            for seq, error in outcome.rejected.items():
                await self._reject(session, by_seq[seq], error)
            if outcome.unsent:
                await self._postpone(session, [by_seq[seq] for seq in outcome.unsent], outcome)
        self.delivered_total += len(outcome.delivered)
        return len(outcome.delivered)

    async def _reject(self, session: AsyncSession, row: RowMapping, error: str) -> None:
        """Count a rejection; at ``max_rejections`` the row becomes a dead letter."""
        t = self.table
        self.rejections_total += 1
        rejections = row["rejections"] + 1
        dead = rejections >= self.max_rejections
        await session.execute(
            update(t)
            .where(t.c.seq == row["seq"])
            .values(
                attempts=t.c.attempts + 1,
                rejections=t.c.rejections + 1,
                last_error=error,
                next_attempt_at=func.now() + self._backoff(row["attempts"] + 1),
                dead_at=case((t.c.rejections + 1 >= self.max_rejections, func.now()), else_=None),
            )
        )
        about = {
            "event_id": str(row["event_id"]),
            "subject_type": row["subject_type"],
            "subject_id": row["subject_id"],
            "kind": row["kind"],
            "rejections": rejections,
            "error": error,
        }
        if dead:
            self.dead_lettered_total += 1
            _log.error(
                "outbox event dead-lettered; its subject's later events proceed", extra=about
            )
        else:
            _log.warning("events rejected an outbox event; will retry", extra=about)

    async def _postpone(
        self, session: AsyncSession, rows: Sequence[RowMapping], outcome: _Outcome
    ) -> None:
        """A transient failure: every unsent row waits (attempts count, rejections do not)."""
        t = self.table
        self.failures_total += 1
        delay = self._backoff(max(row["attempts"] for row in rows) + 1)
        error = describe_failure(outcome.error) if outcome.error else "unknown"
        await session.execute(
            update(t)
            .where(t.c.seq.in_([row["seq"] for row in rows]))
            .values(attempts=t.c.attempts + 1, last_error=error, next_attempt_at=func.now() + delay)
        )
        _log.warning(
            "outbox delivery failed; will retry",
            extra={
                "batch": len(rows),
                "retry_in_s": round(delay.total_seconds(), 2),
                "error": error,
            },
        )

    async def refresh_gauges(self) -> None:
        t = self.table
        async with self.sessions() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(t.c.occurred_at)).where(_pending(t))
                )
            ).one()
            dead = await session.scalar(
                select(func.count()).select_from(t).where(t.c.dead_at.is_not(None))
            )
        self.backlog = int(count)
        self.lag_seconds = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        self.dead_letters = int(dead or 0)

    async def purge_delivered(self) -> int:
        """Delete rows delivered more than ``retention_seconds`` ago, a small batch per
        transaction (rows another relay is deleting are skipped, not waited for)."""
        if self.retention_seconds <= 0:
            return 0
        t = self.table
        retention = timedelta(seconds=self.retention_seconds)
        purged = 0
        for _ in range(self.purge_max_batches):
            doomed = (
                select(t.c.seq)
                .where(t.c.delivered_at < func.now() - retention)
                .limit(self.purge_batch_size)
                .with_for_update(skip_locked=True)
            )
            async with self.sessions() as session, session.begin():
                result = await session.execute(
                    delete(t).where(t.c.seq.in_(doomed.scalar_subquery())).returning(t.c.seq)
                )
                batch = len(result.all())
            purged += batch
            if batch < self.purge_batch_size:
                break
        self.purged_total += purged
        if purged:
            _log.info("outbox purged delivered rows", extra={"purged": purged})
        return purged

    async def _purge_when_due(self) -> None:
        """At most ``purge_max_batches`` per loop iteration, so deliveries never wait long;
        a pass that hit that bound (a large backlog of old rows) continues next iteration."""
        now = time.monotonic()
        if self.retention_seconds > 0 and now >= self._next_purge:
            purged = await self.purge_delivered()
            more = purged >= self.purge_max_batches * self.purge_batch_size
            self._next_purge = now if more else now + self.purge_interval

    async def run_forever(self) -> None:
        while True:
            try:
                delivered = await self.run_once()
                await self.refresh_gauges()
                await self._purge_when_due()
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


class _RelayCounters(Collector):
    """The relay's running totals as Prometheus counters (read at scrape time)."""

    def __init__(self, relay: OutboxRelay) -> None:
        self.relay = relay

    def collect(self):  # type: ignore[no-untyped-def]  # prometheus_client's own signature
        yield CounterMetricFamily(
            "outbox_dead_lettered",
            "Outbox rows this process set aside as dead letters (rejected too often).",
            value=self.relay.dead_lettered_total,
        )
        yield CounterMetricFamily(
            "outbox_purged",
            "Delivered outbox rows this process deleted after their retention.",
            value=self.relay.purged_total,
        )


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
            "Outbox rows not yet delivered to the event log (dead letters excluded).",
            lambda: relay.backlog,
        )
        state.metrics.gauge_callback(
            "outbox_lag_seconds",
            "Age of the oldest undelivered outbox row.",
            lambda: relay.lag_seconds,
        )
        state.metrics.gauge_callback(
            "outbox_dead_letters",
            "Outbox rows set aside after repeated rejections, awaiting an operator.",
            lambda: relay.dead_letters,
        )
        counters = _RelayCounters(relay)
        state.metrics.registry.register(counters)
        try:
            async with relay.running():
                yield
        finally:
            state.metrics.registry.unregister(counters)

    return hook


def events_relay_hook(
    table: Table,
    *,
    url: str,
    component: str,
    batch_size: int = 100,
    idle_seconds: float = 0.5,
    backoff_cap_seconds: float = 30.0,
    max_rejections: int = 10,
    retention_seconds: float = 7 * 86_400,
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
            max_rejections=max_rejections,
            retention_seconds=retention_seconds,
        )

    return relay_hook(make_relay)
