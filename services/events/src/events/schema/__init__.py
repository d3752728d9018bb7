"""The events subgraph schema."""

from __future__ import annotations

from events.schema.mutations import Mutation
from events.schema.queries import Query
from events.schema.scalars import SCALAR_MAP
from events.schema.trail import Delivery, Payment
from events.schema.types import Event
from servicekit.graphql import PlatformSchema, build_schema
from servicekit.settings import ServiceSettings

__all__ = ["build_events_schema"]


def build_events_schema(settings: ServiceSettings) -> PlatformSchema:
    return build_schema(
        settings=settings,
        query=Query,
        mutation=Mutation,
        types=[Event, Payment, Delivery],
        scalar_map=SCALAR_MAP,
    )
