"""Write side: every mutation is idempotent per (caller, idempotencyKey) and needs
payments:write; the rules live in :mod:`payments.service`."""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import RequiresScopes

from payments.context import PaymentsInfo
from payments.schema.types import CreatePaymentInput, Payment

__all__ = ["Mutation"]

_WRITE = [RequiresScopes(scopes=[["payments:write"]])]
_KEYED = (
    " `idempotencyKey` (1-255 chars, per caller, kept 24 h): a retry with the same key and "
    "input returns the first outcome; other input gives IDEMPOTENCY_KEY_REUSED."
)


async def create_payment(
    info: PaymentsInfo,
    input: CreatePaymentInput,
    idempotency_key: str,
) -> Payment:
    created = await info.context.payments().create(
        amount=input.amount,
        currency=input.currency,
        payer_email=input.payer_email,
        description=input.description,
        key=idempotency_key,
    )
    return Payment.from_snapshot(created)


async def capture_payment(
    info: PaymentsInfo,
    id: strawberry.ID,
    idempotency_key: str,
) -> Payment:
    service = info.context.payments()
    return Payment.from_snapshot(await service.capture(payment_id=id, key=idempotency_key))


async def refund_payment(
    info: PaymentsInfo,
    id: strawberry.ID,
    amount: int | None,
    idempotency_key: str,
) -> Payment:
    service = info.context.payments()
    refunded = await service.refund(payment_id=id, amount=amount, key=idempotency_key)
    return Payment.from_snapshot(refunded)


async def cancel_payment(
    info: PaymentsInfo,
    id: strawberry.ID,
    idempotency_key: str,
) -> Payment:
    service = info.context.payments()
    return Payment.from_snapshot(await service.cancel(payment_id=id, key=idempotency_key))


@strawberry.type
class Mutation:
    create_payment: Payment = strawberry.mutation(
        resolver=create_payment,
        directives=_WRITE,
        description="Authorize a new payment (FAILED when declined)." + _KEYED,
    )
    capture_payment: Payment = strawberry.mutation(
        resolver=capture_payment,
        directives=_WRITE,
        description="Capture an AUTHORIZED payment in full." + _KEYED,
    )
    refund_payment: Payment = strawberry.mutation(
        resolver=refund_payment,
        directives=_WRITE,
        description="Refund a CAPTURED payment: `amount` minor units, or all that is left."
        + _KEYED,
    )
    cancel_payment: Payment = strawberry.mutation(
        resolver=cancel_payment,
        directives=_WRITE,
        description="Cancel an AUTHORIZED payment." + _KEYED,
    )
