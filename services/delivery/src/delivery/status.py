"""The delivery status machine: the one place that says which transitions are legal.

::

    PENDING ──> DISPATCHED ──> IN_TRANSIT ──> DELIVERED
       │             │              │
       └─> CANCELLED └─> FAILED <───┘

A delivery can be cancelled only before a courier has it; it can fail only
once it is on its way. DELIVERED, FAILED and CANCELLED are final.
"""

from __future__ import annotations

from enum import StrEnum

import strawberry

from servicekit.errors import InvalidState

__all__ = ["TRANSITIONS", "DeliveryStatus", "check_transition"]


# Also the GraphQL enum (strawberry returns the same class, only annotated).
@strawberry.enum
class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DISPATCHED = "DISPATCHED"
    IN_TRANSIT = "IN_TRANSIT"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


TRANSITIONS: dict[DeliveryStatus, frozenset[DeliveryStatus]] = {
    DeliveryStatus.PENDING: frozenset({DeliveryStatus.DISPATCHED, DeliveryStatus.CANCELLED}),
    DeliveryStatus.DISPATCHED: frozenset({DeliveryStatus.IN_TRANSIT, DeliveryStatus.FAILED}),
    DeliveryStatus.IN_TRANSIT: frozenset({DeliveryStatus.DELIVERED, DeliveryStatus.FAILED}),
    DeliveryStatus.DELIVERED: frozenset(),
    DeliveryStatus.FAILED: frozenset(),
    DeliveryStatus.CANCELLED: frozenset(),
}


def check_transition(current: DeliveryStatus, target: DeliveryStatus) -> None:
    """Raise INVALID_STATE (with ``currentStatus``) unless ``current -> target`` is legal."""
    if target not in TRANSITIONS[current]:
        raise InvalidState(
            f"a {current.value} delivery cannot become {target.value}",
            currentStatus=current.value,
        )
