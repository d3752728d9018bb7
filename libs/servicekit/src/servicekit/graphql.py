"""Strawberry federation schema with the platform's extensions, and its SDL."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext
from strawberry.types.scalar import ScalarDefinition

from servicekit.errors import mask_error
from servicekit.request_info import current_request_info
from servicekit.settings import ServiceSettings

__all__ = ["FEDERATION_VERSION", "PlatformSchema", "RequestRecorder", "build_schema"]

FEDERATION_VERSION = "2.11"


class ErrorMasking(SchemaExtension):
    """Give every error a code; replace unexpected ones with a masked error.

    Here, not in ``servicekit.errors``: the error classes must not import Strawberry (the
    gateway uses them and starts faster without it)."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [mask_error(error) for error in result.errors]
        pre = self.execution_context.pre_execution_errors
        if pre:
            self.execution_context.pre_execution_errors = [mask_error(e) for e in pre]


class RequestRecorder(SchemaExtension):
    """Tell the request summary line and the metrics which operation ran, and how it ended."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        info = current_request_info()
        if info is None:
            return
        context = self.execution_context
        info.operation = context.operation_name or "anonymous"
        info.graphql_seconds = time.perf_counter() - started
        if context.pre_execution_errors:
            info.outcome = "rejected"
        elif context.result is not None and context.result.errors:
            info.outcome = "error"
        else:
            info.outcome = "ok"


class PlatformSchema(strawberry.federation.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # ErrorMasking already logged what was unexpected; expected errors are not log noise.
        return None


def build_schema(
    *,
    settings: ServiceSettings,
    query: type,
    mutation: type | None = None,
    types: Sequence[type] = (),
    extra_extensions: Iterable[Any] = (),
    scalar_map: Mapping[object, ScalarDefinition] | None = None,
) -> PlatformSchema:
    """``scalar_map`` declares custom scalars (Strawberry's non-deprecated way)."""
    # The depth rule is a class built once: a fresh one per request would make every
    # request's rule set unique and defeat a ValidationCache (validation is the costliest
    # step of a small operation). Rule classes hold no state; graphql-core instantiates
    # them per validation.
    depth_rules = QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules
    extensions: list[Any] = [
        ErrorMasking,
        RequestRecorder,
        # Factories, not instances: Strawberry builds fresh extensions per request.
        lambda: AddValidationRules(depth_rules),
        lambda: MaxTokensLimiter(max_token_count=20_000),
        # Clients and the gateway send the same few operations again and again: validate
        # each distinct document once per process. (No ParserCache: Strawberry lets its
        # cached parse errors escape without an error code.)
        lambda: ValidationCache(maxsize=512),
        *extra_extensions,
    ]
    return PlatformSchema(
        query=query,
        mutation=mutation,
        types=list(types),
        extensions=extensions,
        federation_version=FEDERATION_VERSION,  # type: ignore[arg-type]
        config=StrawberryConfig(scalar_map=dict(scalar_map or {})),
    )


def subgraph_sdl(schema: strawberry.federation.Schema) -> str:
    """The SDL the subgraph serves at ``_service { sdl }`` (what composition reads)."""
    return schema.as_str() + "\n"
