"""The migrations build exactly the tables and indexes the models declare."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from events.models import Base


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []


async def test_search_and_filter_indexes_exist(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events'")
        )
        indexes: dict[str, str] = dict(rows.all())
    assert "gin_trgm_ops" in indexes["ix_events_message_trgm"]
    assert "(email, created_at DESC, id DESC)" in indexes["ix_events_email_created_at_id"]
    assert set(indexes) == {
        "pk_events",
        "ix_events_created_at_id",
        "ix_events_email_created_at_id",
        "ix_events_environment_component_created_at_id",
        "ix_events_component_created_at_id",
        "ix_events_message_trgm",
        "ix_events_subject_type_subject_id_created_at_id",
        "uq_events_source_event_id",
    }
