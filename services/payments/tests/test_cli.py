"""`payments-service token` and `payments-service migrate`."""

from __future__ import annotations

import asyncio

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
    assert version == "0002"
