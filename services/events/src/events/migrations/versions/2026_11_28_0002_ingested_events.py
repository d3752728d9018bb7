"""ingested events: source event id (dedup), subject, kind, occurred_at

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 05:40:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("events", sa.Column("source_event_id", postgresql.UUID(as_uuid=True)))
    op.add_column("events", sa.Column("subject_type", sa.String(length=64)))
    op.add_column("events", sa.Column("subject_id", sa.String(length=64)))
    op.add_column("events", sa.Column("kind", sa.String(length=64)))
    op.add_column("events", sa.Column("occurred_at", sa.DateTime(timezone=True)))
    op.create_unique_constraint(
        op.f("uq_events_source_event_id"), "events", ["source_event_id"]
    )
    op.create_index(
        "ix_events_subject_type_subject_id_created_at_id",
        "events",
        ["subject_type", "subject_id", sa.text("created_at DESC"), sa.text("id DESC")],
    )


def downgrade() -> None:
    op.drop_index("ix_events_subject_type_subject_id_created_at_id", table_name="events")
    op.drop_constraint(op.f("uq_events_source_event_id"), "events", type_="unique")
    for column in ("occurred_at", "kind", "subject_id", "subject_type", "source_event_id"):
        op.drop_column("events", column)
