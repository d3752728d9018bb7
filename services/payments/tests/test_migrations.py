"""The migrations build exactly the tables the models describe, and go both ways."""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from payments.models import Base
from payments.testing import settings_for
from servicekit.database import create_engine
from servicekit.migrations import alembic_config, upgrade_with_engine
from servicekit.testing import fresh_database


async def test_the_migrated_database_matches_the_models(engine: AsyncEngine) -> None:
    def differences(conn: Connection) -> list[Any]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_the_dead_letter_migration_goes_down_and_up_keeping_the_outbox(
    postgres_server_url: str,
) -> None:
    url = await fresh_database(postgres_server_url, "payments_migration_0003")
    engine = create_engine(settings_for(), url=url)

    def columns(conn: Connection) -> set[str]:
        return {column["name"] for column in inspect(conn).get_columns("outbox")}

    def downgrade_one(conn: Connection) -> None:
        config = alembic_config("payments.migrations")
        config.attributes["connection"] = conn
        command.downgrade(config, "-1")

    try:
        await upgrade_with_engine("payments.migrations", engine)
        async with engine.begin() as conn:
            assert {"rejections", "dead_at"} <= await conn.run_sync(columns)
            await conn.execute(
                text(
                    "INSERT INTO outbox (event_id, subject_type, subject_id, kind, message,"
                    " payload, rejections, dead_at) VALUES (gen_random_uuid(), 'Payment', 'p',"
                    " 'k', 'm', '{}', 10, now())"
                )
            )
            await conn.run_sync(downgrade_one)
            assert await conn.scalar(text("SELECT version_num FROM alembic_version")) == "0002"
            assert not {"rejections", "dead_at"} & await conn.run_sync(columns)
            # The dead letter is pending again under 0002 (which has no dead state).
            pending = "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"
            assert await conn.scalar(text(pending)) == 1
        await upgrade_with_engine("payments.migrations", engine)
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT rejections, dead_at FROM outbox"))).one()
            assert tuple(row) == (0, None)
    finally:
        await engine.dispose()
