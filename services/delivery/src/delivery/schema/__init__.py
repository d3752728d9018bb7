"""The delivery subgraph's schema."""

from __future__ import annotations

from functools import lru_cache

from delivery.schema.mutations import Mutation
from delivery.schema.queries import Query
from delivery.schema.types import Delivery, Payment
from servicekit.graphql import PlatformSchema, build_schema
from servicekit.settings import ServiceSettings

__all__ = ["make_schema"]


def make_schema(settings: ServiceSettings) -> PlatformSchema:
    # The schema depends only on the depth limit; building it is the costly part of an app.
    return _schema(settings.max_query_depth)


@lru_cache(maxsize=4)
def _schema(max_query_depth: int) -> PlatformSchema:
    settings = ServiceSettings(max_query_depth=max_query_depth)
    return build_schema(
        settings=settings, query=Query, mutation=Mutation, types=[Delivery, Payment]
    )
