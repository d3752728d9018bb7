"""The event log table.

One wide, append-only table. Columns to come (issue 9: ``subject_type``/``subject_id`` for
``Payment.events``/``Delivery.events``) are added as nullable columns plus one composite
index in a new migration; nothing here needs to change shape for that.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Identity, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.database import naming_metadata

__all__ = [
    "MAX_COMPONENT_LENGTH",
    "MAX_DATA_BYTES",
    "MAX_EMAIL_LENGTH",
    "MAX_ENVIRONMENT_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "Base",
    "Event",
]

MAX_EMAIL_LENGTH = 254
MAX_ENVIRONMENT_LENGTH = 64
MAX_COMPONENT_LENGTH = 64
MAX_MESSAGE_LENGTH = 10_000
MAX_DATA_BYTES = 64 * 1024


class Base(DeclarativeBase):
    metadata = naming_metadata()


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=False), primary_key=True)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH))
    environment: Mapped[str] = mapped_column(String(MAX_ENVIRONMENT_LENGTH))
    component: Mapped[str] = mapped_column(String(MAX_COMPONENT_LENGTH))
    message: Mapped[str] = mapped_column(Text)
    # Any JSON value; SQL NULL when the client sent none.
    data: Mapped[Any | None] = mapped_column(JSONB(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
    # Events ingested from other services' outboxes: their id (deduplicates redeliveries),
    # what they are about, what happened and when it happened at the source.
    source_event_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), unique=True, nullable=True
    )
    subject_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    subject_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kind: Mapped[str | None] = mapped_column(String(64), nullable=True)
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        CheckConstraint(f"char_length(message) <= {MAX_MESSAGE_LENGTH}", name="message_length"),
    )


# Newest first, keyset pagination on (created_at, id).
Index("ix_events_created_at_id", Event.created_at.desc(), Event.id.desc())
# The usual filters with time ordering. Email is the most selective (tens to hundreds of
# events per person): environment/component are checked on those few rows.
Index("ix_events_email_created_at_id", Event.email, Event.created_at.desc(), Event.id.desc())
# Environment with or without component ...
Index(
    "ix_events_environment_component_created_at_id",
    Event.environment,
    Event.component,
    Event.created_at.desc(),
    Event.id.desc(),
)
# ... and component alone (the original eventsByParameters filters on any subset).
Index(
    "ix_events_component_created_at_id",
    Event.component,
    Event.created_at.desc(),
    Event.id.desc(),
)
# The audit trail of one payment or delivery, newest first.
Index(
    "ix_events_subject_type_subject_id_created_at_id",
    Event.subject_type,
    Event.subject_id,
    Event.created_at.desc(),
    Event.id.desc(),
)
# Case-insensitive substring search in `message` (ILIKE '%text%') through trigrams.
Index(
    "ix_events_message_trgm",
    Event.message,
    postgresql_using="gin",
    postgresql_ops={"message": "gin_trgm_ops"},
)
