"""GraphQL-over-HTTP request parsing and response media negotiation.

GET carries ``query``, ``operationName``, ``variables`` (JSON) and ``extensions``
(JSON) as URL parameters; POST carries them in a JSON object body, parsed with
orjson, or a JSON array of such objects (a batch) when batching is on. ``query``
may be absent when ``extensions.persistedQuery`` names a stored one. Anything else
is a ``RequestError`` naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from gateway.server.errors import (
    MalformedRequestError,
    NotAcceptableError,
    UnsupportedMediaError,
)

__all__ = [
    "GRAPHQL_RESPONSE",
    "JSON",
    "BatchItem",
    "GraphQLRequest",
    "negotiate",
    "parse_get",
    "parse_post",
]

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    """One well-formed GraphQL-over-HTTP request."""

    query: str | None  # None only with extensions.persistedQuery
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None = None


# One operation of a batch: parsed, or why it cannot be.
BatchItem = GraphQLRequest | MalformedRequestError


def negotiate(accept: str | None) -> str:
    """The response media type for this ``Accept`` header (spec §Accept)."""
    if not accept:
        return JSON
    ranges = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((q, media))
    best: tuple[float, str] | None = None
    for q, media in ranges:
        if media == GRAPHQL_RESPONSE:
            candidate = (q + 0.0001, GRAPHQL_RESPONSE)  # preferred on a tie
        elif media in (JSON, "application/*", "*/*"):
            candidate = (q, JSON)
        else:
            continue
        if best is None or candidate[0] > best[0]:
            best = candidate
    if best is None:
        raise NotAcceptableError(
            f"Cannot produce any of the accepted media types; use {GRAPHQL_RESPONSE} or {JSON}."
        )
    return best[1]


def _from_mapping(params: Mapping[str, Any], *, variables_json: bool) -> GraphQLRequest:
    query = params.get("query")
    if query is not None and not isinstance(query, str):
        raise MalformedRequestError("'query' must be a string.")
    name = params.get("operationName")
    if name is not None and not isinstance(name, str):
        raise MalformedRequestError("'operationName' must be a string.")
    variables = params.get("variables")
    if variables_json and isinstance(variables, str):
        variables = _json_param("variables", variables)
    if variables is not None and not isinstance(variables, dict):
        raise MalformedRequestError("'variables' must be an object.")
    extensions = params.get("extensions")
    if variables_json and isinstance(extensions, str):
        extensions = _json_param("extensions", extensions)
    if extensions is not None and not isinstance(extensions, dict):
        raise MalformedRequestError("'extensions' must be an object.")
    if query is None and not (extensions and "persistedQuery" in extensions):
        raise MalformedRequestError("The request has no 'query'.")
    return GraphQLRequest(query, name or None, variables, extensions)


def _json_param(name: str, text: str) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        raise MalformedRequestError(f"'{name}' is not valid JSON.") from None


def parse_get(params: Mapping[str, str]) -> GraphQLRequest:
    """A request from URL parameters."""
    return _from_mapping(params, variables_json=True)


def parse_post(
    content_type: str | None, body: bytes, *, batching: bool = False
) -> GraphQLRequest | list[BatchItem]:
    """A request from a POST body; a list of them for a JSON array when ``batching``."""
    media = (content_type or "").split(";")[0].strip().lower()
    if media not in (JSON, GRAPHQL_RESPONSE, ""):
        raise UnsupportedMediaError(f"POST bodies must be {JSON}, not '{media}'.")
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise MalformedRequestError("The request body is not valid JSON.") from None
    if batching and isinstance(parsed, list):
        if not parsed:
            raise MalformedRequestError("The batch is empty.")
        return [_batch_item(item) for item in parsed]
    if not isinstance(parsed, dict):
        raise MalformedRequestError("The request body must be a JSON object.")
    return _from_mapping(parsed, variables_json=False)


def _batch_item(item: Any) -> BatchItem:
    # Item errors stay per item: the rest of the batch runs.
    if not isinstance(item, dict):
        return MalformedRequestError("Each operation of a batch must be a JSON object.")
    try:
        return _from_mapping(item, variables_json=False)
    except MalformedRequestError as err:
        return err
