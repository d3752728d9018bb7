"""deliveries, their status history, idempotency keys

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "status IN ('PENDING', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'FAILED', 'CANCELLED')"


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.String(255), nullable=False),
        sa.Column("payer_email", sa.String(320), nullable=False),
        sa.Column("pii_key_id", sa.String(64), nullable=False),
        sa.Column("pii_ciphertext", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("courier", sa.String(100), nullable=True),
        sa.Column("tracking_number", sa.String(64), nullable=True),
        sa.Column("eta", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.CheckConstraint(STATUSES, name="ck_deliveries_status"),
        sa.UniqueConstraint("payment_id", name="uq_deliveries_payment_id"),
        sa.UniqueConstraint("tracking_number", name="uq_deliveries_tracking_number"),
    )
    op.create_index("ix_deliveries_payer_email", "deliveries", ["payer_email"])
    op.create_index("ix_deliveries_pii_key_id", "deliveries", ["pii_key_id"])

    op.create_table(
        "delivery_status_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_delivery_status_changes"),
        sa.CheckConstraint(STATUSES, name="ck_delivery_status_changes_status"),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["deliveries.id"], ondelete="CASCADE",
            name="fk_delivery_status_changes_delivery_id_deliveries",
        ),
    )
    op.create_index(
        "ix_delivery_status_changes_delivery_id_id", "delivery_status_changes", ["delivery_id", "id"]
    )

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(255), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("operation", sa.String(100), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("outcome", postgresql.JSONB(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name="pk_idempotency_keys"),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_table("delivery_status_changes")
    op.drop_table("deliveries")
