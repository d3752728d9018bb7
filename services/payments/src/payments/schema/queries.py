"""Read side: one payment, or a filtered, cursor-paginated list."""

from __future__ import annotations

import strawberry
from strawberry.federation.schema_directives import Authenticated

from payments.context import PaymentsInfo
from payments.schema.types import Payment, PaymentConnection, PaymentFilter

__all__ = ["Query"]


async def resolve_payment(info: PaymentsInfo, id: strawberry.ID) -> Payment | None:
    found = await info.context.payments().get(payment_id=id)
    return Payment.from_snapshot(found) if found is not None else None


async def resolve_payments(
    info: PaymentsInfo,
    filter: PaymentFilter | None = None,
    first: int | None = None,
    after: str | None = None,
) -> PaymentConnection:
    chosen = filter or PaymentFilter()
    page = await info.context.payments().page(
        status=chosen.status,
        payer_email=chosen.payer_email,
        created_after=chosen.created_after,
        created_before=chosen.created_before,
        first=first,
        after=after,
    )
    return PaymentConnection.from_page(page)


@strawberry.type
class Query:
    payment: Payment | None = strawberry.field(
        resolver=resolve_payment,
        directives=[Authenticated()],
        description="A payment by id: null when none exists; FORBIDDEN when it is another payer's.",
    )
    payments: PaymentConnection = strawberry.field(
        resolver=resolve_payments,
        directives=[Authenticated()],
        description="Payments newest first; a payer sees their own, payments:admin sees all. "
        "`first` defaults to 20 (at most 100); `after` is an `endCursor`.",
    )
