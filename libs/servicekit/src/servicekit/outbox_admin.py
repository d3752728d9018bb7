"""The operator's view of an outbox's dead letters: list, requeue, discard.

A dead letter is a row the events service rejected ``max_rejections`` times
(:mod:`servicekit.outbox`). Requeueing makes it pending again with fresh counters; the
relay sends it on its next pass (after its subject's later events, which went ahead).
Discarding deletes it for good. Listings never show the payload (it may hold personal
data): the event id, subject, kind, times, counters and the last error (codes only).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import ColumnElement, Table, and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from servicekit.database import create_engine, create_sessionmaker
from servicekit.settings import DatabaseSettings

__all__ = [
    "DeadLetter",
    "add_outbox_commands",
    "discard_dead_letters",
    "list_dead_letters",
    "outbox_command",
    "requeue_dead_letters",
]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    event_id: uuid.UUID
    subject_type: str
    subject_id: str
    kind: str
    occurred_at: datetime
    dead_at: datetime
    attempts: int
    rejections: int
    last_error: str | None

    def line(self) -> str:
        """One tab-separated line, in the order of :data:`HEADER`."""
        return "\t".join(
            [
                str(self.event_id),
                f"{self.subject_type}:{self.subject_id}",
                self.kind,
                self.occurred_at.isoformat(timespec="seconds"),
                self.dead_at.isoformat(timespec="seconds"),
                str(self.rejections),
                str(self.attempts),
                self.last_error or "",
            ]
        )


HEADER = "event_id\tsubject\tkind\toccurred_at\tdead_at\trejections\tattempts\tlast_error"


async def list_dead_letters(
    sessions: async_sessionmaker[AsyncSession], table: Table, *, limit: int = 100
) -> tuple[list[DeadLetter], int]:
    """The oldest ``limit`` dead letters, and how many there are in all."""
    t = table
    async with sessions() as session:
        rows = (
            await session.execute(
                select(*(t.c[f.name] for f in fields(DeadLetter)))
                .where(t.c.dead_at.is_not(None))
                .order_by(t.c.seq)
                .limit(limit)
            )
        ).all()
        total = await session.scalar(
            select(func.count()).select_from(t).where(t.c.dead_at.is_not(None))
        )
    return [DeadLetter(*row) for row in rows], int(total or 0)


def _chosen(table: Table, event_ids: Sequence[uuid.UUID] | None) -> ColumnElement[bool]:
    """Dead letters only; all of them when ``event_ids`` is None."""
    dead = table.c.dead_at.is_not(None)
    return dead if event_ids is None else and_(dead, table.c.event_id.in_(list(event_ids)))


async def requeue_dead_letters(
    sessions: async_sessionmaker[AsyncSession],
    table: Table,
    event_ids: Sequence[uuid.UUID] | None,
) -> list[uuid.UUID]:
    """Make dead letters pending again, due now, with fresh counters; the ids requeued.

    ``last_error`` stays until the next attempt replaces or clears it.
    """
    t = table
    async with sessions() as session, session.begin():
        result = await session.execute(
            update(t)
            .where(_chosen(t, event_ids))
            .values(dead_at=None, rejections=0, attempts=0, next_attempt_at=func.now())
            .returning(t.c.event_id)
        )
        return list(result.scalars())


async def discard_dead_letters(
    sessions: async_sessionmaker[AsyncSession],
    table: Table,
    event_ids: Sequence[uuid.UUID] | None,
) -> list[uuid.UUID]:
    """Delete dead letters for good; the ids deleted (pending or delivered rows never)."""
    t = table
    async with sessions() as session, session.begin():
        result = await session.execute(
            delete(t).where(_chosen(t, event_ids)).returning(t.c.event_id)
        )
        return list(result.scalars())


def add_outbox_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``outbox dead-letters|requeue|discard`` under a service's command line."""
    outbox = commands.add_parser("outbox", help="inspect, requeue or discard outbox dead letters")
    actions = outbox.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("dead-letters", help="list dead letters, oldest first")
    listing.add_argument("--limit", type=int, default=100)
    for action, purpose in (
        ("requeue", "send dead letters again (pending, due now, counters reset)"),
        ("discard", "delete dead letters for good"),
    ):
        parser = actions.add_parser(action, help=purpose)
        parser.add_argument("event_ids", nargs="*", type=uuid.UUID, metavar="EVENT_ID")
        parser.add_argument("--all", action="store_true", help="every dead letter")


async def _run(settings: DatabaseSettings, table: Table, args: argparse.Namespace) -> int:
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)
    try:
        if args.action == "dead-letters":
            letters, total = await list_dead_letters(sessions, table, limit=args.limit)
            print(HEADER)  # noqa: T201 - the listing is the command's output
            for letter in letters:
                print(letter.line())  # noqa: T201
            print(f"{total} dead letters ({len(letters)} shown)", file=sys.stderr)  # noqa: T201
            return 0
        chosen = None if args.all else list(args.event_ids)
        act = requeue_dead_letters if args.action == "requeue" else discard_dead_letters
        done = await act(sessions, table, chosen)
    finally:
        await engine.dispose()
    verb = "requeued" if args.action == "requeue" else "discarded"
    print(f"{verb} {len(done)} dead letters")  # noqa: T201
    missing = sorted(set(chosen or []) - set(done), key=str)
    if missing:
        listed = ", ".join(map(str, missing))
        print(f"not dead letters (unknown, pending or delivered): {listed}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


def outbox_command(settings: DatabaseSettings, table: Table, args: argparse.Namespace) -> int:
    """Run a parsed ``outbox ...`` command; its exit status."""
    if args.action != "dead-letters" and bool(args.all) == bool(args.event_ids):
        print("error: name EVENT_IDs or --all (not both)", file=sys.stderr)  # noqa: T201
        return 2
    return asyncio.run(_run(settings, table, args))
