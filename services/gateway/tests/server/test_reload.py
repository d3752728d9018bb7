"""Live reload inside one app: the reloader swaps a new gateway in only when a subgraph's SDL
changed, keeps the old one when the new SDLs do not compose or cannot be fetched, and lets
a request in flight finish on the gateway it started with.

The subgraphs are in-process ASGI apps behind ``Switch`` (a redeploy is one assignment);
each poll is driven by calling ``Reloader.check()`` (the background loop sleeps an hour).
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from gwharness.evolving import Switch, reviews, users
from gwharness.shop import SHOP_SUPERGRAPH

from gateway.server import Gateway, create_app
from gateway.server.reload import Reloader
from gateway.settings import Settings
from gateway.sources import ComposedSource, FileSource

pytestmark = pytest.mark.asyncio(loop_scope="session")

ME = "{ me { name reviewCount } }"
TLS = ssl.create_default_context()  # once: building one costs ~0.2 s


@dataclass
class Running:
    app: FastAPI
    http: httpx.AsyncClient
    users: Switch
    reviews: Switch

    @property
    def gateway(self) -> Gateway:
        holder: dict[str, Gateway] = self.app.state.gateway
        return holder["gateway"]

    @property
    def reloader(self) -> Reloader:
        reloader: Reloader = self.app.state.reloader
        return reloader

    async def query(self, query: str) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def metrics(self) -> str:
        return (await self.http.get("/metrics")).text


@pytest.fixture
async def running() -> AsyncIterator[Running]:
    switches = {"users": Switch(users()), "reviews": Switch(reviews("v1"))}
    upstream = httpx.AsyncClient(
        verify=TLS,
        mounts={f"http://{n}": httpx.ASGITransport(s) for n, s in switches.items()},
    )
    source = ComposedSource.from_urls(
        [(name, f"http://{name}/graphql") for name in switches], client=upstream
    )
    app = create_app(Settings(), source=source, poll_interval_s=3600, client=upstream)
    async with (
        upstream,
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gateway") as http,
    ):
        yield Running(app, http, switches["users"], switches["reviews"])


async def test_unchanged_subgraphs_do_not_rebuild_the_gateway(running: Running) -> None:
    before = running.gateway
    fetches = running.reviews.target.count
    assert await running.reloader.check() == "unchanged"
    assert running.gateway is before
    assert running.reviews.target.count == fetches + 1  # the SDL was asked for, nothing more
    assert 'gateway_supergraph_reloads_total{outcome="unchanged"} 1.0' in await running.metrics()


async def test_a_new_field_is_swapped_in_and_answers(running: Running) -> None:
    before = running.gateway
    refused = await running.query("{ me { stars } }")
    assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    metrics = await running.metrics()
    old_hash = metrics.split('gateway_supergraph_info{sha256="')[1][:64]

    running.reviews.target = reviews("v2")
    assert await running.reloader.check() == "reloaded"

    assert running.gateway is not before
    assert await running.query("{ me { name reviewCount stars } }") == {
        "data": {"me": {"name": "Ada", "reviewCount": 2, "stars": 4.5}}
    }
    metrics = await running.metrics()
    assert 'gateway_supergraph_reloads_total{outcome="reloaded"} 1.0' in metrics
    assert old_hash not in metrics  # only the served supergraph's hash is exported
    assert metrics.count("gateway_supergraph_info{") == 1


async def test_a_composition_failure_keeps_the_old_supergraph_and_logs_its_codes(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    before = running.gateway
    running.reviews.target = reviews("broken")
    with caplog.at_level(logging.WARNING, logger="gateway.supergraph"):
        assert await running.reloader.check() == "failed"
        assert await running.reloader.check() == "unchanged"  # the same inputs: not retried
    assert running.gateway is before
    assert await running.query(ME) == {"data": {"me": {"name": "Ada", "reviewCount": 2}}}
    [record] = [r for r in caplog.records if r.name == "gateway.supergraph"]  # logged once
    assert record.getMessage() == "supergraph reload failed; keeping the current one"
    assert record.__dict__["code"] == "COMPOSITION_FAILED"
    assert "[FIELD_TYPE_MISMATCH]" in record.__dict__["reason"]
    assert 'gateway_supergraph_reloads_total{outcome="failed"} 1.0' in await running.metrics()

    running.reviews.target = reviews("v2")  # fixed: the next poll takes it
    assert await running.reloader.check() == "reloaded"
    assert (await running.query("{ me { stars } }"))["data"] == {"me": {"stars": 4.5}}


async def test_an_unreachable_subgraph_keeps_the_old_supergraph(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    before = running.gateway
    running.reviews.target.status = 503
    with caplog.at_level(logging.WARNING, logger="gateway.supergraph"):
        assert await running.reloader.check() == "failed"
    assert running.gateway is before
    assert await running.query("{ me { name } }") == {"data": {"me": {"name": "Ada"}}}
    [record] = [r for r in caplog.records if r.name == "gateway.supergraph"]
    assert record.__dict__["code"] == "SUBGRAPH_UNREACHABLE"
    assert "reviews at http://reviews/graphql answered HTTP 503" in record.__dict__["reason"]

    running.reviews.target.status = 200  # back: unchanged SDL, so nothing to rebuild
    assert await running.reloader.check() == "unchanged"
    assert running.gateway is before


async def test_a_request_in_flight_finishes_on_the_supergraph_it_started_with(
    running: Running,
) -> None:
    old_reviews = running.reviews.target
    old_reviews.hold = asyncio.Event()
    in_flight = asyncio.create_task(running.query(ME))
    await old_reviews.received(2)  # the SDL fetch at start, then this query's entity fetch
    before = running.gateway

    running.reviews.target = reviews("v2")  # redeployed while the old one still answers
    assert await running.reloader.check() == "reloaded"
    assert running.gateway is not before
    assert not in_flight.done()

    old_reviews.hold.set()
    assert await in_flight == {"data": {"me": {"name": "Ada", "reviewCount": 2}}}
    assert await running.query("{ me { stars } }") == {"data": {"me": {"stars": 4.5}}}


async def test_a_replaced_supergraph_file_is_served_after_the_next_poll(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(SHOP_SUPERGRAPH)
    app = create_app(Settings(), source=FileSource(path), poll_interval_s=3600)
    query = {"query": '{ __type(name: "Query") { fields { name } } }'}
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://gateway") as http,
    ):
        reloader: Reloader = app.state.reloader
        assert await reloader.check() == "unchanged"
        path.write_text(SHOP_SUPERGRAPH.replace("productGrid", "grid"))  # e.g. a ConfigMap update
        assert await reloader.check() == "reloaded"
        fields = (await http.post("/graphql", json=query)).json()["data"]["__type"]["fields"]
        path.write_text("not a supergraph")
        assert await reloader.check() == "failed"
        kept = (await http.post("/graphql", json=query)).json()["data"]["__type"]["fields"]
    assert "grid" in [f["name"] for f in fields]
    assert "productGrid" not in [f["name"] for f in fields]
    assert kept == fields
