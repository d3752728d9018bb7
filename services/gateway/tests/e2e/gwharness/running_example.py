"""The design's running example (gateway-design §2, §4.7, §5): payments, delivery, events.

- payments: ``Payment @key(id) { amountCents status }``, ``Query.payment(id)``.
- delivery: ``Delivery @key(id) { address payment: Payment! }``, ``Query.deliveries`` and
  ``Payment @key(id) { status @external shippable @requires(fields: "status") }``.
- events: ``Payment @key(id) { events }`` and ``Delivery @key(id) { events }``.
"""

from __future__ import annotations

from typing import Any

from gwharness.sdl import join_v03
from gwharness.subgraph import Subgraph

__all__ = ["PLATFORM_SUPERGRAPH", "platform_subgraphs"]

PLATFORM_SUPERGRAPH = join_v03(
    ["delivery", "events", "payments"],
    """
type Query
  @join__type(graph: DELIVERY) @join__type(graph: EVENTS) @join__type(graph: PAYMENTS)
{
  deliveries: [Delivery!]! @join__field(graph: DELIVERY)
  payment(id: ID!): Payment @join__field(graph: PAYMENTS)
}

type Payment
  @join__type(graph: DELIVERY, key: "id")
  @join__type(graph: EVENTS, key: "id")
  @join__type(graph: PAYMENTS, key: "id")
{
  id: ID!
  amountCents: Int! @join__field(graph: PAYMENTS)
  status: PaymentStatus! @join__field(graph: DELIVERY, external: true)
    @join__field(graph: PAYMENTS)
  shippable: Boolean! @join__field(graph: DELIVERY, requires: "status")
  events: [Event!]! @join__field(graph: EVENTS)
}

type Delivery @join__type(graph: DELIVERY, key: "id") @join__type(graph: EVENTS, key: "id") {
  id: ID!
  address: String! @join__field(graph: DELIVERY)
  payment: Payment! @join__field(graph: DELIVERY)
  events: [Event!]! @join__field(graph: EVENTS)
}

type Event @join__type(graph: EVENTS) {
  message: String!
}

enum PaymentStatus @join__type(graph: DELIVERY) @join__type(graph: PAYMENTS) {
  PENDING @join__enumValue(graph: DELIVERY) @join__enumValue(graph: PAYMENTS)
  CAPTURED @join__enumValue(graph: DELIVERY) @join__enumValue(graph: PAYMENTS)
}
""",
)

PAYMENTS = {"p1": {"id": "p1", "amountCents": 1200, "status": "CAPTURED"},
            "p2": {"id": "p2", "amountCents": 550, "status": "PENDING"}}  # fmt: skip
DELIVERIES = [
    {"id": "d1", "address": "1 Main St", "payment": {"id": "p1"}},
    {"id": "d2", "address": "2 High St", "payment": {"id": "p2"}},
    {"id": "d3", "address": "3 Low Rd", "payment": {"id": "p1"}},
]
EVENTS = {"p1": ["created", "captured"], "p2": ["created"], "d1": ["scheduled"]}


def platform_subgraphs() -> list[Subgraph]:
    payments = Subgraph(
        "payments",
        """
        enum PaymentStatus { PENDING CAPTURED }
        type Payment @key(fields: "id") { id: ID! amountCents: Int! status: PaymentStatus! }
        type Query { payment(id: ID!): Payment }
        """,
        resolvers={"Query": {"payment": lambda _p, id: PAYMENTS.get(id)}},
        entities={"Payment": lambda r: PAYMENTS.get(r["id"])},
    )

    def shippable_payment(rep: dict[str, Any]) -> dict[str, Any]:
        return {"id": rep["id"], "shippable": rep.get("status") == "CAPTURED"}

    delivery = Subgraph(
        "delivery",
        """
        enum PaymentStatus { PENDING CAPTURED }
        type Delivery @key(fields: "id") { id: ID! address: String! payment: Payment! }
        type Payment @key(fields: "id") {
          id: ID! status: PaymentStatus! @external shippable: Boolean! @requires(fields: "status")
        }
        type Query { deliveries: [Delivery!]! }
        """,
        resolvers={"Query": {"deliveries": lambda _p: DELIVERIES}},
        entities={"Payment": shippable_payment},
    )

    def with_events(rep: dict[str, Any]) -> dict[str, Any]:
        return {"id": rep["id"], "events": [{"message": m} for m in EVENTS.get(rep["id"], [])]}

    events = Subgraph(
        "events",
        """
        type Event { message: String! }
        type Payment @key(fields: "id") { id: ID! events: [Event!]! }
        type Delivery @key(fields: "id") { id: ID! events: [Event!]! }
        """,
        entities={"Payment": with_events, "Delivery": with_events},
    )
    return [delivery, events, payments]
