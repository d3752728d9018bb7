"""create the events table with its filter, ordering and trigram indexes

Revision ID: 0001
Revises:
Create Date: 2026-11-28 04:30:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Trigram matching serves case-insensitive substring search (ILIKE '%text%').
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("environment", sa.String(length=64), nullable=False),
        sa.Column("component", sa.String(length=64), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "char_length(message) <= 10000", name=op.f("ck_events_message_length")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index(
        "ix_events_created_at_id",
        "events",
        [sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "ix_events_email_created_at_id",
        "events",
        ["email", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "ix_events_environment_component_created_at_id",
        "events",
        ["environment", "component", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "ix_events_component_created_at_id",
        "events",
        ["component", sa.text("created_at DESC"), sa.text("id DESC")],
    )
    op.create_index(
        "ix_events_message_trgm",
        "events",
        ["message"],
        postgresql_using="gin",
        postgresql_ops={"message": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.drop_table("events")
