"""Every payment state change writes exactly one outbox row in its own transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.models import outbox
from payments.testing import GraphQLClient, token

CREATE = """mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) { id status } }"""
STEP = {
    name: f"""mutation($id: ID!, $key: String!{", $amount: Int" if name == "refund" else ""}) {{
  {name}Payment(id: $id, idempotencyKey: $key{", amount: $amount" if name == "refund" else ""})
  {{ id status }} }}"""
    for name in ("capture", "cancel", "refund")
}


async def _rows(sessions: async_sessionmaker[AsyncSession], subject_id: str) -> list[Any]:
    async with sessions() as session:
        result = await session.execute(
            select(outbox).where(outbox.c.subject_id == subject_id).order_by(outbox.c.seq)
        )
        return list(result.mappings().all())


async def _create(client: GraphQLClient, amount: int = 1000, key: str | None = None) -> str:
    variables = {"input": {"amount": amount, "currency": "EUR"}, "key": key or str(uuid.uuid4())}
    return str((await client.run(CREATE, variables)).ok()["createPayment"]["id"])


async def test_the_life_of_a_payment_is_one_row_per_change_in_order(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    pid = await _create(client)
    (await client.run(STEP["capture"], {"id": pid, "key": "k-cap"})).ok()
    (await client.run(STEP["refund"], {"id": pid, "key": "k-ref1", "amount": 400})).ok()
    (await client.run(STEP["refund"], {"id": pid, "key": "k-ref2", "amount": None})).ok()
    rows = await _rows(sessions, pid)
    assert [(r["kind"], r["message"]) for r in rows] == [
        ("payment.created", "payment created"),
        ("payment.captured", "payment captured"),
        ("payment.refunded", "payment partially refunded"),
        ("payment.refunded", "payment refunded"),
    ]
    assert {r["subject_type"] for r in rows} == {"Payment"}
    assert {r["actor"] for r in rows} == {"alice@example.com"}
    assert [r["payload"]["refundedAmount"] for r in rows] == [0, 0, 400, 1000]
    assert rows[-1]["payload"]["status"] == "REFUNDED"
    assert len({r["event_id"] for r in rows}) == 4
    assert all(r["delivered_at"] is None for r in rows)


async def test_a_replayed_key_and_a_refused_change_record_nothing(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    pid = await _create(client)
    for _ in range(2):  # the same key twice: one change, one event
        (await client.run(STEP["cancel"], {"id": pid, "key": "k-cancel"})).ok()
    refused = await client.run(STEP["capture"], {"id": pid, "key": "k-cap"})
    assert refused.codes == ["INVALID_STATE"]
    assert [r["kind"] for r in await _rows(sessions, pid)] == [
        "payment.created",
        "payment.cancelled",
    ]


async def test_a_declined_payment_is_one_failed_event(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    client.default_token = token("bob@decline.test", "payments:write")
    pid = await _create(client)
    rows = await _rows(sessions, pid)
    assert [(r["kind"], r["message"]) for r in rows] == [
        ("payment.failed", "payment failed: DECLINED_TEST_PAYER")
    ]
    assert rows[0]["payload"]["payerEmail"] == "bob@decline.test"
