"""A gateway app wired to in-process subgraphs, with its lifespan running."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI

from gateway.server import Gateway, PlanFunction, create_app
from gateway.settings import Settings
from gateway.supergraph import Supergraph, load_supergraph
from gwharness.net import upstream_client
from gwharness.subgraph import Subgraph

__all__ = ["GatewayClient", "running_gateway"]


class GatewayClient:
    """Posts to the gateway app over ASGI and keeps the subgraphs at hand."""

    def __init__(self, app: FastAPI, http: httpx.AsyncClient, subgraphs: dict[str, Subgraph]):
        self.app = app
        self.http = http
        self.subgraphs = subgraphs

    @property
    def gateway(self) -> Gateway:
        """The running pipeline (caches, transport, executor)."""
        holder: dict[str, Gateway] = self.app.state.gateway
        return holder["gateway"]

    def reset(self) -> None:
        for s in self.subgraphs.values():
            s.reset()

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, **extra: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query, **extra}
        if variables is not None:
            body["variables"] = variables
        return await self.http.post("/graphql", json=body)

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, **extra: Any
    ) -> dict[str, Any]:
        response = await self.post(query, variables, **extra)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


@asynccontextmanager
async def running_gateway(
    supergraph_sdl: str | Supergraph,
    subgraphs: Iterable[Subgraph],
    *,
    planner: PlanFunction | None = None,
    **settings: Any,
) -> AsyncIterator[GatewayClient]:
    """The gateway app (lifespan running) routing every graph to its in-process subgraph."""
    by_name = {s.name: s for s in subgraphs}
    supergraph = (
        load_supergraph(supergraph_sdl) if isinstance(supergraph_sdl, str) else supergraph_sdl
    )
    urls = {g.name: by_name[g.name].url for g in supergraph.graphs if g.name in by_name}
    config = Settings(subgraph_urls={**urls, **settings.pop("subgraph_urls", {})}, **settings)
    upstream = upstream_client(by_name)
    app = create_app(config, supergraph=supergraph, planner=planner, client=upstream)
    async with (
        upstream,
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gateway") as http,
    ):
        yield GatewayClient(app, http, by_name)
