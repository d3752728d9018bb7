from __future__ import annotations

from delivery_testkit import ALICE, Gql, PaymentsStub, token


async def test_smoke(gql: Gql, stub: PaymentsStub) -> None:
    pid = stub.add()
    r = await gql(
        """mutation($p: ID!) { scheduleDelivery(paymentId: $p, recipientName: "Ann Example",
        address: {line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "de"},
        idempotencyKey: "k1") { id status recipientName address { country } history { status note }
        payment { id } } }""",
        {"p": pid},
        as_=token(ALICE),
    )
    assert r["data"]["scheduleDelivery"]["status"] == "PENDING"
