"""Reads follow the payment's owner: the payer, or a caller with delivery:admin."""

from __future__ import annotations

from typing import Any

from delivery_testkit import (
    ALICE,
    BOB,
    RECIPIENT,
    Gql,
    Payments,
    codes,
    schedule,
    token,
    update,
)

READ = "query($id: ID!) { delivery(id: $id) { id recipientName status } }"
BY_TRACKING = "query($t: String!) { deliveryByTrackingNumber(trackingNumber: $t) { id status } }"
LIST = "query($s: DeliveryStatus) { deliveries(status: $s) { id status } }"


async def _scheduled(gql: Gql, payments: Payments, payer: str = ALICE) -> dict[str, Any]:
    body = await schedule(gql, await payments.add(payer=payer), as_=token(payer))
    delivery: dict[str, Any] = body["data"]["scheduleDelivery"]
    return delivery


async def test_the_payer_reads_their_delivery(gql: Gql, payments: Payments) -> None:
    delivery = await _scheduled(gql, payments)
    body = await gql(READ, {"id": delivery["id"]}, as_=token(ALICE))
    assert body["data"]["delivery"] == {
        "id": delivery["id"], "recipientName": RECIPIENT, "status": "PENDING",
    }  # fmt: skip


async def test_another_payer_is_forbidden_and_sees_nothing(gql: Gql, payments: Payments) -> None:
    delivery = await _scheduled(gql, payments)
    body = await gql(READ, {"id": delivery["id"]}, as_=token(BOB))
    assert body["data"]["delivery"] is None
    assert codes(body) == ["FORBIDDEN"]
    assert RECIPIENT not in str(body)


async def test_an_admin_reads_any_delivery(gql: Gql, payments: Payments) -> None:
    delivery = await _scheduled(gql, payments)
    body = await gql(READ, {"id": delivery["id"]}, as_=token("ops", "delivery:admin"))
    assert body["data"]["delivery"]["recipientName"] == RECIPIENT


async def test_the_write_scope_alone_does_not_read(gql: Gql, payments: Payments) -> None:
    delivery = await _scheduled(gql, payments)
    body = await gql(READ, {"id": delivery["id"]}, as_=token("courier", "delivery:write"))
    assert codes(body) == ["FORBIDDEN"]


async def test_anonymous_reads_are_refused(gql: Gql, payments: Payments) -> None:
    delivery = await _scheduled(gql, payments)
    body = await gql(READ, {"id": delivery["id"]})
    assert codes(body) == ["UNAUTHENTICATED"]
    bad_token = await gql(READ, {"id": delivery["id"]}, as_="not-a-jwt")
    assert codes(bad_token) == ["UNAUTHENTICATED"]


async def test_an_unknown_delivery_reads_as_null(gql: Gql) -> None:
    body = await gql(READ, {"id": "0b7e8c1a-0000-4000-8000-000000000000"}, as_=token(ALICE))
    assert body == {"data": {"delivery": None}}


async def test_a_delivery_is_found_by_its_tracking_number(gql: Gql, payments: Payments) -> None:
    delivery = await _scheduled(gql, payments)
    await update(gql, delivery["id"], "DISPATCHED", tracking="TRACK-4711")

    found = await gql(BY_TRACKING, {"t": " track-4711 "}, as_=token(ALICE))
    assert found["data"]["deliveryByTrackingNumber"] == {
        "id": delivery["id"], "status": "DISPATCHED",
    }  # fmt: skip
    missing = await gql(BY_TRACKING, {"t": "TRACK-0000"}, as_=token(ALICE))
    assert missing == {"data": {"deliveryByTrackingNumber": None}}
    foreign = await gql(BY_TRACKING, {"t": "TRACK-4711"}, as_=token(BOB))
    assert codes(foreign) == ["FORBIDDEN"]


async def test_the_list_shows_the_callers_deliveries_newest_first(
    gql: Gql, payments: Payments
) -> None:
    first = await _scheduled(gql, payments, ALICE)
    second = await _scheduled(gql, payments, ALICE)
    bobs = await _scheduled(gql, payments, BOB)
    await update(gql, second["id"], "CANCELLED")

    mine = await gql(LIST, {}, as_=token(ALICE))
    assert [d["id"] for d in mine["data"]["deliveries"]] == [second["id"], first["id"]]
    pending = await gql(LIST, {"s": "PENDING"}, as_=token(ALICE))
    assert [d["id"] for d in pending["data"]["deliveries"]] == [first["id"]]
    everyone = await gql(LIST, {}, as_=token("ops", "delivery:admin"))
    assert {d["id"] for d in everyone["data"]["deliveries"]} >= {
        first["id"], second["id"], bobs["id"],
    }  # fmt: skip


async def test_the_list_size_is_bounded(gql: Gql) -> None:
    body = await gql("{ deliveries(first: 101) { id } }", as_=token(ALICE))
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": "first"}
