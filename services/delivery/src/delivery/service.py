"""Every state change of a delivery happens here, each in one transaction.

``schedule_delivery`` and ``update_delivery_status`` run under
:func:`servicekit.idempotency.run_idempotent`: the idempotency record, the
delivery row, its history row and its outbox row (the event trail, issue 9)
commit together; a replayed key changes nothing and records nothing. Events carry
no recipient data (name, address): ids, status, courier, tracking number and the
payer's e-mail (the event's owner when the actor is a system without an e-mail).
The stored outcome is the delivery id only, never personal
data; a replay reads the delivery again.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery import repository
from delivery.crypto import PiiCipher
from delivery.models import Delivery, outbox
from delivery.payments_client import PaymentsClient
from delivery.pii import Recipient, seal_recipient
from delivery.status import DeliveryStatus, check_transition
from delivery.views import ADMIN_SCOPE, WRITE_SCOPE, owns
from servicekit.auth import Principal
from servicekit.errors import AppError, BadUserInput, Forbidden, InvalidState, NotFound
from servicekit.idempotency import run_idempotent, validate_key
from servicekit.outbox import record_event

__all__ = ["DeliveryService", "StatusUpdate"]

CAPTURED = "CAPTURED"
_TRACKING = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,63}$")


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    status: DeliveryStatus
    note: str | None = None
    courier: str | None = None
    tracking_number: str | None = None
    eta: datetime | None = None

    def validated(self) -> StatusUpdate:
        """Checks that need no database; raises BAD_USER_INPUT naming the argument."""
        note = (self.note or "").strip() or None
        if note is not None and len(note) > 1000:
            raise BadUserInput("note is longer than 1000 characters", argument="note")
        courier = (self.courier or "").strip() or None
        if courier is not None and len(courier) > 100:
            raise BadUserInput("courier is longer than 100 characters", argument="courier")
        tracking = (self.tracking_number or "").strip().upper() or None
        if tracking is not None and not _TRACKING.match(tracking):
            raise BadUserInput(
                "trackingNumber must be 4-64 letters, digits or hyphens",
                argument="trackingNumber",
            )
        if self.status is not DeliveryStatus.DISPATCHED:
            for name, value in (("courier", courier), ("trackingNumber", tracking)):
                if value is not None:
                    raise BadUserInput(f"{name} is set when dispatching only", argument=name)
        if self.eta is not None:
            if self.eta.tzinfo is None:
                raise BadUserInput("eta needs a time zone offset", argument="eta")
            if self.status not in {DeliveryStatus.DISPATCHED, DeliveryStatus.IN_TRANSIT}:
                raise BadUserInput("eta is set while dispatching or in transit", argument="eta")
        return StatusUpdate(self.status, note, courier, tracking, self.eta)

    def request(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "note": self.note,
            "courier": self.courier,
            "trackingNumber": self.tracking_number,
            "eta": self.eta.isoformat() if self.eta else None,
        }


class _Transient(Exception):
    """Carries an error that must not become the key's stored outcome (payments was down)."""

    def __init__(self, error: AppError) -> None:
        super().__init__(error.message)
        self.error = error


