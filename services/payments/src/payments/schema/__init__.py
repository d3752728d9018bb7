"""The payments subgraph schema."""

from __future__ import annotations

from strawberry.extensions import ParserCache, ValidationCache

from payments.config import Settings
from payments.schema.mutations import Mutation
from payments.schema.queries import Query
from payments.schema.types import Payment
from servicekit.graphql import PlatformSchema, build_schema

__all__ = ["create_schema"]


def create_schema(settings: Settings) -> PlatformSchema:
    # Clients (and the gateway) send the same few operations again and again: parse and
    # validate each distinct text once (bounded LRU caches, shared per process).
    return build_schema(
        settings=settings,
        query=Query,
        mutation=Mutation,
        types=[Payment],
        extra_extensions=[
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
        ],
    )
