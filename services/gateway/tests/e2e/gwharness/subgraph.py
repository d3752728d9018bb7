"""An in-process federated subgraph built from SDL and resolvers with graphql-core.

It answers ``_service { sdl }`` (as a Federation 2 subgraph library does: with the
``@link`` importing the federation directives it uses, unless the SDL has its own or
``federation=1``) and ``_entities(representations:)``, counts the
requests it receives and can be told to misbehave (be slow, answer with a
status, answer with a fixed body), so the gateway's error paths are exercised
over real HTTP semantics through ``httpx.ASGITransport``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any

import orjson
from graphql import (
    GraphQLError,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_ast_schema,
    graphql,
    parse,
)
from graphql.language import (
    DocumentNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
)

from gateway.composition.links import FEDERATION_DIRECTIVES

__all__ = ["EntityResolver", "Resolver", "Subgraph", "served_sdl"]

Resolver = Callable[..., Any]
EntityResolver = Callable[[dict[str, Any]], Any]

_FEDERATION = """
scalar _Any
scalar FieldSet
scalar link__Import
type _Service { sdl: String }
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @external(reason: String) on OBJECT | FIELD_DEFINITION
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
directive @override(from: String!, label: String) on FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION
  | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @interfaceObject on OBJECT
directive @extends on OBJECT | INTERFACE
directive @link(url: String!, import: [link__Import]) repeatable on SCHEMA
"""


def served_sdl(sdl: str, federation: int = 2) -> str:
    """The SDL a subgraph answers to ``_service { sdl }``: Federation 2 ones link the spec."""
    if federation == 1 or re.search(r"@link\b", sdl):
        return sdl
    used = [n for n in FEDERATION_DIRECTIVES if re.search(rf"@{n}\b", sdl)]
    imports = ", ".join(f'"@{n}"' for n in used)
    link = (
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: [{imports}])'
    )
    return f"{link}\n{sdl}"


def _as_definitions(doc: DocumentNode) -> DocumentNode:
    """Fed1 ``extend type T`` with no base definition becomes ``type T``."""
    defined = {
        d.name.value
        for d in doc.definitions
        if isinstance(d, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode)
    }
    out: list[Any] = []
    for d in doc.definitions:
        node: Any = d
        if isinstance(d, ObjectTypeExtensionNode) and d.name.value not in defined:
            defined.add(d.name.value)
            node = ObjectTypeDefinitionNode(
                name=d.name, interfaces=d.interfaces, directives=d.directives, fields=d.fields
            )
        elif isinstance(d, InterfaceTypeExtensionNode) and d.name.value not in defined:
            defined.add(d.name.value)
            node = InterfaceTypeDefinitionNode(
                name=d.name, interfaces=d.interfaces, directives=d.directives, fields=d.fields
            )
        out.append(node)
    return DocumentNode(definitions=tuple(out))


def _entity_types(doc: DocumentNode) -> list[str]:
    names: list[str] = []
    for d in doc.definitions:
        if (
            isinstance(d, ObjectTypeDefinitionNode | ObjectTypeExtensionNode)
            and any(dir_.name.value == "key" for dir_ in d.directives or ())
            and d.name.value not in names
        ):
            names.append(d.name.value)
    return names


class Subgraph:
    """A federated subgraph served as an ASGI app at ``http://<name>/graphql``."""

    def __init__(
        self,
        name: str,
        sdl: str,
        *,
        resolvers: Mapping[str, Mapping[str, Resolver]] | None = None,
        entities: Mapping[str, EntityResolver] | None = None,
        federation: int = 2,
    ) -> None:
        self.name = name
        self.url = f"http://{name}/graphql"
        self.sdl = sdl
        self.served_sdl = served_sdl(sdl, federation)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # request headers, one dict per request
        # Misbehaviour knobs, set by tests.
        self.status: int = 200
        self.fixed_body: bytes | None = None
        self.hold: asyncio.Event | None = None  # when set: wait for it before answering
        self._arrivals: asyncio.Condition | None = None
        self.journal: list[str] | None = None  # shared across subgraphs: arrival order
        self.schema = self._build(sdl, resolvers or {}, entities or {})

    def reset(self) -> None:
        """Forget requests and misbehaviour (for a subgraph shared by several tests)."""
        self.requests.clear()
        self.headers.clear()
        self.status = 200
        self.fixed_body = None
        self.hold = None

    @property
    def count(self) -> int:
        return len(self.requests)

    async def received(self, n: int) -> None:
        """Wait until at least ``n`` requests have arrived (for concurrency tests)."""
        if self._arrivals is None:
            self._arrivals = asyncio.Condition()
        async with self._arrivals:
            await self._arrivals.wait_for(lambda: self.count >= n)

    def operations(self) -> list[str]:
        return [str(r.get("query", "")) for r in self.requests]

    def _build(
        self,
        sdl: str,
        resolvers: Mapping[str, Mapping[str, Resolver]],
        entities: Mapping[str, EntityResolver],
    ) -> GraphQLSchema:
        user = _as_definitions(parse(sdl))
        entity_names = _entity_types(parse(sdl))
        extra = _FEDERATION
        has_query = any(
            isinstance(d, ObjectTypeDefinitionNode) and d.name.value == "Query"
            for d in user.definitions
        )
        root = "extend type Query" if has_query else "type Query"
        if entity_names:
            extra += f"union _Entity = {' | '.join(entity_names)}\n"
            extra += f"{root} {{ _entities(representations: [_Any!]!): [_Entity]! "
            extra += "_service: _Service! }\n"
        else:
            extra += f"{root} {{ _service: _Service! }}\n"
        doc = DocumentNode(definitions=user.definitions + parse(extra).definitions)
        schema = build_ast_schema(doc, assume_valid_sdl=True)
        for type_name, fields in resolvers.items():
            gql_type = schema.type_map[type_name]
            assert isinstance(gql_type, GraphQLObjectType), type_name
            for field_name, fn in fields.items():
                gql_type.fields[field_name].resolve = _wrap(fn)
        query = schema.query_type
        assert query is not None
        query.fields["_service"].resolve = lambda _root, _info: {"sdl": self.served_sdl}
        if entity_names:
            union = schema.type_map["_Entity"]
            assert isinstance(union, GraphQLUnionType)
            union.resolve_type = lambda value, _info, _type: value["__typename"]

            async def resolve_entities(
                _root: Any, _info: Any, representations: list[dict[str, Any]]
            ) -> list[Any]:
                out: list[Any] = []
                for rep in representations:
                    fn = entities.get(rep["__typename"])
                    if fn is None:
                        # As a real subgraph does: a type it cannot resolve is an error
                        # (a gateway sending it has planned wrong).
                        raise GraphQLError(f"Unknown entity type {rep['__typename']!r}.")
                    value = fn(rep)
                    if isinstance(value, Awaitable):
                        value = await value
                    if isinstance(value, dict) and "__typename" not in value:
                        value = {"__typename": rep["__typename"], **value}
                    out.append(value)
                return out

            query.fields["_entities"].resolve = resolve_entities
        return schema

    async def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        result = await graphql(
            self.schema,
            str(body.get("query", "")),
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
        )
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [e.formatted for e in result.errors]
        return out

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        assert scope["type"] == "http"
        chunks: list[bytes] = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = orjson.loads(b"".join(chunks))
        self.headers.append({k.decode(): v.decode() for k, v in scope.get("headers", [])})
        self.requests.append(body)
        if self.journal is not None:
            self.journal.append(self.name)
        if self._arrivals is not None:
            async with self._arrivals:
                self._arrivals.notify_all()
        if self.hold is not None:
            await self.hold.wait()
        if self.fixed_body is not None:
            payload = self.fixed_body
        else:
            payload = orjson.dumps(await self.execute(body))
        await send(
            {
                "type": "http.response.start",
                "status": self.status,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def _wrap(fn: Resolver) -> Resolver:
    """Resolvers are written ``fn(parent, **args)``; graphql-core also passes ``info``."""

    def resolve(parent: Any, _info: Any, **args: Any) -> Any:
        return fn(parent, **args)

    return resolve
