"""Queries of the delivery database. Every function takes the session first and
keyword-only arguments; none of them commits (the service layer owns transactions)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from delivery.models import Delivery, StatusChange

__all__ = [
    "deliveries_by_ids",
    "deliveries_by_payment_ids",
    "delivery_by_tracking_number",
    "insert_delivery",
    "insert_status_change",
    "list_deliveries",
    "lock_delivery",
    "lock_rows_to_rotate",
    "status_changes_for",
    "update_delivery",
]


async def deliveries_by_ids(session: AsyncSession, *, ids: Sequence[uuid.UUID]) -> list[Delivery]:
    if not ids:
        return []
    result = await session.scalars(select(Delivery).where(Delivery.id.in_(ids)))
    return list(result)


async def deliveries_by_payment_ids(
    session: AsyncSession, *, payment_ids: Sequence[str]
) -> list[Delivery]:
    if not payment_ids:
        return []
    result = await session.scalars(select(Delivery).where(Delivery.payment_id.in_(payment_ids)))
    return list(result)


async def delivery_by_tracking_number(
    session: AsyncSession, *, tracking_number: str
) -> Delivery | None:
    result = await session.scalars(
        select(Delivery).where(Delivery.tracking_number == tracking_number)
    )
    return result.one_or_none()


async def status_changes_for(
    session: AsyncSession, *, delivery_ids: Sequence[uuid.UUID]
) -> list[StatusChange]:
    if not delivery_ids:
        return []
    result = await session.scalars(
        select(StatusChange)
        .where(StatusChange.delivery_id.in_(delivery_ids))
        .order_by(StatusChange.delivery_id, StatusChange.id)
    )
    return list(result)


async def list_deliveries(
    session: AsyncSession,
    *,
    payer_emails: frozenset[str] | None,
    status: str | None,
    first: int,
) -> list[Delivery]:
    """Newest first; ``payer_emails=None`` means every payer (admins)."""
    query = select(Delivery)
    if payer_emails is not None:
        query = query.where(Delivery.payer_email.in_(sorted(payer_emails)))
    if status is not None:
        query = query.where(Delivery.status == status)
    query = query.order_by(Delivery.created_at.desc(), Delivery.id.desc()).limit(first)
    return list(await session.scalars(query))


async def insert_delivery(session: AsyncSession, *, values: dict[str, Any]) -> bool:
    """Insert unless the payment already has a delivery (the unique constraint decides,
    also under concurrency: a racing insert waits for the winner, then does nothing)."""
    statement = (
        insert(Delivery)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Delivery.payment_id])
        .returning(Delivery.id)
    )
    inserted = (await session.execute(statement)).scalar_one_or_none()
    return inserted is not None


async def lock_delivery(session: AsyncSession, *, delivery_id: uuid.UUID) -> Delivery | None:
    result = await session.scalars(
        select(Delivery)
        .where(Delivery.id == delivery_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result.one_or_none()


async def update_delivery(
    session: AsyncSession, *, delivery_id: uuid.UUID, values: dict[str, Any]
) -> None:
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(**values, updated_at=func.clock_timestamp())
        .execution_options(synchronize_session=False)
    )


async def insert_status_change(
    session: AsyncSession, *, delivery_id: uuid.UUID, status: str, note: str | None
) -> None:
    session.add(StatusChange(delivery_id=delivery_id, status=status, note=note))
    await session.flush()


async def lock_rows_to_rotate(
    session: AsyncSession, *, active_key_id: str, limit: int
) -> list[Delivery]:
    """A batch of rows not yet under the active key, locked; rows other workers hold are
    skipped so two rotations can run at once without waiting on each other."""
    result = await session.scalars(
        select(Delivery)
        .where(Delivery.pii_key_id != active_key_id)
        .order_by(Delivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result)
