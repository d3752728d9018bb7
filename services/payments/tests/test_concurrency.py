"""Simultaneous requests on a real engine-backed app (each request its own connection):
idempotency under a burst, and row locks between competing transitions.

These tests cannot use the per-test savepoint (one shared connection); they use a
payer of their own and delete their rows afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from payments.models import Payment, idempotency_keys
from payments.testing import GraphQLClient, Response, payments_client, settings_for, token

CREATE = """mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) {
    id amount currency status payerEmail createdAt updatedAt } }"""
CAPTURE = """mutation($id: ID!, $key: String!) {
  capturePayment(id: $id, idempotencyKey: $key) { id status } }"""
CANCEL = """mutation($id: ID!, $key: String!) {
  cancelPayment(id: $id, idempotencyKey: $key) { id status } }"""
REFUND = """mutation($id: ID!, $amount: Int, $key: String!) {
  refundPayment(id: $id, amount: $amount, idempotencyKey: $key) { id status refundedAmount } }"""


@dataclass
class Live:
    client: GraphQLClient
    payer: str
    engine: AsyncEngine

    async def payment_rows(self) -> int:
        async with self.engine.connect() as conn:
            query = (
                select(func.count()).select_from(Payment).where(Payment.payer_email == self.payer)
            )
            return int((await conn.execute(query)).scalar_one())

    async def create(self, amount: int = 1000) -> str:
        variables = {"input": {"amount": amount, "currency": "EUR"}, "key": str(uuid.uuid4())}
        return str((await self.client.run(CREATE, variables)).ok()["createPayment"]["id"])


@pytest.fixture
async def live(database_url: str, engine: AsyncEngine) -> AsyncIterator[Live]:
    payer = f"burst-{uuid.uuid4().hex[:10]}@example.com"
    settings = settings_for(database_url=database_url, db_pool_size=20, db_max_overflow=10)
    try:
        async with payments_client(settings) as graphql:
            graphql.default_token = token(payer, "payments:write")
            yield Live(graphql, payer, engine)
    finally:
        async with engine.begin() as conn:
            await conn.execute(delete(Payment).where(Payment.payer_email == payer))
            await conn.execute(delete(idempotency_keys).where(idempotency_keys.c.scope == payer))


async def test_fifty_simultaneous_creates_with_one_key_make_one_payment(live: Live) -> None:
    variables = {"input": {"amount": 2500, "currency": "EUR"}, "key": "burst-key"}
    responses = await asyncio.gather(*(live.client.run(CREATE, variables) for _ in range(50)))
    bodies = [response.body for response in responses]
    assert all(body == bodies[0] for body in bodies)
    assert responses[0].ok()["createPayment"]["status"] == "AUTHORIZED"
    assert await live.payment_rows() == 1

    other = {"input": {"amount": 2501, "currency": "EUR"}, "key": "burst-key"}
    refused = await live.client.run(CREATE, other)
    assert refused.data is None
    assert refused.codes == ["IDEMPOTENCY_KEY_REUSED"]
    assert await live.payment_rows() == 1


async def test_simultaneous_capture_and_cancel_have_exactly_one_winner(live: Live) -> None:
    for _round in range(5):
        payment_id = await live.create()
        capture, cancel = await asyncio.gather(
            live.client.run(CAPTURE, {"id": payment_id, "key": str(uuid.uuid4())}),
            live.client.run(CANCEL, {"id": payment_id, "key": str(uuid.uuid4())}),
        )
        outcomes = [r for r in (capture, cancel) if not r.errors]
        losers = [r for r in (capture, cancel) if r.errors]
        assert len(outcomes) == 1
        assert len(losers) == 1
        winner_status = next(iter(outcomes[0].data.values()))["status"]
        assert losers[0].error()["extensions"] == {
            "code": "INVALID_STATE", "currentStatus": winner_status,
        }  # fmt: skip


def _codes(responses: list[Response]) -> Counter[str]:
    return Counter(r.codes[0] if r.errors else "OK" for r in responses)


async def test_simultaneous_refunds_never_exceed_the_captured_amount(live: Live) -> None:
    payment_id = await live.create(1000)
    await live.client.run(CAPTURE, {"id": payment_id, "key": str(uuid.uuid4())})
    refunds = [
        live.client.run(REFUND, {"id": payment_id, "amount": 300, "key": str(uuid.uuid4())})
        for _ in range(10)
    ]
    responses = list(await asyncio.gather(*refunds))
    assert _codes(responses) == Counter({"OK": 3, "BAD_USER_INPUT": 7})
    async with live.engine.connect() as conn:
        row = (await conn.execute(select(Payment).where(Payment.id == uuid.UUID(payment_id)))).one()
    assert (row.status, row.captured_amount, row.refunded_amount) == ("CAPTURED", 1000, 900)


async def test_simultaneous_full_refunds_refund_once(live: Live) -> None:
    payment_id = await live.create(1000)
    await live.client.run(CAPTURE, {"id": payment_id, "key": str(uuid.uuid4())})
    refunds = [
        live.client.run(REFUND, {"id": payment_id, "amount": 250, "key": str(uuid.uuid4())})
        for _ in range(8)
    ]
    responses = list(await asyncio.gather(*refunds))
    assert _codes(responses) == Counter({"OK": 4, "INVALID_STATE": 4})
    assert {tuple(r.error()["extensions"].items()) for r in responses if r.errors} == {
        (("code", "INVALID_STATE"), ("currentStatus", "REFUNDED")),
    }  # fmt: skip
    refunded = sorted(r.ok()["refundPayment"]["refundedAmount"] for r in responses if not r.errors)
    assert refunded == [250, 500, 750, 1000]


async def test_a_duplicate_of_an_in_flight_request_gets_in_progress_and_no_effect(
    database_url: str, engine: AsyncEngine
) -> None:
    payer = f"inflight-{uuid.uuid4().hex[:10]}@example.com"
    variables = {"input": {"amount": 300, "currency": "EUR"}, "key": "in-flight"}
    settings = settings_for(database_url=database_url, idempotency_wait_seconds=0.2)
    try:
        async with payments_client(settings) as graphql:
            graphql.default_token = token(payer, "payments:write")
            # Another request holds the key: its transaction has claimed it, not committed.
            async with engine.connect() as holder:
                transaction = await holder.begin()
                await holder.execute(
                    idempotency_keys.insert().values(
                        scope=payer, key="in-flight", operation="createPayment",
                        request_hash="f" * 64, expires_at=func.now() + timedelta(hours=1),
                    )
                )  # fmt: skip
                waiting = await graphql.run(CREATE, variables)
                await transaction.rollback()
            assert waiting.data is None
            assert waiting.codes == ["IDEMPOTENCY_IN_PROGRESS"]
            assert await Live(graphql, payer, engine).payment_rows() == 0
            # The holder gave up (rolled back): the retry runs, once.
            retried = (await graphql.run(CREATE, variables)).ok()["createPayment"]
            assert retried["status"] == "AUTHORIZED"
            assert await Live(graphql, payer, engine).payment_rows() == 1
    finally:
        async with engine.begin() as conn:
            await conn.execute(delete(Payment).where(Payment.payer_email == payer))
            await conn.execute(delete(idempotency_keys).where(idempotency_keys.c.scope == payer))
