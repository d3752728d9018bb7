"""The delivery subgraph's schema."""

from __future__ import annotations

from delivery.schema.mutations import Mutation
from delivery.schema.queries import Query
from delivery.schema.types import Delivery, Payment
from servicekit.graphql import PlatformSchema, build_schema
from servicekit.settings import ServiceSettings

__all__ = ["make_schema"]


def make_schema(settings: ServiceSettings) -> PlatformSchema:
    return build_schema(
        settings=settings, query=Query, mutation=Mutation, types=[Delivery, Payment]
    )
