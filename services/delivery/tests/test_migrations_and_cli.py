"""Migrations match the models and go both ways; the PII key commands."""

from __future__ import annotations

import asyncio
import base64
import uuid
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from delivery_testkit import KEY_A, KEY_B, make_settings
from sqlalchemy import Connection, delete, inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from delivery.cli import main, rotate
from delivery.crypto import PiiCipher
from delivery.models import Base, Delivery
from delivery.pii import open_recipient, seal_recipient, validate_recipient
from servicekit.database import create_engine
from servicekit.migrations import alembic_config, upgrade_with_engine
from servicekit.testing import fresh_database


async def test_the_migrated_database_matches_the_models(engine: AsyncEngine) -> None:
    def differences(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_migrations_downgrade_to_nothing_and_upgrade_again(postgres_server_url: str) -> None:
    url = await fresh_database(postgres_server_url, "delivery_migrations_test")
    engine = create_engine(make_settings(database_url=url))

    def tables(conn: Connection) -> set[str]:
        return set(inspect(conn).get_table_names())

    def downgrade(conn: Connection) -> None:
        config = alembic_config("delivery.migrations")
        config.attributes["connection"] = conn
        command.downgrade(config, "base")

    try:
        await upgrade_with_engine("delivery.migrations", engine)
        async with engine.begin() as conn:
            assert {
                "deliveries",
                "delivery_status_changes",
                "idempotency_keys",
            } <= await conn.run_sync(tables)
            await conn.run_sync(downgrade)
            assert await conn.run_sync(tables) == {"alembic_version"}
        await upgrade_with_engine("delivery.migrations", engine)
    finally:
        await engine.dispose()


def test_generate_pii_key_prints_a_fresh_32_byte_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate-pii-key"]) == 0
    first = capsys.readouterr().out.strip()
    main(["generate-pii-key"])
    assert len(base64.b64decode(first, validate=True)) == 32
    assert capsys.readouterr().out.strip() != first


def test_rotate_refuses_an_unknown_active_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DELIVERY_DATABASE_URL", "postgresql://127.0.0.1:1/never-contacted")
    monkeypatch.setenv("DELIVERY_PII_KEYS", f"k1:{KEY_A}")
    monkeypatch.setenv("DELIVERY_PII_ACTIVE_KEY", "nope")
    assert main(["rotate-pii-key"]) == 2
    assert "active PII key 'nope'" in capsys.readouterr().err


def test_rotate_needs_a_database_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DELIVERY_DATABASE_URL", raising=False)
    assert main(["rotate-pii-key"]) == 2
    assert "DELIVERY_DATABASE_URL is not set" in capsys.readouterr().err


async def test_the_rotate_command_reencrypts_committed_rows(
    engine: AsyncEngine, database_url: str
) -> None:
    old = PiiCipher.from_settings(make_settings(pii_keys=f"k1:{KEY_A}", pii_active_key="k1"))
    recipient = validate_recipient(name="Cli Person", line1="1 Road", line2=None, city="Oslo",
                                   postal_code="0150", country="NO")  # fmt: skip
    ids = [uuid.uuid4() for _ in range(5)]
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    async with sessions() as session, session.begin():
        for delivery_id in ids:
            key_id, blob = seal_recipient(old, recipient, delivery_id=delivery_id)
            session.add(Delivery(id=delivery_id, payment_id=f"cli-{delivery_id}",
                                 payer_email="cli@example.com", pii_key_id=key_id,
                                 pii_ciphertext=blob, status="PENDING"))  # fmt: skip
    settings = make_settings(database_url=database_url, pii_keys=f"k1:{KEY_A},k2:{KEY_B}",
                             pii_active_key="k2", rotation_batch_size=2)  # fmt: skip
    try:
        first = await rotate(settings, PiiCipher.from_settings(settings))
        assert (first.rotated, first.remaining) == (5, 0)
        second = await rotate(settings, PiiCipher.from_settings(settings))
        assert (second.rotated, second.remaining) == (0, 0)

        new = PiiCipher.from_settings(make_settings(pii_keys=f"k2:{KEY_B}", pii_active_key="k2"))
        async with sessions() as session:
            rows = (await session.scalars(select(Delivery).where(Delivery.id.in_(ids)))).all()
        assert {row.pii_key_id for row in rows} == {"k2"}
        for row in rows:
            opened = open_recipient(new, key_id=row.pii_key_id, blob=row.pii_ciphertext,
                                    delivery_id=row.id)  # fmt: skip
            assert opened == recipient
    finally:
        async with sessions() as session, session.begin():
            await session.execute(delete(Delivery).where(Delivery.id.in_(ids)))


async def test_the_outbox_commands_are_delivery_service_commands(
    engine: AsyncEngine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DELIVERY_DATABASE_URL", database_url)
    monkeypatch.setenv("DELIVERY_PII_KEYS", f"k1:{KEY_A}")
    monkeypatch.setenv("ENV", "test")
    unknown = str(uuid.uuid4())
    assert await asyncio.to_thread(main, ["outbox", "dead-letters"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("event_id\tsubject\tkind")
    assert "dead letters" in err
    assert await asyncio.to_thread(main, ["outbox", "discard", unknown]) == 1
    assert unknown in capsys.readouterr().err
