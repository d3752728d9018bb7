"""Stripe's idempotency semantics through the GraphQL mutations (sequential cases; the
concurrent ones are in test_concurrency.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.models import Payment, idempotency_keys
from payments.testing import GraphQLClient, token

CREATE = """mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) {
    id amount status createdAt updatedAt } }"""
CAPTURE = """mutation($id: ID!, $key: String!) {
  capturePayment(id: $id, idempotencyKey: $key) { id status capturedAmount updatedAt } }"""
CANCEL = """mutation($id: ID!, $key: String!) {
  cancelPayment(id: $id, idempotencyKey: $key) { id status } }"""
REFUND = """mutation($id: ID!, $amount: Int, $key: String!) {
  refundPayment(id: $id, amount: $amount, idempotencyKey: $key) { id status refundedAmount } }"""


async def payment_count(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Payment))).scalar_one())


async def test_a_retried_create_returns_the_stored_response_and_creates_nothing(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    variables = {"input": {"amount": 700, "currency": "EUR"}, "key": "order-1"}
    first = await client.run(CREATE, variables)
    again = await client.run(CREATE, variables)
    assert again.body == first.body
    assert first.ok()["createPayment"]["status"] == "AUTHORIZED"
    assert await payment_count(sessions) == 1


async def test_a_replay_answers_the_first_outcome_even_after_later_changes(
    client: GraphQLClient,
) -> None:
    variables = {"input": {"amount": 700, "currency": "EUR"}, "key": "order-2"}
    first = (await client.run(CREATE, variables)).ok()["createPayment"]
    await client.run(CAPTURE, {"id": first["id"], "key": "cap-2"})
    replay = (await client.run(CREATE, variables)).ok()["createPayment"]
    assert replay == first
    assert replay["status"] == "AUTHORIZED"


async def test_the_same_key_with_another_amount_is_reused_and_writes_nothing(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await client.run(CREATE, {"input": {"amount": 700, "currency": "EUR"}, "key": "order-3"})
    other = await client.run(
        CREATE, {"input": {"amount": 701, "currency": "EUR"}, "key": "order-3"}
    )
    assert other.data is None
    assert other.error()["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await payment_count(sessions) == 1


async def test_a_key_used_for_a_create_cannot_capture(client: GraphQLClient) -> None:
    created = await client.run(CREATE, {"input": {"amount": 5, "currency": "EUR"}, "key": "k"})
    payment_id = created.ok()["createPayment"]["id"]
    reused = await client.run(CAPTURE, {"id": payment_id, "key": "k"})
    assert reused.codes == ["IDEMPOTENCY_KEY_REUSED"]


async def test_an_error_outcome_is_replayed_even_when_the_state_would_now_allow_it(
    client: GraphQLClient,
) -> None:
    created = await client.run(CREATE, {"input": {"amount": 5, "currency": "EUR"}, "key": "c"})
    payment_id = created.ok()["createPayment"]["id"]
    early = await client.run(REFUND, {"id": payment_id, "amount": 5, "key": "refund-early"})
    assert early.error()["extensions"] == {"code": "INVALID_STATE", "currentStatus": "AUTHORIZED"}
    await client.run(CAPTURE, {"id": payment_id, "key": "cap"})
    replay = await client.run(REFUND, {"id": payment_id, "amount": 5, "key": "refund-early"})
    assert replay.error()["extensions"] == early.error()["extensions"]
    assert replay.error()["message"] == early.error()["message"]
    fresh = await client.run(REFUND, {"id": payment_id, "amount": 5, "key": "refund-late"})
    assert fresh.ok()["refundPayment"] == {"id": payment_id, "status": "REFUNDED",
                                           "refundedAmount": 5}  # fmt: skip


async def test_retried_transitions_change_the_payment_once(client: GraphQLClient) -> None:
    created = await client.run(CREATE, {"input": {"amount": 900, "currency": "EUR"}, "key": "c"})
    payment_id = created.ok()["createPayment"]["id"]
    await client.run(CAPTURE, {"id": payment_id, "key": "cap"})
    refund = {"id": payment_id, "amount": 300, "key": "refund-300"}
    first = await client.run(REFUND, refund)
    second = await client.run(REFUND, refund)
    assert first.body == second.body
    assert first.ok()["refundPayment"]["refundedAmount"] == 300
    state = await client.run("query($id: ID!) { payment(id: $id) { refundedAmount } }",
                             {"id": payment_id})  # fmt: skip
    assert state.ok()["payment"]["refundedAmount"] == 300


async def test_keys_are_scoped_per_caller(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    variables = {"input": {"amount": 50, "currency": "EUR"}, "key": "shared-key"}
    alice = (await client.run(CREATE, variables)).ok()["createPayment"]
    bob = token("bob@example.com", "payments:write")
    bobs = (await client.run(CREATE, variables, token=bob)).ok()["createPayment"]
    assert alice["id"] != bobs["id"]
    assert await payment_count(sessions) == 2
    async with sessions() as session:
        scopes = (await session.execute(select(idempotency_keys.c.scope))).scalars().all()
    assert sorted(scopes) == ["alice@example.com", "bob@example.com"]


async def test_keys_expire_after_the_retention_and_are_then_free(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    variables = {"input": {"amount": 50, "currency": "EUR"}, "key": "short-lived"}
    first = (await client.run(CREATE, variables)).ok()["createPayment"]
    async with sessions() as session, session.begin():
        kept = (
            await session.execute(
                select(idempotency_keys.c.expires_at - idempotency_keys.c.created_at)
            )
        ).scalar_one()
        assert kept == timedelta(hours=24)
        await session.execute(
            idempotency_keys.update().values(expires_at=func.now() - timedelta(seconds=1))
        )
    second = (await client.run(CREATE, variables)).ok()["createPayment"]
    assert second["id"] != first["id"]
    assert await payment_count(sessions) == 2
