"""Federation entry points: batched ``_entities`` and the fields delivery adds to Payment."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from delivery_testkit import ALICE, BOB, Gql, codes, make_settings, token
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from delivery.crypto import PiiCipher
from delivery.models import Delivery, StatusChange
from delivery.pii import seal_recipient, validate_recipient

Sessions = async_sessionmaker[AsyncSession]

DELIVERY_ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Delivery { id status recipientName payment { id } }
  }
}
"""

PAYMENT_ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Payment { id shippable }
  }
}
"""


@contextmanager
def sql_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def add_deliveries(sessions: Sessions, count: int, *, payer: str = ALICE) -> list[Delivery]:
    """Rows written directly (the write path has its own tests)."""
    cipher = PiiCipher.from_settings(make_settings())
    recipient = validate_recipient(name="Name", line1="Line", line2=None, city="City",
                                   postal_code="1000", country="BE")  # fmt: skip
    rows = []
    async with sessions() as session, session.begin():
        for _ in range(count):
            delivery_id = uuid.uuid4()
            key_id, blob = seal_recipient(cipher, recipient, delivery_id=delivery_id)
            rows.append(
                Delivery(
                    id=delivery_id,
                    payment_id=str(uuid.uuid4()),
                    payer_email=payer,
                    pii_key_id=key_id,
                    pii_ciphertext=blob,
                    status="PENDING",
                )
            )
        session.add_all(rows)
        await session.flush()
        session.add_all(StatusChange(delivery_id=r.id, status="PENDING") for r in rows)
    return rows


def _reads_of(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and table in s]


async def test_a_hundred_delivery_representations_cost_one_query(
    gql: Gql, engine: AsyncEngine, sessions: Sessions
) -> None:
    rows = await add_deliveries(sessions, 100)
    representations = [{"__typename": "Delivery", "id": str(r.id)} for r in rows]

    with sql_statements(engine) as statements:
        body = await gql(DELIVERY_ENTITIES, {"representations": representations}, as_=token(ALICE))

    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert [e["id"] for e in entities] == [str(r.id) for r in rows]
    assert entities[0]["payment"] == {"id": rows[0].payment_id}
    assert len(_reads_of(statements, "FROM deliveries")) == 1


async def test_history_of_many_deliveries_is_one_more_query(
    gql: Gql, engine: AsyncEngine, sessions: Sessions
) -> None:
    rows = await add_deliveries(sessions, 30)
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on Delivery { history { status } } } }"
    )
    with sql_statements(engine) as statements:
        body = await gql(
            query, {"r": [{"__typename": "Delivery", "id": str(r.id)} for r in rows]},
            as_=token(ALICE),
        )  # fmt: skip
    assert all(e["history"] == [{"status": "PENDING"}] for e in body["data"]["_entities"])
    assert len(_reads_of(statements, "FROM delivery_status_changes")) == 1
    assert len(_reads_of(statements, "FROM deliveries")) == 1


async def test_unknown_deliveries_are_null_and_other_payers_are_forbidden(
    gql: Gql, sessions: Sessions
) -> None:
    (mine,) = await add_deliveries(sessions, 1, payer=ALICE)
    (theirs,) = await add_deliveries(sessions, 1, payer=BOB)
    representations = [
        {"__typename": "Delivery", "id": str(mine.id)},
        {"__typename": "Delivery", "id": str(uuid.uuid4())},
        {"__typename": "Delivery", "id": str(theirs.id)},
    ]
    body = await gql(DELIVERY_ENTITIES, {"representations": representations}, as_=token(ALICE))

    first, unknown, forbidden = body["data"]["_entities"]
    assert first["id"] == str(mine.id)
    assert unknown is None
    assert forbidden is None
    assert codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["_entities", 2]
    assert "Name" not in str(body["errors"])


async def test_shippable_comes_from_the_status_in_the_representation(gql: Gql) -> None:
    statuses = ["CAPTURED", "AUTHORIZED", "REFUNDED", "CANCELLED", "FAILED"]
    representations = [
        {"__typename": "Payment", "id": f"p{index}", "status": status}
        for index, status in enumerate(statuses)
    ]
    body = await gql(PAYMENT_ENTITIES, {"representations": representations})

    assert "errors" not in body
    assert [e["shippable"] for e in body["data"]["_entities"]] == [
        True, False, False, False, False,
    ]  # fmt: skip


async def test_a_representation_with_an_unknown_status_is_refused(gql: Gql) -> None:
    body = await gql(
        PAYMENT_ENTITIES, {"representations": [{"__typename": "Payment", "id": "p", "status": "X"}]}
    )
    assert codes(body) == ["BAD_USER_INPUT"]


async def test_payment_delivery_is_batched_and_null_when_none(
    gql: Gql, engine: AsyncEngine, sessions: Sessions
) -> None:
    rows = await add_deliveries(sessions, 99)
    representations = [{"__typename": "Payment", "id": r.payment_id} for r in rows]
    representations.append({"__typename": "Payment", "id": "no-delivery-yet"})
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on Payment { id delivery { id status } } } }"
    )
    with sql_statements(engine) as statements:
        body = await gql(query, {"r": representations}, as_=token(ALICE))

    entities = body["data"]["_entities"]
    assert [e["delivery"]["id"] for e in entities[:-1]] == [str(r.id) for r in rows]
    assert entities[-1] == {"id": "no-delivery-yet", "delivery": None}
    assert len(_reads_of(statements, "FROM deliveries")) == 1


async def test_payment_delivery_needs_a_caller(gql: Gql) -> None:
    body = await gql(
        'query { _entities(representations: [{__typename: "Payment", id: "p"}]) '
        "{ ... on Payment { delivery { id } } } }"
    )
    assert codes(body) == ["UNAUTHENTICATED"]
