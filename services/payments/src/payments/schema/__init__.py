"""The payments subgraph schema."""

from __future__ import annotations

from payments.config import Settings
from payments.schema.mutations import Mutation
from payments.schema.queries import Query
from payments.schema.types import Payment
from servicekit.graphql import PlatformSchema, build_schema

__all__ = ["create_schema"]


def create_schema(settings: Settings) -> PlatformSchema:
    return build_schema(settings=settings, query=Query, mutation=Mutation, types=[Payment])
