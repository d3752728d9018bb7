"""A gateway app wired to in-process subgraphs, with its lifespan running.

Every scenario runs twice (``tests/e2e/conftest.py`` parametrizes ``supergraph_source``):
once on the supergraph the scenario gives ("composed elsewhere", hand-written), once on
the supergraph this gateway's composer makes from the subgraphs' own
``{ _service { sdl } }`` answers, the way ``gateway serve --subgraph NAME=URL`` does.
The scenario's assertions are the check that both serve the same responses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Literal

import httpx
from fastapi import FastAPI

from gateway.server import Gateway, PlanFunction, create_app
from gateway.settings import Settings
from gateway.sources import ComposedSource
from gateway.supergraph import Supergraph, load_supergraph
from gwharness.net import upstream_client
from gwharness.subgraph import Subgraph

__all__ = ["SOURCES", "GatewayClient", "SourceKind", "running_gateway", "supergraph_source"]

SourceKind = Literal["given", "composed"]
SOURCES: tuple[SourceKind, ...] = ("given", "composed")
_current: list[SourceKind] = ["given"]
_COMPOSED: dict[str, Supergraph] = {}  # by the hash of the subgraphs' names, URLs and SDLs


@contextmanager
def supergraph_source(source: SourceKind) -> Iterator[None]:
    """Gateways opened inside serve the given supergraph or our composition of it."""
    _current.append(source)
    try:
        yield
    finally:
        _current.pop()


async def _compose(
    given: Supergraph, subgraphs: dict[str, Subgraph], client: httpx.AsyncClient
) -> Supergraph:
    """Our composition of the given supergraph's graphs, from the subgraphs' own SDLs."""
    missing = [g.name for g in given.graphs if g.name not in subgraphs]
    assert not missing, f"no in-process subgraph to compose from for {missing}"
    urls = [(g.name, subgraphs[g.name].url) for g in given.graphs]
    inputs_hash, build = await ComposedSource.from_urls(urls, client=client).read()
    if inputs_hash not in _COMPOSED:  # the same SDLs compose to the same supergraph
        _COMPOSED[inputs_hash] = build().supergraph
    return _COMPOSED[inputs_hash]


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
    async with upstream:
        if _current[-1] == "composed":
            supergraph = await _compose(supergraph, by_name, upstream)
            for s in by_name.values():  # the SDL fetches are not the scenario's requests
                s.reset()
                if s.journal is not None:
                    s.journal.clear()
        app = create_app(config, supergraph=supergraph, planner=planner, client=upstream)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app), base_url="http://gateway"
            ) as http,
        ):
            yield GatewayClient(app, http, by_name)
