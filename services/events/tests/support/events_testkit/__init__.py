"""Helpers shared by the events tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.models import Event

__all__ = ["SAVE_EVENT", "GraphQL", "add_events", "codes", "only_error"]

SAVE_EVENT = """
mutation Save($email: String, $environment: String, $component: String, $message: String,
              $data: JSONString) {
  saveEvent(email: $email, environment: $environment, component: $component,
            message: $message, data: $data) {
    event { id email environment component message data dataValue createdAt }
  }
}
"""


class GraphQL:
    """POST operations to one app; returns the JSON body of each response."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}
        )
        assert response.headers["content-type"].startswith("application/"), response.text
        assert "Traceback" not in response.text
        body: dict[str, Any] = response.json()
        return body


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error: dict[str, Any] = errors[0]
    return error


async def add_events(
    sessions: async_sessionmaker[AsyncSession], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert rows directly (explicit ``created_at`` allowed); returns their ids in order."""
    defaults = {"email": "seed@example.com", "environment": "dev", "component": "seed",
                "message": "seeded", "data": None}  # fmt: skip
    async with sessions() as session:
        events = [Event(**{**defaults, **row}) for row in rows]
        session.add_all(events)
        await session.commit()
        return [event.id for event in events]