class DeliveryService:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        cipher: PiiCipher,
        payments: PaymentsClient,
        idempotency_table: Table,
        idempotency_retention: timedelta,
        idempotency_wait_seconds: float = 10.0,
    ) -> None:
        self._sessions = sessions
        self._cipher = cipher
        self._payments = payments
        self._table = idempotency_table
        self._retention = idempotency_retention
        self._wait = idempotency_wait_seconds

    async def schedule_delivery(
        self,
        *,
        principal: Principal,
        authorization: str | None,
        payment_id: str,
        recipient: Recipient,
        idempotency_key: str,
    ) -> uuid.UUID:
        """Create the (only) delivery of a captured payment; returns its id."""
        validate_key(idempotency_key)
        payment_id = payment_id.strip()
        if not payment_id or len(payment_id) > 255:
            raise BadUserInput("paymentId must be 1-255 characters", argument="paymentId")

        async def action(session: AsyncSession) -> uuid.UUID:
            try:
                payment = await self._payments.payment(payment_id, authorization=authorization)
            except AppError as err:  # payments down or refusing the token: retryable
                raise _Transient(err) from err
            if payment is None:
                raise NotFound(f"payment {payment_id} not found", argument="paymentId")
            if not (
                owns(principal, payment.payer_email)
                or principal.has_scope(WRITE_SCOPE)
                or principal.has_scope(ADMIN_SCOPE)
            ):
                raise Forbidden("only the payer or a delivery:write caller may ship a payment")
            if payment.status != CAPTURED:
                raise InvalidState(
                    f"payment {payment_id} is {payment.status}; only a captured payment ships",
                    currentStatus=payment.status,
                )
            delivery_id = uuid.uuid4()
            key_id, blob = seal_recipient(self._cipher, recipient, delivery_id=delivery_id)
            inserted = await repository.insert_delivery(
                session,
                values={
                    "id": delivery_id,
                    "payment_id": payment_id,
                    "payer_email": payment.payer_email.lower(),
                    "pii_key_id": key_id,
                    "pii_ciphertext": blob,
                    "status": DeliveryStatus.PENDING.value,
                },
            )
            if not inserted:
                existing = await session.scalar(
                    select(Delivery.status).where(Delivery.payment_id == payment_id)
                )
                raise InvalidState(
                    f"payment {payment_id} already has a delivery",
                    currentStatus=existing or DeliveryStatus.PENDING.value,
                )
            await repository.insert_status_change(
                session, delivery_id=delivery_id, status=DeliveryStatus.PENDING.value,
                note="scheduled",
            )  # fmt: skip
            await _record(
                session, principal, delivery_id=delivery_id, kind="delivery.scheduled",
                message="delivery scheduled",
                payload={
                    "paymentId": payment_id, "status": DeliveryStatus.PENDING.value,
                    "payerEmail": payment.payer_email.lower(),
                },
            )  # fmt: skip
            return delivery_id

        request = {
            "paymentId": payment_id,
            "recipientName": recipient.name,
            "address": {
                "line1": recipient.address.line1,
                "line2": recipient.address.line2,
                "city": recipient.address.city,
                "postalCode": recipient.address.postal_code,
                "country": recipient.address.country,
            },
        }
        return await self._idempotent(
            principal, key=idempotency_key, operation="scheduleDelivery", request=request,
            action=action,
        )  # fmt: skip

    async def update_delivery_status(
        self,
        *,
        principal: Principal,
        delivery_id: uuid.UUID,
        update: StatusUpdate,
        idempotency_key: str,
    ) -> uuid.UUID:
        """Move a delivery along the status machine (needs ``delivery:write``)."""
        principal.require_scope(WRITE_SCOPE)
        validate_key(idempotency_key)
        change = update.validated()

        async def action(session: AsyncSession) -> uuid.UUID:
            row = await repository.lock_delivery(session, delivery_id=delivery_id)
            if row is None:
                raise NotFound(f"delivery {delivery_id} not found", argument="id")
            check_transition(DeliveryStatus(row.status), change.status)
            before = {"status": row.status, "courier": row.courier, "tracking": row.tracking_number}
            values: dict[str, Any] = {"status": change.status.value}
            if change.status is DeliveryStatus.DISPATCHED:
                tracking = change.tracking_number or _new_tracking_number()
                taken = await repository.delivery_by_tracking_number(
                    session, tracking_number=tracking
                )
                if taken is not None:
                    raise BadUserInput(
                        "trackingNumber is already used by another delivery",
                        argument="trackingNumber",
                    )
                values["tracking_number"] = tracking
                values["courier"] = change.courier
            if change.eta is not None:
                values["eta"] = change.eta
            await repository.update_delivery(session, delivery_id=delivery_id, values=values)
            await repository.insert_status_change(
                session, delivery_id=delivery_id, status=change.status.value, note=change.note
            )
            status = change.status.value
            await _record(
                session, principal, delivery_id=delivery_id,
                kind=f"delivery.{status.lower()}",
                message=f"delivery {status.lower().replace('_', ' ')}",
                payload={
                    "paymentId": row.payment_id, "status": status, "payerEmail": row.payer_email,
                    "previousStatus": before["status"],
                    "note": change.note, "courier": values.get("courier", before["courier"]),
                    "trackingNumber": values.get("tracking_number", before["tracking"]),
                    "eta": change.eta.isoformat() if change.eta else None,
                },
            )  # fmt: skip
            return delivery_id

        request = {"id": str(delivery_id), **update.request()}
        return await self._idempotent(
            principal, key=idempotency_key, operation="updateDeliveryStatus", request=request,
            action=action,
        )  # fmt: skip

    async def _idempotent(
        self,
        principal: Principal,
        *,
        key: str,
        operation: str,
        request: dict[str, Any],
        action: Any,
    ) -> uuid.UUID:
        try:
            return await run_idempotent(
                self._sessions,
                table=self._table,
                scope=principal.subject,
                key=key,
                operation=operation,
                request=request,
                action=action,
                encode=str,
                decode=uuid.UUID,
                retention=self._retention,
                wait_seconds=self._wait,
            )
        except _Transient as transient:
            raise transient.error from None


async def _record(
    session: AsyncSession,
    principal: Principal,
    *,
    delivery_id: uuid.UUID,
    kind: str,
    message: str,
    payload: dict[str, Any],
) -> None:
    await record_event(
        session, outbox, subject_type="Delivery", subject_id=str(delivery_id), kind=kind,
        message=message, payload={"deliveryId": str(delivery_id), **payload},
        actor=(principal.email or principal.subject)[:320],
    )  # fmt: skip


def _new_tracking_number() -> str:
    return f"DLV-{secrets.token_hex(6).upper()}"
