"""Payments over GraphQL on the real app and database: the life of a payment and its lists."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.models import Payment
from payments.testing import GraphQLClient, token

FIELDS = (
    "id amount currency status capturedAmount refundedAmount payerEmail description "
    "failureReason createdAt updatedAt"
)
CREATE = f"""mutation($input: CreatePaymentInput!, $key: String!) {{
  createPayment(input: $input, idempotencyKey: $key) {{ {FIELDS} }} }}"""
CAPTURE = f"""mutation($id: ID!, $key: String!) {{
  capturePayment(id: $id, idempotencyKey: $key) {{ {FIELDS} }} }}"""
CANCEL = f"""mutation($id: ID!, $key: String!) {{
  cancelPayment(id: $id, idempotencyKey: $key) {{ {FIELDS} }} }}"""
REFUND = f"""mutation($id: ID!, $amount: Int, $key: String!) {{
  refundPayment(id: $id, amount: $amount, idempotencyKey: $key) {{ {FIELDS} }} }}"""
GET = f"query($id: ID!) {{ payment(id: $id) {{ {FIELDS} }} }}"
LIST = """query($filter: PaymentFilter, $first: Int, $after: String) {
  payments(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id amount status payerEmail } }
    nodes { id }
    pageInfo { hasNextPage endCursor } } }"""


async def create(client: GraphQLClient, amount: int = 1250, **fields: Any) -> dict[str, Any]:
    variables = {"input": {"amount": amount, "currency": "EUR", **fields}, "key": str(uuid.uuid4())}
    return (await client.run(CREATE, variables)).ok()["createPayment"]  # type: ignore[no-any-return]


async def step(client: GraphQLClient, mutation: str, payment_id: str, **extra: Any) -> Any:
    return await client.run(mutation, {"id": payment_id, "key": str(uuid.uuid4()), **extra})


async def test_a_new_payment_is_authorized_and_stored_in_minor_units(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await create(client, 1999, currency="eur", description="Order 42")
    assert created["status"] == "AUTHORIZED"
    assert (created["amount"], created["currency"]) == (1999, "EUR")
    assert (created["capturedAmount"], created["refundedAmount"]) == (0, 0)
    assert created["payerEmail"] == "alice@example.com"
    assert created["description"] == "Order 42"
    assert created["failureReason"] is None
    async with sessions() as session:
        row = await session.get(Payment, uuid.UUID(created["id"]))
    assert row is not None
    assert (row.amount, row.currency, row.status, row.created_by) == (
        1999, "EUR", "AUTHORIZED", "alice@example.com",
    )  # fmt: skip
    assert isinstance(row.amount, int)
    assert (await client.run(GET, {"id": created["id"]})).ok()["payment"] == created


async def test_capture_then_partial_and_full_refunds(client: GraphQLClient) -> None:
    payment = await create(client, 1000)
    captured = (await step(client, CAPTURE, payment["id"])).ok()["capturePayment"]
    assert (captured["status"], captured["capturedAmount"]) == ("CAPTURED", 1000)
    assert captured["updatedAt"] >= payment["updatedAt"]
    partial = (await step(client, REFUND, payment["id"], amount=400)).ok()["refundPayment"]
    assert (partial["status"], partial["refundedAmount"]) == ("CAPTURED", 400)
    rest = (await step(client, REFUND, payment["id"], amount=None)).ok()["refundPayment"]
    assert (rest["status"], rest["refundedAmount"]) == ("REFUNDED", 1000)


async def test_an_authorized_payment_can_be_cancelled_but_not_captured_afterwards(
    client: GraphQLClient,
) -> None:
    payment = await create(client)
    cancelled = (await step(client, CANCEL, payment["id"])).ok()["cancelPayment"]
    assert cancelled["status"] == "CANCELLED"
    late = await step(client, CAPTURE, payment["id"])
    assert late.data is None
    assert late.error()["extensions"] == {"code": "INVALID_STATE", "currentStatus": "CANCELLED"}
    assert late.error()["path"] == ["capturePayment"]


async def test_refunding_an_uncaptured_payment_is_invalid_state(client: GraphQLClient) -> None:
    payment = await create(client)
    refused = await step(client, REFUND, payment["id"], amount=100)
    assert refused.error()["extensions"] == {"code": "INVALID_STATE", "currentStatus": "AUTHORIZED"}


async def test_refunding_more_than_was_captured_is_refused(client: GraphQLClient) -> None:
    payment = await create(client, 500)
    await step(client, CAPTURE, payment["id"])
    refused = await step(client, REFUND, payment["id"], amount=501)
    assert refused.error()["extensions"] == {
        "code": "BAD_USER_INPUT", "argumentName": "amount", "refundableAmount": 500,
    }  # fmt: skip
    after = (await client.run(GET, {"id": payment["id"]})).ok()["payment"]
    assert (after["status"], after["refundedAmount"]) == ("CAPTURED", 0)


async def test_an_amount_over_the_limit_is_declined_as_failed(client: GraphQLClient) -> None:
    declined = await create(client, 100_000_001)
    assert (declined["status"], declined["failureReason"]) == ("FAILED", "AMOUNT_OVER_LIMIT")
    refused = await step(client, CAPTURE, declined["id"])
    assert refused.error()["extensions"] == {"code": "INVALID_STATE", "currentStatus": "FAILED"}
    assert (await create(client, 100_000_000))["status"] == "AUTHORIZED"


async def test_the_test_payer_domain_is_always_declined(client: GraphQLClient) -> None:
    admin = token("ops", "payments:write", "payments:admin")
    result = await client.run(
        CREATE,
        {"input": {"amount": 100, "currency": "USD", "payerEmail": "bob@decline.test"},
         "key": "decline-1"},
        token=admin,
    )  # fmt: skip
    created = result.ok()["createPayment"]
    assert (created["status"], created["failureReason"]) == ("FAILED", "DECLINED_TEST_PAYER")


async def test_a_missing_payment_is_null_and_changing_it_is_not_found(
    client: GraphQLClient,
) -> None:
    missing = str(uuid.uuid4())
    assert (await client.run(GET, {"id": missing})).ok() == {"payment": None}
    refused = await step(client, CAPTURE, missing)
    assert refused.error()["extensions"] == {"code": "NOT_FOUND"}


async def test_payments_are_paginated_newest_first_with_cursors(client: GraphQLClient) -> None:
    made = [await create(client, amount) for amount in (101, 102, 103, 104, 105)]
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await client.run(LIST, {"first": 2, "after": after})).ok()["payments"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        assert [node["id"] for node in page["nodes"]] == [e["node"]["id"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert seen == [payment["id"] for payment in reversed(made)]
    assert pages == 3


async def test_payments_filter_by_status_and_creation_time(client: GraphQLClient) -> None:
    first = await create(client, 10)
    second = await create(client, 20)
    await step(client, CAPTURE, second["id"])
    captured = (await client.run(LIST, {"filter": {"status": "CAPTURED"}})).ok()["payments"]
    assert [e["node"]["id"] for e in captured["edges"]] == [second["id"]]
    after_first = {"createdAfter": first["createdAt"]}
    newer = (await client.run(LIST, {"filter": after_first})).ok()["payments"]
    assert [e["node"]["id"] for e in newer["edges"]] == [second["id"]]
    before_second = {"createdBefore": second["createdAt"]}
    older = (await client.run(LIST, {"filter": before_second})).ok()["payments"]
    assert [e["node"]["id"] for e in older["edges"]] == [first["id"]]


async def test_a_payer_lists_only_their_own_payments_and_an_admin_all(
    client: GraphQLClient,
) -> None:
    mine = await create(client, 11)
    bob = token("bob@example.com", "payments:write")
    bobs = (await client.run(CREATE, {"input": {"amount": 22, "currency": "EUR"}, "key": "b1"},
                             token=bob)).ok()["createPayment"]  # fmt: skip
    listed = (await client.run(LIST, {})).ok()["payments"]["edges"]
    assert [e["node"]["id"] for e in listed] == [mine["id"]]
    spying = {"filter": {"payerEmail": "bob@example.com"}}
    assert (await client.run(LIST, spying)).ok()["payments"]["edges"] == []
    admin = token("ops", "payments:admin")
    everything = (await client.run(LIST, {}, token=admin)).ok()["payments"]["edges"]
    assert {e["node"]["id"] for e in everything} == {mine["id"], bobs["id"]}
    only_bob = (await client.run(LIST, spying, token=admin)).ok()["payments"]["edges"]
    assert [e["node"]["id"] for e in only_bob] == [bobs["id"]]


async def test_the_payments_page_size_is_bounded(client: GraphQLClient) -> None:
    for first in (0, 101):
        refused = await client.run(LIST, {"first": first})
        assert refused.error()["extensions"]["argumentName"] == "first"


async def test_a_foreign_cursor_is_bad_user_input(client: GraphQLClient) -> None:
    refused = await client.run(LIST, {"after": "not-a-cursor"})
    assert refused.error()["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": "after"}


async def test_updated_at_moves_with_each_change(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    payment = await create(client)
    await step(client, CAPTURE, payment["id"])
    async with sessions() as session:
        row = await session.execute(select(Payment).where(Payment.id == uuid.UUID(payment["id"])))
        stored = row.scalar_one()
    assert stored.updated_at > stored.created_at
