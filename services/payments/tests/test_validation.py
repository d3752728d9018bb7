"""Bad input is BAD_USER_INPUT naming the argument, and nothing is written — not even
an idempotency record, so the client may fix the input and retry with the same key."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.models import Payment, idempotency_keys
from payments.testing import GraphQLClient

CREATE = """mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) { id } }"""
CAPTURE = (
    "mutation($id: ID!, $key: String!) { capturePayment(id: $id, idempotencyKey: $key) { id } }"
)
REFUND = """mutation($id: ID!, $amount: Int, $key: String!) {
  refundPayment(id: $id, amount: $amount, idempotencyKey: $key) { id } }"""
GOOD = {"amount": 100, "currency": "EUR"}


async def rows(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int]:
    async with sessions() as session:
        payments = (await session.execute(select(func.count()).select_from(Payment))).scalar_one()
        keys = await session.execute(select(func.count()).select_from(idempotency_keys))
        return int(payments), int(keys.scalar_one())


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"amount": 0}, "input.amount"),
        ({"amount": -5}, "input.amount"),
        ({"currency": "EURO"}, "input.currency"),
        ({"currency": "XYZ"}, "input.currency"),
        ({"currency": ""}, "input.currency"),
        ({"description": "d" * 501}, "input.description"),
        ({"payerEmail": "not-an-email"}, "input.payerEmail"),
    ],
)
async def test_bad_create_input_names_the_argument_and_writes_nothing(
    client: GraphQLClient,
    sessions: async_sessionmaker[AsyncSession],
    change: dict[str, Any],
    argument: str,
) -> None:
    result = await client.run(CREATE, {"input": {**GOOD, **change}, "key": "k-bad"})
    assert result.data is None
    assert result.error()["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": argument}
    assert await rows(sessions) == (0, 0)
    # Nothing was remembered for the key: the corrected request goes through.
    assert (await client.run(CREATE, {"input": GOOD, "key": "k-bad"})).ok()["createPayment"]["id"]


async def test_a_500_character_description_is_accepted(client: GraphQLClient) -> None:
    result = await client.run(CREATE, {"input": {**GOOD, "description": "d" * 500}, "key": "k"})
    assert result.ok()["createPayment"]["id"]


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_an_empty_or_overlong_idempotency_key_is_refused(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession], key: str
) -> None:
    result = await client.run(CREATE, {"input": GOOD, "key": key})
    assert result.error()["extensions"] == {
        "code": "BAD_USER_INPUT", "argumentName": "idempotencyKey",
    }  # fmt: skip
    assert await rows(sessions) == (0, 0)


@pytest.mark.parametrize("bad_id", ["42", "not-a-uuid", "'; DROP TABLE payments; --"])
async def test_a_malformed_id_is_bad_user_input(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession], bad_id: str
) -> None:
    queries = [
        (CAPTURE, {"id": bad_id, "key": "k-id"}),
        ("query($id: ID!) { payment(id: $id) { id } }", {"id": bad_id}),
    ]
    for query, variables in queries:
        result = await client.run(query, variables)
        assert result.error()["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": "id"}
    assert await rows(sessions) == (0, 0)


@pytest.mark.parametrize("amount", [0, -1])
async def test_a_non_positive_refund_is_bad_user_input(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession], amount: int
) -> None:
    created = (await client.run(CREATE, {"input": GOOD, "key": "k1"})).ok()["createPayment"]
    result = await client.run(REFUND, {"id": created["id"], "amount": amount, "key": "k2"})
    assert result.error()["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": "amount"}
    assert await rows(sessions) == (1, 1)


async def test_a_float_amount_is_rejected_by_the_schema(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    result = await client.run(CREATE, {"input": {**GOOD, "amount": 10.5}, "key": "k"})
    assert result.data is None
    assert result.codes == ["BAD_USER_INPUT"]
    assert await rows(sessions) == (0, 0)
