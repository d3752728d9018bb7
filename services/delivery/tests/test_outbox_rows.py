"""Every delivery state change writes exactly one outbox row, without recipient data."""

from __future__ import annotations

import json
from typing import Any

from delivery_testkit import ADDRESS, RECIPIENT, Gql, Payments, codes, schedule, update
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery.models import outbox


async def _rows(sessions: async_sessionmaker[AsyncSession], subject_id: str) -> list[Any]:
    async with sessions() as session:
        result = await session.execute(
            select(outbox).where(outbox.c.subject_id == subject_id).order_by(outbox.c.seq)
        )
        return list(result.mappings().all())


async def test_each_change_is_one_row_in_order_and_carries_no_pii(
    gql: Gql, payments: Payments, sessions: async_sessionmaker[AsyncSession]
) -> None:
    payment_id = await payments.add()
    delivery_id = (await schedule(gql, payment_id))["data"]["scheduleDelivery"]["id"]
    await update(gql, delivery_id, "DISPATCHED", courier="DHL", tracking="DHL-0042")
    await update(gql, delivery_id, "IN_TRANSIT", key="same-key")
    replay = await update(gql, delivery_id, "IN_TRANSIT", key="same-key")
    assert codes(replay) == []
    refused = await update(gql, delivery_id, "CANCELLED")
    assert codes(refused) == ["INVALID_STATE"]
    await update(gql, delivery_id, "DELIVERED", note="left with neighbour")

    rows = await _rows(sessions, delivery_id)
    assert [(r["kind"], r["message"]) for r in rows] == [
        ("delivery.scheduled", "delivery scheduled"),
        ("delivery.dispatched", "delivery dispatched"),
        ("delivery.in_transit", "delivery in transit"),
        ("delivery.delivered", "delivery delivered"),
    ]
    assert [r["actor"] for r in rows] == ["alice@example.com"] + ["courier-system"] * 3
    assert [r["payload"].get("previousStatus") for r in rows] == [
        None, "PENDING", "DISPATCHED", "IN_TRANSIT",
    ]  # fmt: skip
    assert rows[1]["payload"]["trackingNumber"] == "DHL-0042"
    assert rows[3]["payload"]["courier"] == "DHL"
    assert {r["payload"]["paymentId"] for r in rows} == {payment_id}
    assert {r["payload"]["payerEmail"] for r in rows} == {"alice@example.com"}
    blob = json.dumps([r["payload"] for r in rows])
    for secret in (RECIPIENT, ADDRESS["line1"], ADDRESS["city"], ADDRESS["postalCode"]):
        assert secret not in blob
