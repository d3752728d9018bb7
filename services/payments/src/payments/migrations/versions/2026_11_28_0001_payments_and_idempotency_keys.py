"""payments and idempotency_keys

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
    op.create_table(
        "payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("captured_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refunded_amount", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("payer_email", sa.String(length=320), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("failure_reason", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint("currency ~ '^[A-Z]{3}$'", name=op.f("ck_payments_currency_code")),
        sa.CheckConstraint(
            "status IN ('AUTHORIZED', 'CAPTURED', 'REFUNDED', 'CANCELLED', 'FAILED')",
            name=op.f("ck_payments_status_known"),
        ),
        sa.CheckConstraint(
            "captured_amount BETWEEN 0 AND amount", name=op.f("ck_payments_captured_within_amount")
        ),
        sa.CheckConstraint(
            "refunded_amount BETWEEN 0 AND captured_amount",
            name=op.f("ck_payments_refunded_within_captured"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_created_at_id", "payments", ["created_at", "id"])
    op.create_index(
        "ix_payments_payer_email_created_at_id", "payments", ["payer_email", "created_at", "id"]
    )
    op.create_index("ix_payments_status", "payments", ["status"])

    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(length=255), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("outcome", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_index("ix_idempotency_keys_expires_at", "idempotency_keys", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_keys_expires_at", table_name="idempotency_keys")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_payments_status", table_name="payments")
    op.drop_index("ix_payments_payer_email_created_at_id", table_name="payments")
    op.drop_index("ix_payments_created_at_id", table_name="payments")
    op.drop_table("payments")
