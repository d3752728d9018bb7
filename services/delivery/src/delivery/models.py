"""Tables of the delivery database.

Recipient name and address are never stored in clear: ``pii_ciphertext`` holds
them encrypted (see :mod:`delivery.crypto`) under the key named by ``pii_key_id``.
The tracking number is not personal data and stays in clear (unique, indexed)
so that look-ups by tracking number are a plain index scan.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from delivery.status import DeliveryStatus
from servicekit.database import naming_metadata
from servicekit.idempotency import idempotency_table
from servicekit.outbox import outbox_table

__all__ = ["Base", "Delivery", "StatusChange", "idempotency_keys", "outbox"]

_STATUSES = ", ".join(f"'{s.value}'" for s in DeliveryStatus)


class Base(DeclarativeBase):
    metadata = naming_metadata()


class Delivery(Base):
    __tablename__ = "deliveries"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # At most one delivery per payment: the database decides under concurrency.
    payment_id: Mapped[str] = mapped_column(String(255), unique=True)
    # The payer as payments reported it when the delivery was scheduled (the reader rule).
    payer_email: Mapped[str] = mapped_column(String(320), index=True)
    pii_key_id: Mapped[str] = mapped_column(String(64), index=True)
    pii_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16))
    courier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(64), unique=True)
    eta: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # clock_timestamp(), not now(): rows of one transaction still order by time.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )

    __table_args__ = (CheckConstraint(f"status IN ({_STATUSES})", name="status"),)


class StatusChange(Base):
    __tablename__ = "delivery_status_changes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )

    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        Index("ix_delivery_status_changes_delivery_id_id", "delivery_id", "id"),
    )


# Idempotency records of the mutations (servicekit's shared table shape).
idempotency_keys = idempotency_table(Base.metadata)

# The event trail (issue 9): one row per state change, in the change's transaction.
outbox = outbox_table(Base.metadata)
