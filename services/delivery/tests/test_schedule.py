"""scheduleDelivery: only for a payment that exists, is visible to the caller and is captured."""

from __future__ import annotations

import socket

import pytest
from delivery_testkit import (
    ADDRESS,
    ALICE,
    BOB,
    RECIPIENT,
    Gql,
    Payments,
    codes,
    make_settings,
    running_delivery,
    schedule,
    token,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from delivery.models import Delivery

Sessions = async_sessionmaker[AsyncSession]


async def count_deliveries(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Delivery)) or 0)


async def test_a_captured_payment_gets_a_pending_delivery(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    payment_id = await payments.add(status="CAPTURED", payer=ALICE)
    body = await schedule(gql, payment_id, address={**ADDRESS, "country": "de"})

    delivery = body["data"]["scheduleDelivery"]
    assert delivery["status"] == "PENDING"
    assert delivery["recipientName"] == RECIPIENT
    assert delivery["address"] == {**ADDRESS, "country": "DE"}
    assert delivery["payment"] == {"id": payment_id}
    assert delivery["courier"] is None
    assert delivery["trackingNumber"] is None
    assert [h["status"] for h in delivery["history"]] == ["PENDING"]
    async with sessions() as session:
        row = await session.scalar(select(Delivery).where(Delivery.payment_id == payment_id))
    assert row is not None
    assert str(row.id) == delivery["id"]
    assert row.payer_email == ALICE


async def test_an_unknown_payment_is_refused_and_nothing_is_written(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    body = await schedule(gql, "8d1f3c52-0000-4000-8000-000000000000")

    assert body["data"] is None
    assert codes(body) == ["NOT_FOUND"]
    assert await count_deliveries(sessions) == 0


@pytest.mark.parametrize("status", ["AUTHORIZED", "REFUNDED", "CANCELLED", "FAILED"])
async def test_an_uncaptured_payment_is_refused_and_nothing_is_written(
    gql: Gql, payments: Payments, sessions: Sessions, status: str
) -> None:
    body = await schedule(gql, await payments.add(status=status))

    assert codes(body) == ["INVALID_STATE"]
    assert body["errors"][0]["extensions"]["currentStatus"] == status
    assert await count_deliveries(sessions) == 0


async def test_another_payers_payment_looks_like_no_payment(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    body = await schedule(gql, await payments.add(payer=BOB), as_=token(ALICE))

    assert codes(body) == ["NOT_FOUND"]
    assert await count_deliveries(sessions) == 0


async def test_an_anonymous_caller_is_refused(gql: Gql, payments: Payments) -> None:
    body = await gql(
        "mutation($p: ID!, $a: AddressInput!) { scheduleDelivery(paymentId: $p, "
        'recipientName: "X", address: $a, idempotencyKey: "k") { id } }',
        {"p": await payments.add(), "a": ADDRESS},
    )
    assert codes(body) == ["UNAUTHENTICATED"]
    assert payments.lookups == 0


async def test_a_payment_gets_at_most_one_delivery(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    payment_id = await payments.add()
    first = await schedule(gql, payment_id, key="first")
    second = await schedule(gql, payment_id, key="second")

    assert first["data"]["scheduleDelivery"]["status"] == "PENDING"
    assert codes(second) == ["INVALID_STATE"]
    assert second["errors"][0]["extensions"]["currentStatus"] == "PENDING"
    assert await count_deliveries(sessions) == 1


@pytest.mark.parametrize(
    ("change", "argument"),
    [
        ({"country": "XX"}, "address.country"),
        ({"country": "DEU"}, "address.country"),
        ({"line1": "   "}, "address.line1"),
        ({"city": ""}, "address.city"),
        ({"postalCode": "42103; DROP"}, "address.postalCode"),
        ({"line2": "x" * 201}, "address.line2"),
    ],
)
async def test_a_bad_address_is_refused_naming_the_field(
    gql: Gql, payments: Payments, sessions: Sessions, change: dict[str, str], argument: str
) -> None:
    body = await schedule(gql, await payments.add(), address={**ADDRESS, **change})

    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["argumentName"] == argument
    assert payments.lookups == 0
    assert await count_deliveries(sessions) == 0


async def test_an_empty_recipient_name_is_refused(gql: Gql, payments: Payments) -> None:
    body = await schedule(gql, await payments.add(), name=" ")
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "argumentName": "recipientName",
    }


async def test_a_retry_with_the_same_key_returns_the_first_delivery(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    payment_id = await payments.add()
    first = await schedule(gql, payment_id, key="retry-me")
    again = await schedule(gql, payment_id, key="retry-me")

    assert again["data"] == first["data"]
    assert payments.lookups == 1  # the replay did not ask payments again
    assert await count_deliveries(sessions) == 1


async def test_a_stored_refusal_is_replayed(gql: Gql, payments: Payments) -> None:
    payment_id = await payments.add(status="AUTHORIZED")
    first = await schedule(gql, payment_id, key="too-early")
    await payments.step(payment_id, "capture")
    again = await schedule(gql, payment_id, key="too-early")

    assert codes(first) == codes(again) == ["INVALID_STATE"]
    assert again["errors"][0]["extensions"]["currentStatus"] == "AUTHORIZED"


async def test_the_same_key_with_other_input_is_refused(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    payment_id = await payments.add()
    await schedule(gql, payment_id, key="reused")
    body = await schedule(gql, payment_id, key="reused", name="Somebody Else")

    assert codes(body) == ["IDEMPOTENCY_KEY_REUSED"]
    assert await count_deliveries(sessions) == 1


async def test_keys_are_scoped_per_caller(gql: Gql, payments: Payments) -> None:
    payment_id = await payments.add()
    await schedule(gql, payment_id, key="shared-key")
    ops = token("ops@example.com", "payments:admin", "delivery:write")
    body = await schedule(gql, payment_id, key="shared-key", as_=ops)

    # Not a replay of Alice's outcome: ops's own request ran and met the existing delivery.
    assert codes(body) == ["INVALID_STATE"]


async def test_payments_down_fails_closed_and_a_retry_succeeds_later(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    payment_id = await payments.add()
    payments.down = True
    body = await schedule(gql, payment_id, key="while-down")
    assert codes(body) == ["DEPENDENCY_UNAVAILABLE"]
    assert await count_deliveries(sessions) == 0

    payments.down = False
    retried = await schedule(gql, payment_id, key="while-down")
    assert retried["data"]["scheduleDelivery"]["status"] == "PENDING"


async def test_a_payments_service_that_does_not_answer_in_time_fails_closed(
    payments: Payments, payments_app: ASGIApp, sessions: Sessions
) -> None:
    payments.hang = True
    settings = make_settings(payments_timeout_seconds=0.2)
    async with running_delivery(
        settings,
        payments_app=payments_app,
        sessionmaker=sessions,
    ) as gql:
        body = await schedule(gql, await payments.add())
    assert codes(body) == ["DEPENDENCY_UNAVAILABLE"]
    assert "payments" in body["errors"][0]["message"]
    assert await count_deliveries(sessions) == 0


async def test_an_unreachable_payments_service_fails_closed(sessions: Sessions) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(payments_url=f"http://127.0.0.1:{port}/graphql")
    async with running_delivery(settings, payments_app=None, sessionmaker=sessions) as gql:
        body = await schedule(gql, "8d1f3c52-0000-4000-8000-000000000001")
    assert codes(body) == ["DEPENDENCY_UNAVAILABLE"]
    assert await count_deliveries(sessions) == 0
