"""Queries on the payments tables. The caller owns the session and its transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from payments.models import Payment

__all__ = ["PaymentQuery", "add_payment", "get_payment", "get_payments", "list_payments",
           "lock_payment"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class PaymentQuery:
    """A validated `payments` filter; ``owner_keys`` restricts to a payer (None: all)."""

    owner_keys: frozenset[str] | None = None
    status: str | None = None
    payer_email: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


async def get_payment(session: AsyncSession, *, payment_id: uuid.UUID) -> Payment | None:
    return await session.get(Payment, payment_id)


async def lock_payment(session: AsyncSession, *, payment_id: uuid.UUID) -> Payment | None:
    """Read the row with ``FOR UPDATE``: concurrent transitions of one payment queue here."""
    statement = select(Payment).where(Payment.id == payment_id).with_for_update()
    result = await session.execute(statement.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def get_payments(
    session: AsyncSession, *, payment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Payment]:
    """Many payments in ONE query (the entity loader's batch)."""
    if not payment_ids:
        return {}
    result = await session.execute(select(Payment).where(Payment.id.in_(set(payment_ids))))
    return {payment.id: payment for payment in result.scalars()}


async def add_payment(session: AsyncSession, *, payment: Payment) -> None:
    session.add(payment)
    await session.flush()


def _filtered(query: PaymentQuery) -> Select[Payment]:
    statement = select(Payment)
    if query.owner_keys is not None:
        statement = statement.where(Payment.payer_email.in_(sorted(query.owner_keys)))
    if query.status is not None:
        statement = statement.where(Payment.status == query.status)
    if query.payer_email is not None:
        statement = statement.where(Payment.payer_email == query.payer_email)
    if query.created_after is not None:
        statement = statement.where(Payment.created_at > query.created_after)
    if query.created_before is not None:
        statement = statement.where(Payment.created_at < query.created_before)
    return statement


async def list_payments(
    session: AsyncSession,
    *,
    query: PaymentQuery,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[Payment]:
    """Newest first, keyset-paginated on ``(created_at, id)``; at most ``limit`` rows."""
    statement = _filtered(query)
    if after is not None:
        created_at, payment_id = after
        # A row comparison, so the (created_at, id) index serves the page directly.
        statement = statement.where(
            tuple_(Payment.created_at, Payment.id) < tuple_(created_at, payment_id)
        )
    statement = statement.order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit)
    return list((await session.execute(statement)).scalars())
