"""Two subgraphs whose schema evolves while the gateway runs (live recomposition).

- users: ``User @key(id) { id name }`` and ``Query.me``.
- reviews v1: ``User @key(id) { id reviewCount }``; v2 adds ``User.stars``;
  ``broken`` declares ``User.name: Int`` (composition fails: the field is not shareable
  and its type differs).

``Switch`` is an ASGI app forwarding to a replaceable target, so "the subgraph redeploys"
is one assignment while its URL stays the same.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from gwharness.subgraph import Subgraph

__all__ = ["Switch", "reviews", "users"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

_USERS = {"u1": {"id": "u1", "name": "Ada"}}


def users() -> Subgraph:
    return Subgraph(
        "users",
        """
        type User @key(fields: "id") { id: ID! name: String }
        type Query { me: User }
        """,
        resolvers={"Query": {"me": lambda _p: _USERS["u1"]}},
        entities={"User": lambda r: _USERS.get(r["id"])},
    )


_REVIEWS_SDL = {
    "v1": 'type User @key(fields: "id") { id: ID! reviewCount: Int }',
    "v2": 'type User @key(fields: "id") { id: ID! reviewCount: Int stars: Float }',
    "broken": 'type User @key(fields: "id") { id: ID! reviewCount: Int name: Int }',
}


def reviews(version: str = "v1") -> Subgraph:
    def user(rep: dict[str, Any]) -> dict[str, Any]:
        return {"id": rep["id"], "reviewCount": 2, "stars": 4.5, "name": 1}

    return Subgraph("reviews", _REVIEWS_SDL[version], entities={"User": user})


class Switch:
    """An ASGI app that forwards every request to ``target`` (replace it to redeploy)."""

    def __init__(self, target: Subgraph) -> None:
        self.target = target

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.target(scope, receive, send)
