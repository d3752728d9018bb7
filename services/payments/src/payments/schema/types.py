"""GraphQL types of the payments subgraph."""

from __future__ import annotations

from datetime import datetime

import strawberry

from payments.context import PaymentsInfo
from payments.domain import PaymentSnapshot, PaymentStatus
from payments.service import Page, can_see
from payments.validation import parse_id
from servicekit.errors import BadUserInput, Forbidden, NotFound

__all__ = [
    "CreatePaymentInput",
    "Payment",
    "PaymentConnection",
    "PaymentEdge",
    "PaymentFilter",
    "PaymentPageInfo",
    "PaymentStatusType",
]

# No description: the enum must be identical in every subgraph that declares it.
PaymentStatusType = strawberry.enum(PaymentStatus, name="PaymentStatus")

_MINOR = "in the currency's minor unit (cents for EUR, yen for JPY); never a float"


@strawberry.federation.type(keys=["id"], description="A payment, owned by the payments subgraph.")
class Payment:
    id: strawberry.ID
    amount: int = strawberry.field(description=f"Authorized amount {_MINOR}.")
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. EUR.")
    status: PaymentStatus
    captured_amount: int = strawberry.field(description=f"Captured amount {_MINOR}.")
    refunded_amount: int = strawberry.field(description=f"Refunded amount {_MINOR}.")
    payer_email: str
    description: str | None
    failure_reason: str | None = strawberry.field(
        description="Why a FAILED payment was declined (AMOUNT_OVER_LIMIT, DECLINED_TEST_PAYER)."
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_snapshot(cls, item: PaymentSnapshot) -> Payment:
        return cls(
            id=strawberry.ID(item.id),
            amount=item.amount,
            currency=item.currency,
            status=item.status,
            captured_amount=item.captured_amount,
            refunded_amount=item.refunded_amount,
            payer_email=item.payer_email,
            description=item.description,
            failure_reason=item.failure_reason,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )

    @classmethod
    async def resolve_reference(cls, info: PaymentsInfo, id: strawberry.ID) -> Payment:
        """Entity look-up for the gateway; all of one `_entities` call share one query."""
        principal = info.context.require_principal()
        try:
            payment_id = parse_id(id)
        except BadUserInput:
            raise NotFound("no payment with this id") from None
        found = await info.context.loaders.payment.load(payment_id)
        if found is None:
            raise NotFound("no payment with this id")
        if not can_see(principal, found.payer_email):
            raise Forbidden("this payment belongs to another payer")
        return cls.from_snapshot(found)


@strawberry.input(description="A new payment; amounts are integers in minor units.")
class CreatePaymentInput:
    amount: int = strawberry.field(description=f"Amount to authorize {_MINOR}; > 0.")
    currency: str = strawberry.field(description="ISO 4217 code (EUR, USD, JPY ...).")
    payer_email: str | None = strawberry.field(
        default=None,
        description="The payer; defaults to the caller's e-mail (others need payments:admin).",
    )
    description: str | None = strawberry.field(default=None, description="At most 500 chars.")


@strawberry.input
class PaymentFilter:
    status: PaymentStatus | None = None
    payer_email: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


@strawberry.type
class PaymentEdge:
    cursor: str
    node: Payment


@strawberry.type
class PaymentPageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(description="A page of payments, newest first.")
class PaymentConnection:
    edges: list[PaymentEdge]
    page_info: PaymentPageInfo

    @strawberry.field
    def nodes(self) -> list[Payment]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_page(cls, page: Page) -> PaymentConnection:
        edges = [
            PaymentEdge(cursor=cursor, node=Payment.from_snapshot(item))
            for item, cursor in zip(page.items, page.cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=PaymentPageInfo(
                has_next_page=page.has_next_page,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
        )
