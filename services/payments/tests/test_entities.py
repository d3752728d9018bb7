"""`_entities` for the gateway: batched (one SQL query per call), with the owner rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from payments.testing import GraphQLClient, token

ENTITIES = """query($r: [_Any!]!) { _entities(representations: $r) {
  ... on Payment { id amount status payerEmail } } }"""
CREATE = """mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) { id } }"""


@contextmanager
def payment_selects(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM payments" in statement:
            seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _create(client: GraphQLClient, amount: int, owner: str = "alice@example.com") -> str:
    variables = {"input": {"amount": amount, "currency": "EUR"}, "key": str(uuid.uuid4())}
    result = await client.run(CREATE, variables, token=token(owner, "payments:write"))
    return str(result.ok()["createPayment"]["id"])


def _refs(*ids: str) -> dict[str, Any]:
    return {"r": [{"__typename": "Payment", "id": i} for i in ids]}


async def test_many_representations_are_loaded_with_one_query(
    client: GraphQLClient, engine: AsyncEngine
) -> None:
    ids = [await _create(client, amount) for amount in (10, 20, 30, 40, 50)]
    with payment_selects(engine) as selects:
        result = await client.run(ENTITIES, _refs(*ids, ids[0]))
    entities = result.ok()["_entities"]
    assert [entity["id"] for entity in entities] == [*ids, ids[0]]
    assert [entity["amount"] for entity in entities] == [10, 20, 30, 40, 50, 10]
    assert len(selects) == 1, selects


async def test_unknown_and_malformed_references_are_null_with_not_found(
    client: GraphQLClient,
) -> None:
    known = await _create(client, 99)
    result = await client.run(ENTITIES, _refs(known, str(uuid.uuid4()), "garbage"))
    assert result.data["_entities"][0]["id"] == known
    assert result.data["_entities"][1:] == [None, None]
    assert sorted((e["path"][1], e["extensions"]["code"]) for e in result.errors) == [
        (1, "NOT_FOUND"), (2, "NOT_FOUND"),
    ]  # fmt: skip


async def test_entities_apply_the_owner_rules(client: GraphQLClient) -> None:
    mine = await _create(client, 1)
    bobs = await _create(client, 2, owner="bob@example.com")
    result = await client.run(ENTITIES, _refs(mine, bobs))
    assert result.data["_entities"][0]["id"] == mine
    assert result.data["_entities"][1] is None
    assert [e["extensions"]["code"] for e in result.errors] == ["FORBIDDEN"]
    anonymous = await client.run(ENTITIES, _refs(mine), anonymous=True)
    assert anonymous.data == {"_entities": [None]}
    assert anonymous.codes == ["UNAUTHENTICATED"]
