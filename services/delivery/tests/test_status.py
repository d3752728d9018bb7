"""The status machine, alone and through updateDeliveryStatus."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from delivery_testkit import ALICE, Gql, Payments, codes, schedule, token, update

from delivery.status import TRANSITIONS, DeliveryStatus, check_transition
from servicekit.errors import InvalidState

LEGAL = {
    ("PENDING", "DISPATCHED"),
    ("PENDING", "CANCELLED"),
    ("DISPATCHED", "IN_TRANSIT"),
    ("DISPATCHED", "FAILED"),
    ("IN_TRANSIT", "DELIVERED"),
    ("IN_TRANSIT", "FAILED"),
}


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(DeliveryStatus, DeliveryStatus))
)
def test_only_the_documented_transitions_are_legal(
    current: DeliveryStatus, target: DeliveryStatus
) -> None:
    if (current.value, target.value) in LEGAL:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidState) as raised:
            check_transition(current, target)
        assert raised.value.extensions == {"code": "INVALID_STATE", "currentStatus": current.value}


def test_final_states_have_no_way_out() -> None:
    finals = {s for s, targets in TRANSITIONS.items() if not targets}
    assert finals == {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED}


async def _pending(gql: Gql, payments: Payments) -> dict[str, Any]:
    body = await schedule(gql, await payments.add())
    delivery: dict[str, Any] = body["data"]["scheduleDelivery"]
    return delivery


async def test_a_delivery_travels_to_its_recipient_with_a_history(
    gql: Gql, payments: Payments
) -> None:
    delivery = await _pending(gql, payments)
    dispatched = await update(
        gql, delivery["id"], "DISPATCHED", courier="DHL", tracking="dhl-0001-abc",
        eta="2026-12-01T12:00:00+00:00", note="picked up",
    )  # fmt: skip
    moving = await update(gql, delivery["id"], "IN_TRANSIT")
    done = await update(gql, delivery["id"], "DELIVERED", note="left with neighbour")

    assert dispatched["data"]["updateDeliveryStatus"]["courier"] == "DHL"
    assert dispatched["data"]["updateDeliveryStatus"]["trackingNumber"] == "DHL-0001-ABC"
    assert dispatched["data"]["updateDeliveryStatus"]["eta"] == "2026-12-01T12:00:00+00:00"
    assert moving["data"]["updateDeliveryStatus"]["status"] == "IN_TRANSIT"
    final = done["data"]["updateDeliveryStatus"]
    assert final["status"] == "DELIVERED"
    history = final["history"]
    assert [(h["status"], h["note"]) for h in history] == [
        ("PENDING", "scheduled"),
        ("DISPATCHED", "picked up"),
        ("IN_TRANSIT", None),
        ("DELIVERED", "left with neighbour"),
    ]
    times = [h["at"] for h in history]
    assert times == sorted(times)


async def test_dispatching_without_a_tracking_number_assigns_one(
    gql: Gql, payments: Payments
) -> None:
    delivery = await _pending(gql, payments)
    body = await update(gql, delivery["id"], "DISPATCHED")
    tracking = body["data"]["updateDeliveryStatus"]["trackingNumber"]
    assert tracking.startswith("DLV-")
    assert len(tracking) == 16


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "IN_TRANSIT"),
        ([], "DELIVERED"),
        ([], "FAILED"),
        ([], "PENDING"),
        (["DISPATCHED"], "CANCELLED"),
        (["DISPATCHED"], "DELIVERED"),
        (["CANCELLED"], "DISPATCHED"),
        (["DISPATCHED", "IN_TRANSIT", "DELIVERED"], "FAILED"),
        (["DISPATCHED", "FAILED"], "IN_TRANSIT"),
    ],
)
async def test_an_illegal_transition_is_invalid_state_and_changes_nothing(
    gql: Gql, payments: Payments, path: list[str], illegal: str
) -> None:
    delivery = await _pending(gql, payments)
    for status in path:
        assert "errors" not in await update(gql, delivery["id"], status)
    body = await update(gql, delivery["id"], illegal)

    assert codes(body) == ["INVALID_STATE"]
    current = path[-1] if path else "PENDING"
    assert body["errors"][0]["extensions"]["currentStatus"] == current
    read = await gql(
        "query($id: ID!) { delivery(id: $id) { status history { status } } }",
        {"id": delivery["id"]},
        as_=token(ALICE),
    )
    assert read["data"]["delivery"]["status"] == current
    assert len(read["data"]["delivery"]["history"]) == 1 + len(path)


async def test_changing_status_needs_the_delivery_write_scope(gql: Gql, payments: Payments) -> None:
    delivery = await _pending(gql, payments)
    body = await update(gql, delivery["id"], "DISPATCHED", as_=token(ALICE))
    assert codes(body) == ["FORBIDDEN"]
    anonymous = await gql(
        'mutation($id: ID!) { updateDeliveryStatus(id: $id, status: CANCELLED, idempotencyKey: "k")'
        " { id } }",
        {"id": delivery["id"]},
    )
    assert codes(anonymous) == ["UNAUTHENTICATED"]


async def test_an_unknown_delivery_is_not_found(gql: Gql) -> None:
    body = await update(gql, "3f0b1e9e-0000-4000-8000-000000000000", "DISPATCHED")
    assert codes(body) == ["NOT_FOUND"]
    malformed = await update(gql, "not-a-uuid", "DISPATCHED")
    assert malformed["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": "id"}


@pytest.mark.parametrize(
    ("status", "extra", "argument"),
    [
        ("CANCELLED", {"courier": "DHL"}, "courier"),
        ("CANCELLED", {"tracking": "ABCD-1234"}, "trackingNumber"),
        ("DISPATCHED", {"tracking": "no spaces!"}, "trackingNumber"),
        ("DISPATCHED", {"eta": "2026-12-01T12:00:00"}, "eta"),
        ("DISPATCHED", {"note": "n" * 1001}, "note"),
    ],
)
async def test_bad_update_arguments_are_named(
    gql: Gql, payments: Payments, status: str, extra: dict[str, str], argument: str
) -> None:
    delivery = await _pending(gql, payments)
    body = await update(gql, delivery["id"], status, **extra)
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argumentName": argument}


async def test_a_tracking_number_belongs_to_one_delivery(gql: Gql, payments: Payments) -> None:
    first, second = await _pending(gql, payments), await _pending(gql, payments)
    await update(gql, first["id"], "DISPATCHED", tracking="SAME-0001")
    body = await update(gql, second["id"], "DISPATCHED", tracking="same-0001")
    assert body["errors"][0]["extensions"]["argumentName"] == "trackingNumber"


async def test_a_status_update_retried_with_its_key_happens_once(
    gql: Gql, payments: Payments
) -> None:
    delivery = await _pending(gql, payments)
    first = await update(gql, delivery["id"], "DISPATCHED", key="dispatch-1", tracking="ONCE-1")
    again = await update(gql, delivery["id"], "DISPATCHED", key="dispatch-1", tracking="ONCE-1")
    other = await update(gql, delivery["id"], "CANCELLED", key="dispatch-1")

    assert again["data"] == first["data"]
    assert len(again["data"]["updateDeliveryStatus"]["history"]) == 2
    assert codes(other) == ["IDEMPOTENCY_KEY_REUSED"]
