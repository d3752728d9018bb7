"""Idempotent mutations with Stripe's semantics, stored in the service's own database.

A client sends an idempotency key (1–255 characters) with a mutation. Keys are
scoped per caller (``scope``, usually the token subject). The first *outcome*
of a key — a success or an expected :class:`~servicekit.errors.AppError` — is
stored together with a SHA-256 hash of the operation name and its input:

- the same key with the same input returns the stored outcome and does nothing else
  (a stored error is raised again, with the same message and extensions);
- the same key with different input (or another operation) raises
  :class:`IdempotencyKeyReused` (``IDEMPOTENCY_KEY_REUSED``), nothing written;
- a duplicate that arrives while the first request is still in flight waits
  for it (PostgreSQL blocks its ``INSERT`` on the primary key until the first
  transaction ends) and then returns the first outcome; if the first request
  takes longer than ``wait_seconds`` it gets :class:`IdempotencyInProgress`
  (``IDEMPOTENCY_IN_PROGRESS``) and may retry. It never runs a second effect;
- an unexpected exception (a bug, a lost connection) stores nothing: the whole
  transaction, the key included, rolls back and the client may retry;
- keys expire ``retention`` after their first use; an expired key is free again
  and :func:`purge_expired` (or the :func:`purge_task` lifespan hook) deletes them.

How: the record and the effect share ONE transaction. :func:`run_idempotent`
inserts the key row (``ON CONFLICT`` only replaces an *expired* row), runs the
action in a savepoint, stores its outcome in the row and commits. Nobody can see
a key row without its outcome, so the primary key and the transaction decide
who runs; no status polling or advisory locks are needed.

Use::

    # models.py
    idempotency_keys = idempotency_table(Base.metadata)

    # service layer
    payment = await run_idempotent(
        sessions, table=idempotency_keys, scope=principal.subject, key=key,
        operation="createPayment", request={"amount": 1000, "currency": "EUR"},
        action=lambda session: create(session, ...),
        encode=snapshot_to_json, decode=snapshot_from_json,
        retention=timedelta(hours=24),
    )

The migration creates the table with the columns of :func:`idempotency_table`
(``scope``, ``key``, ``operation``, ``request_hash``, ``outcome`` JSONB,
``created_at``, ``expires_at``; primary key ``(scope, key)``; index on ``expires_at``).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from typing import Any, TypeVar

import orjson
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Interval,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    delete,
    func,
    literal,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.background import running_in_background
from servicekit.errors import AppError, BadUserInput

__all__ = [
    "DEFAULT_RETENTION",
    "MAX_KEY_LENGTH",
    "IdempotencyInProgress",
    "IdempotencyKeyReused",
    "ReplayedError",
    "idempotency_table",
    "purge_expired",
    "purge_task",
    "request_hash",
    "run_idempotent",
    "validate_key",
]

_log = logging.getLogger("servicekit.idempotency")

DEFAULT_RETENTION = timedelta(hours=24)
MAX_KEY_LENGTH = 255
_MAX_SCOPE = 255
# PostgreSQL's SQLSTATE for "lock_timeout expired" (lock_not_available).
_LOCK_NOT_AVAILABLE = "55P03"

T = TypeVar("T")


class IdempotencyKeyReused(AppError):
    """The key was already used with different input (or for another operation)."""

    code = "IDEMPOTENCY_KEY_REUSED"


class IdempotencyInProgress(AppError):
    """A request with this key is still running; retry later with the same key and input."""

    code = "IDEMPOTENCY_IN_PROGRESS"


class ReplayedError(AppError):
    """A stored error outcome, raised again for a replayed request."""


def idempotency_table(metadata: MetaData, *, name: str = "idempotency_keys") -> Table:
    """The table of idempotency records, declared on the service's own metadata."""
    return Table(
        name,
        metadata,
        Column("scope", String(_MAX_SCOPE), nullable=False),
        Column("key", String(MAX_KEY_LENGTH), nullable=False),
        Column("operation", String(100), nullable=False),
        Column("request_hash", String(64), nullable=False),
        # NULL only inside the transaction that owns the key; committed rows have it.
        Column("outcome", JSONB, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("expires_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("scope", "key"),
        Index(f"ix_{name}_expires_at", "expires_at"),
    )


def validate_key(key: str, *, argument: str = "idempotencyKey") -> str:
    """Reject an empty, blank or overlong key with ``BAD_USER_INPUT``."""
    if not key or not key.strip():
        raise BadUserInput("the idempotency key must not be empty", argument=argument)
    if len(key) > MAX_KEY_LENGTH:
        raise BadUserInput(
            f"the idempotency key must be at most {MAX_KEY_LENGTH} characters", argument=argument
        )
    return key


def request_hash(operation: str, request: Mapping[str, Any]) -> str:
    """SHA-256 of the operation and its input in a canonical JSON form (sorted keys)."""
    canonical = orjson.dumps(
        {"operation": operation, "request": request}, option=orjson.OPT_SORT_KEYS, default=str
    )
    return hashlib.sha256(canonical).hexdigest()


def _is_lock_timeout(err: DBAPIError) -> bool:
    orig = err.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        if getattr(candidate, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            return True
    return False


async def _claim(
    session: AsyncSession,
    *,
    table: Table,
    scope: str,
    key: str,
    operation: str,
    digest: str,
    retention: timedelta,
    wait_seconds: float,
) -> bool:
    """Insert the key row; True when this transaction owns the key, False when another did.

    Waits (at most ``wait_seconds``) for a transaction that holds the same key.
    """
    expires = func.now() + literal(retention, Interval())
    statement = (
        insert(table)
        .values(scope=scope, key=key, operation=operation, request_hash=digest, expires_at=expires)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key],
            set_={
                "operation": operation,
                "request_hash": digest,
                "outcome": None,
                "created_at": func.now(),
                "expires_at": expires,
            },
            # Only an expired record may be taken over; a live one is answered from.
            where=table.c.expires_at <= func.now(),
        )
        .returning(table.c.key)
    )
    previous = (
        await session.execute(
            text("SELECT current_setting('lock_timeout'), set_config('lock_timeout', :v, true)"),
            {"v": f"{max(1, round(wait_seconds * 1000))}ms"},
        )
    ).scalar_one()
    claimed = (await session.execute(statement)).first() is not None
    await session.execute(text("SELECT set_config('lock_timeout', :v, true)"), {"v": str(previous)})
    return claimed


def _replay(stored: Mapping[str, Any], decode: Callable[[Any], T]) -> T:
    if stored.get("ok"):
        return decode(stored.get("value"))
    error = stored.get("error") or {}
    extensions = dict(error.get("extensions") or {})
    code = str(extensions.pop("code", "INTERNAL_SERVER_ERROR"))
    raise ReplayedError(str(error.get("message", "")), code=code, **extensions)


async def run_idempotent(
    sessions: async_sessionmaker[AsyncSession],
    *,
    table: Table,
    scope: str,
    key: str,
    operation: str,
    request: Mapping[str, Any],
    action: Callable[[AsyncSession], Awaitable[T]],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
    retention: timedelta = DEFAULT_RETENTION,
    wait_seconds: float = 10.0,
) -> T:
    """Run ``action`` at most once per ``(scope, key)`` and return (or raise) its first outcome.

    ``action`` gets the session of the transaction that also holds the key; it
    must not commit (it may flush, lock rows, raise :class:`AppError`).
    ``encode`` turns its result into JSON-compatible data for storage and
    ``decode`` turns that back into the result a replay returns, so a replay
    answers exactly what the first request answered. ``request`` is the
    mutation's input as JSON-compatible data; its hash decides "same input".
    """
    validate_key(key)
    digest = request_hash(operation, request)
    if len(scope) > _MAX_SCOPE:  # an unusually long caller id still gets its own scope
        scope = "sha256:" + hashlib.sha256(scope.encode()).hexdigest()
    # A record purged between our conflict and our read: claim again (bounded).
    for _attempt in range(3):
        async with sessions() as session:
            try:
                async with session.begin():
                    claimed = await _claim(
                        session, table=table, scope=scope, key=key, operation=operation,
                        digest=digest, retention=retention, wait_seconds=wait_seconds,
                    )  # fmt: skip
                    if not claimed:
                        row = (
                            await session.execute(
                                select(table.c.request_hash, table.c.outcome).where(
                                    table.c.scope == scope, table.c.key == key
                                )
                            )
                        ).first()
                        if row is None:
                            continue
                        if row.request_hash != digest:
                            raise IdempotencyKeyReused(
                                "this idempotency key was already used with different input",
                            )
                        if row.outcome is None:  # cannot happen: committed rows have one
                            raise IdempotencyInProgress("a request with this key is in progress")
                        return _replay(row.outcome, decode)
                    outcome: dict[str, Any]
                    failure: AppError | None = None
                    result: T | None = None
                    try:
                        async with session.begin_nested():
                            result = await action(session)
                        outcome = {"ok": True, "value": encode(result)}
                    except AppError as err:
                        # The effect is rolled back (savepoint); the error outcome is kept.
                        failure = err
                        outcome = {
                            "ok": False,
                            "error": {"message": err.message, "extensions": err.extensions},
                        }
                    await session.execute(
                        table.update()
                        .where(table.c.scope == scope, table.c.key == key)
                        .values(outcome=outcome)
                    )
            except DBAPIError as err:
                if _is_lock_timeout(err):
                    raise IdempotencyInProgress(
                        "a request with this idempotency key is still in progress; retry later"
                    ) from err
                raise
            if failure is not None:
                raise failure
            return result  # type: ignore[return-value]  # set whenever failure is None
    raise IdempotencyInProgress("the idempotency key is changing; retry later")


async def purge_expired(
    sessions: async_sessionmaker[AsyncSession], *, table: Table, batch_size: int = 1000
) -> int:
    """Delete expired records (at most ``batch_size`` per transaction); return how many."""
    total = 0
    while True:
        async with sessions() as session, session.begin():
            victims = (
                select(table.c.scope, table.c.key)
                .where(table.c.expires_at <= func.now())
                .limit(batch_size)
                .with_for_update(skip_locked=True)
            )
            result = await session.execute(
                delete(table)
                .where(tuple_(table.c.scope, table.c.key).in_(victims))
                .returning(table.c.key)
            )
            deleted = len(result.all())
        total += deleted
        if deleted < batch_size:
            return total


def purge_task(
    table: Table, *, interval_seconds: float = 300.0
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A ``create_app(resources=[...])`` hook that purges expired keys in the background."""

    @asynccontextmanager
    async def hook(state: Any) -> AsyncIterator[None]:
        async def loop() -> None:
            while True:
                try:
                    purged = await purge_expired(state.sessions(), table=table)
                    if purged:
                        _log.info("purged expired idempotency keys", extra={"count": purged})
                except Exception:  # keep the loop alive; the next round retries
                    _log.exception("purging idempotency keys failed")
                await asyncio.sleep(interval_seconds)

        async with running_in_background(loop(), name=f"purge-{table.name}"):
            yield

    return hook
