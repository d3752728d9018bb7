"""outbox: dead letters (rejections, dead_at) and the retention purge's index

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 07:30:00+00:00

Adding the columns is instant (constant defaults). The indexes are built in the
migration's transaction, which blocks writes to the outbox while they build: on an
outbox holding millions of delivered rows, run it in a quiet period.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox",
        sa.Column("rejections", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("outbox", sa.Column("dead_at", sa.DateTime(timezone=True), nullable=True))
    # A dead letter is no longer pending: the relay's scan and ordering check skip it.
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["subject_type", "subject_id", "seq"],
        postgresql_where=sa.text("delivered_at IS NULL AND dead_at IS NULL"),
    )
    op.create_index(
        "ix_outbox_delivered",
        "outbox",
        ["delivered_at"],
        postgresql_where=sa.text("delivered_at IS NOT NULL"),
    )
    op.create_index(
        "ix_outbox_dead", "outbox", ["seq"], postgresql_where=sa.text("dead_at IS NOT NULL")
    )


def downgrade() -> None:
    # Dead letters become pending again (0002 has no dead state): the relay retries them.
    op.drop_index("ix_outbox_dead", table_name="outbox")
    op.drop_index("ix_outbox_delivered", table_name="outbox")
    op.drop_index("ix_outbox_pending", table_name="outbox")
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["subject_type", "subject_id", "seq"],
        postgresql_where=sa.text("delivered_at IS NULL"),
    )
    op.drop_column("outbox", "dead_at")
    op.drop_column("outbox", "rejections")
