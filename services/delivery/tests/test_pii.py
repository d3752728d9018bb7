"""Personal data is encrypted at rest, bound to its row, and survives key rotation."""

from __future__ import annotations

import base64
import os
import uuid

import pytest
from delivery_testkit import (
    ADDRESS,
    ALICE,
    KEY_A,
    KEY_B,
    RECIPIENT,
    Gql,
    Payments,
    make_settings,
    running_delivery,
    schedule,
    token,
    update,
)
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.types import ASGIApp

from delivery.crypto import PiiCipher, parse_keys
from delivery.errors import PiiKeyError
from delivery.models import Delivery
from delivery.pii import open_recipient, seal_recipient, validate_recipient
from delivery.rotation import rotate_pii_key

Sessions = async_sessionmaker[AsyncSession]
SECRETS = [RECIPIENT, *(v for v in ADDRESS.values() if len(v) > 2)]


async def raw_dump(sessions: Sessions) -> str:
    """Every row of every table of the delivery schema, as PostgreSQL prints it."""
    async with sessions() as session:
        tables = (
            await session.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
        ).all()
        dumped: list[str] = []
        for table in tables:
            rows = await session.execute(text(f'SELECT t::text FROM "{table}" t'))  # noqa: S608
            dumped.extend(row[0] for row in rows)
    return "\n".join(dumped)


async def test_the_database_holds_no_plaintext_name_or_address(
    gql: Gql, payments: Payments, sessions: Sessions
) -> None:
    body = await schedule(gql, await payments.add())
    assert body["data"]["scheduleDelivery"]["recipientName"] == RECIPIENT

    dump = await raw_dump(sessions)
    assert body["data"]["scheduleDelivery"]["id"] in dump  # the dump does see the row
    for secret in SECRETS:
        assert secret not in dump
        # also not as PostgreSQL's hex rendering of bytea (UTF-8 bytes)
        assert secret.encode().hex() not in dump
    async with sessions() as session:
        key_ids = (await session.scalars(select(Delivery.pii_key_id))).all()
    assert key_ids == ["k1"]


async def test_rotation_reencrypts_every_row_and_reads_still_work(
    payments: Payments, payments_app: ASGIApp, sessions: Sessions
) -> None:
    old = make_settings(pii_keys=f"k1:{KEY_A}", pii_active_key="k1")
    ids = []
    async with running_delivery(old, payments_app=payments_app, sessionmaker=sessions) as gql:
        for index in range(7):
            body = await schedule(gql, await payments.add(), name=f"{RECIPIENT} {index}")
            ids.append(body["data"]["scheduleDelivery"]["id"])
        await update(gql, ids[0], "DISPATCHED", tracking="ROT-0001")
    async with sessions() as session:
        before = dict((await session.execute(select(Delivery.id, Delivery.pii_ciphertext))).all())

    both = make_settings(pii_keys=f"k1:{KEY_A},k2:{KEY_B}", pii_active_key="k2")
    cipher = PiiCipher.from_settings(both)
    result = await rotate_pii_key(sessions, cipher=cipher, batch_size=3)
    assert (result.rotated, result.remaining, result.active_key_id) == (7, 0, "k2")
    again = await rotate_pii_key(sessions, cipher=cipher, batch_size=3)
    assert (again.rotated, again.remaining) == (0, 0)  # idempotent

    async with sessions() as session:
        after = (await session.execute(select(Delivery.id, Delivery.pii_key_id,
                                              Delivery.pii_ciphertext))).all()  # fmt: skip
    assert {row.pii_key_id for row in after} == {"k2"}
    assert all(before[row.id] != row.pii_ciphertext for row in after)

    # Only the new key is configured now: every delivery still reads.
    new_only = make_settings(pii_keys=f"k2:{KEY_B}", pii_active_key="k2")
    async with running_delivery(new_only, payments_app=payments_app, sessionmaker=sessions) as gql:
        for index, delivery_id in enumerate(ids):
            read = await gql(
                "query($id: ID!) { delivery(id: $id) { recipientName address { city } } }",
                {"id": delivery_id},
                as_=token(ALICE),
            )
            assert read["data"]["delivery"] == {
                "recipientName": f"{RECIPIENT} {index}",
                "address": {"city": ADDRESS["city"]},
            }
        tracked = await gql(
            '{ deliveryByTrackingNumber(trackingNumber: "ROT-0001") { id recipientName } }',
            as_=token(ALICE),
        )
        assert tracked["data"]["deliveryByTrackingNumber"] == {
            "id": ids[0],
            "recipientName": f"{RECIPIENT} 0",
        }


async def test_a_row_under_a_retired_key_is_not_readable_and_the_error_is_masked(
    payments: Payments, payments_app: ASGIApp, sessions: Sessions
) -> None:
    async with running_delivery(
        make_settings(), payments_app=payments_app, sessionmaker=sessions
    ) as gql:
        delivery_id = (await schedule(gql, await payments.add()))["data"]["scheduleDelivery"]["id"]
    other = make_settings(pii_keys=f"k2:{KEY_B}", pii_active_key="k2")
    async with running_delivery(other, payments_app=payments_app, sessionmaker=sessions) as gql:
        read = await gql(
            "query($id: ID!) { delivery(id: $id) { recipientName } }",
            {"id": delivery_id},
            as_=token(ALICE),
        )
    assert read["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "k1" not in str(read)


def _cipher() -> PiiCipher:
    return PiiCipher(parse_keys(f"a:{KEY_A},b:{KEY_B}"), active="b")


def test_a_ciphertext_moved_to_another_row_does_not_decrypt() -> None:
    cipher = _cipher()
    recipient = validate_recipient(name="N", line1="L", line2=None, city="C", postal_code="1",
                                   country="FR")  # fmt: skip
    row_a, row_b = uuid.uuid4(), uuid.uuid4()
    key_id, blob = seal_recipient(cipher, recipient, delivery_id=row_a)
    assert open_recipient(cipher, key_id=key_id, blob=blob, delivery_id=row_a) == recipient
    with pytest.raises(PiiKeyError):
        open_recipient(cipher, key_id=key_id, blob=blob, delivery_id=row_b)


def test_the_same_data_encrypts_differently_each_time() -> None:
    cipher = _cipher()
    assert cipher.encrypt(b"x", associated=b"a")[1] != cipher.encrypt(b"x", associated=b"a")[1]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "no PII keys"),
        ("k1", "expected kid:base64key"),
        ("k1:not base64!", "not valid base64"),
        (f"k1:{base64.b64encode(os.urandom(16)).decode()}", "must be 32 bytes"),
        (f"k1:{KEY_A},k1:{KEY_B}", "listed twice"),
    ],
)
def test_bad_key_material_is_refused(raw: str, message: str) -> None:
    with pytest.raises(PiiKeyError, match=message):
        parse_keys(raw)


def test_the_active_key_must_be_configured() -> None:
    with pytest.raises(PiiKeyError, match="not among"):
        PiiCipher.from_settings(make_settings(pii_keys=f"k1:{KEY_A}", pii_active_key="k9"))
