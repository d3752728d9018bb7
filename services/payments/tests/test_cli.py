"""`payments-service token`, `migrate` and `outbox`."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import asyncpg
import jwt
import pytest
from sqlalchemy.engine import make_url

from payments.cli import main
from payments.testing import SECRET
from servicekit.testing import fresh_database


def test_token_prints_a_verifiable_development_jwt_as_its_last_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENV", "dev")
    monkeypatch.setenv("PAYMENTS_JWT_SECRET", SECRET)
    monkeypatch.setenv("PAYMENTS_JWT_AUDIENCE", "payments-api")
    assert main(["token", "--sub", "alice@example.com", "--scopes", "payments:write"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()[-1]
    claims = jwt.decode(printed, SECRET, algorithms=["HS256"], audience="payments-api")
    assert claims["sub"] == claims["email"] == "alice@example.com"
    assert claims["scope"] == "payments:write"


def test_token_is_refused_in_production(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENV", "prod")
    monkeypatch.setenv("PAYMENTS_JWT_SECRET", "k" * 40)
    assert main(["token", "--sub", "alice@example.com"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "refused when ENV=prod" in captured.err


async def test_migrate_creates_the_tables(
    postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = await fresh_database(postgres_server_url, "payments_cli_migrate")
    monkeypatch.setenv("PAYMENTS_DATABASE_URL", url)
    monkeypatch.setenv("ENV", "test")
    assert await asyncio.to_thread(main, ["migrate"]) == 0
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        tables = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        version = await conn.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await conn.close()
    assert {row["tablename"] for row in tables} >= {"payments", "idempotency_keys", "outbox"}
    assert version == "0003"


async def test_outbox_commands_list_requeue_and_discard_dead_letters(
    postgres_server_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = await fresh_database(postgres_server_url, "payments_cli_outbox")
    monkeypatch.setenv("PAYMENTS_DATABASE_URL", url)
    monkeypatch.setenv("ENV", "test")
    assert await asyncio.to_thread(main, ["migrate"]) == 0
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    dead, kept, delivered = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(dsn)
    try:
        insert = (
            "INSERT INTO outbox (event_id, subject_type, subject_id, kind, message, payload,"
            " rejections, attempts, last_error, dead_at, delivered_at) VALUES ($1, 'Payment',"
            " $2, 'payment.created', 'payment created', '{\"payerEmail\": \"bob@example.com\"}',"
            " $3, $3, $4, $5, $6)"
        )
        error = "DeliveryRejected: events rejected the batch: BAD_USER_INPUT"
        now = datetime.now(UTC)
        await conn.execute(insert, dead, "p1", 10, error, now, None)
        await conn.execute(insert, kept, "p2", 10, error, now, None)
        await conn.execute(insert, delivered, "p3", 0, None, None, now)

        capsys.readouterr()
        assert await asyncio.to_thread(main, ["outbox", "dead-letters"]) == 0
        out, err = capsys.readouterr()
        lines = out.strip().splitlines()
        assert lines[0].split("\t")[:3] == ["event_id", "subject", "kind"]
        assert [line.split("\t")[:3] for line in lines[1:]] == [
            [str(dead), "Payment:p1", "payment.created"],
            [str(kept), "Payment:p2", "payment.created"],
        ]
        assert lines[1].endswith(error)
        assert "bob@example.com" not in out + err
        assert "2 dead letters" in err

        assert await asyncio.to_thread(main, ["outbox", "requeue"]) == 2
        assert await asyncio.to_thread(main, ["outbox", "requeue", str(delivered)]) == 1
        assert str(delivered) in capsys.readouterr().err
        assert await asyncio.to_thread(main, ["outbox", "requeue", str(dead)]) == 0
        assert "requeued 1 dead letters" in capsys.readouterr().out
        assert await asyncio.to_thread(main, ["outbox", "discard", "--all"]) == 0
        assert "discarded 1 dead letters" in capsys.readouterr().out

        rows = await conn.fetch("SELECT event_id, rejections, dead_at, delivered_at FROM outbox")
        state = {r["event_id"]: (r["rejections"], r["dead_at"], r["delivered_at"]) for r in rows}
        assert set(state) == {dead, delivered}  # the discarded letter is gone
        assert state[dead] == (0, None, None)  # pending again, counters reset
        assert state[delivered][2] is not None
    finally:
        await conn.close()
