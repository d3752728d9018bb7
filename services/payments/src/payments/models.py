"""Tables of the payments database. Money is BIGINT minor units, never a float."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, String, Uuid, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.database import naming_metadata
from servicekit.idempotency import idempotency_table
from servicekit.outbox import outbox_table

__all__ = ["STATUSES", "Base", "Payment", "idempotency_keys", "outbox"]

STATUSES = ("AUTHORIZED", "CAPTURED", "REFUNDED", "CANCELLED", "FAILED")


class Base(DeclarativeBase):
    metadata = naming_metadata()


class Payment(Base):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_code"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        CheckConstraint("captured_amount BETWEEN 0 AND amount", name="captured_within_amount"),
        CheckConstraint(
            "refunded_amount BETWEEN 0 AND captured_amount", name="refunded_within_captured"
        ),
        Index("ix_payments_created_at_id", "created_at", "id"),
        Index("ix_payments_payer_email_created_at_id", "payer_email", "created_at", "id"),
        Index("ix_payments_status", "status"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(16))
    captured_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    refunded_amount: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Owner of the payment: a payer sees the payments whose e-mail is theirs (lower case).
    payer_email: Mapped[str] = mapped_column(String(320))
    description: Mapped[str | None] = mapped_column(String(500))
    failure_reason: Mapped[str | None] = mapped_column(String(64))
    # The token subject that created it (audit; admins may create for any payer).
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


idempotency_keys = idempotency_table(Base.metadata)

# Issue 9: one row per state change, written in the change's transaction.
outbox = outbox_table(Base.metadata)
