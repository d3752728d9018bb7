"""Supergraph sources: a file, a rover config, subgraph URLs; polling by hash; start-up retry."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from gwharness.evolving import reviews, users
from gwharness.shop import SHOP_SUPERGRAPH
from gwharness.subgraph import Subgraph

from gateway.sources import (
    ComposedSource,
    FileSource,
    SourceError,
    choose_source,
    load_at_start,
    redact_url,
)

TLS = ssl.create_default_context()


def _client(apps: dict[str, Any]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        verify=TLS, mounts={f"http://{n}": httpx.ASGITransport(a) for n, a in apps.items()}
    )


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port  # closed again: connecting is refused


class FailingFirst:
    """A subgraph that answers 503 to its first ``n`` requests (it is still starting)."""

    def __init__(self, subgraph: Subgraph, n: int) -> None:
        self.subgraph = subgraph
        self.left = n
        self.seen = 0

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        self.seen += 1
        if self.left > 0:
            self.left -= 1
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b"starting"})
            return
        await self.subgraph(scope, receive, send)


async def test_a_file_source_loads_again_only_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(SHOP_SUPERGRAPH)
    source = FileSource(path)
    first = await source.load()
    assert first.supergraph.graph_names == ("accounts", "inventory", "products", "reviews")
    assert await source.poll() is None
    path.write_text(SHOP_SUPERGRAPH.replace("productGrid", "grid"))
    changed = await source.poll()
    assert changed is not None
    assert changed.sdl_hash != first.sdl_hash
    assert changed.supergraph.api_schema.query_type is not None
    assert "grid" in changed.supergraph.api_schema.query_type.fields


async def test_an_unusable_file_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as missing:
        await FileSource(tmp_path / "nope.graphql").load()
    assert missing.value.code == "SOURCE_UNREADABLE"
    path = tmp_path / "plain.graphql"
    path.write_text("type Query { a: Int }")
    with pytest.raises(SourceError) as plain:
        await FileSource(path).load()
    assert plain.value.code == "INVALID_SUPERGRAPH"


async def test_subgraph_urls_are_composed_and_polled_by_hash() -> None:
    apps = {"users": users(), "reviews": reviews("v1")}
    async with _client(apps) as client:
        source = ComposedSource.from_urls([(n, f"http://{n}/graphql") for n in apps], client=client)
        loaded = await source.load()
        assert "join/v0.5" in loaded.supergraph.sdl
        assert loaded.supergraph.graph_names == ("reviews", "users")
        assert await source.poll() is None
        assert [s.count for s in apps.values()] == [2, 2]  # asked twice, composed once


async def test_composition_errors_carry_their_codes_and_are_not_retried_at_start() -> None:
    apps = {"users": users(), "reviews": reviews("broken")}
    async with _client(apps) as client:
        source = ComposedSource.from_urls([(n, f"http://{n}/graphql") for n in apps], client=client)
        with pytest.raises(SourceError) as failed:
            await load_at_start(source, deadline_s=60)
    assert failed.value.code == "COMPOSITION_FAILED"
    assert {e.code for e in failed.value.errors} == {"FIELD_TYPE_MISMATCH", "INVALID_FIELD_SHARING"}
    assert "[FIELD_TYPE_MISMATCH]" in str(failed.value)
    assert [s.count for s in apps.values()] == [1, 1]  # waiting would not fix it


async def test_a_starting_subgraph_is_retried_until_it_answers() -> None:
    starting = FailingFirst(reviews("v1"), n=2)
    async with _client({"users": users(), "reviews": starting}) as client:
        source = ComposedSource.from_urls(
            [("users", "http://users/graphql"), ("reviews", "http://reviews/graphql")],
            client=client,
        )
        loaded = await load_at_start(source, deadline_s=120)
    assert loaded.supergraph.graph_names == ("reviews", "users")
    assert starting.seen == 3


async def test_an_unreachable_subgraph_fails_after_the_deadline_without_its_password() -> None:
    url = f"http://svc:s3cret@127.0.0.1:{_closed_port()}/graphql"
    source = ComposedSource.from_urls([("users", url)], timeout=5)
    with pytest.raises(SourceError) as failed:
        await load_at_start(source, deadline_s=0)
    assert failed.value.code == "SUBGRAPH_UNREACHABLE"
    assert "is unreachable" in str(failed.value)
    assert "s3cret" not in str(failed.value)
    assert "s3cret" not in source.description


async def test_a_config_source_reads_its_files_again_on_every_poll(tmp_path: Path) -> None:
    (tmp_path / "users.graphql").write_text(users().served_sdl)
    (tmp_path / "reviews.graphql").write_text(reviews("v1").served_sdl)
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "subgraphs:\n"
        "  users: {routing_url: 'http://users/graphql', schema: {file: users.graphql}}\n"
        "  reviews: {routing_url: 'http://reviews/graphql', schema: {file: reviews.graphql}}\n"
    )
    source = choose_source(config=config)
    first = await source.load()
    assert first.supergraph.api_schema.get_type("User") is not None
    assert await source.poll() is None
    (tmp_path / "reviews.graphql").write_text(reviews("v2").served_sdl)
    changed = await source.poll()
    assert changed is not None
    user = changed.supergraph.api_schema.get_type("User")
    assert "stars" in user.fields  # type: ignore[union-attr]


def test_exactly_one_source_is_accepted(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as none:
        choose_source()
    assert none.value.code == "INVALID_SOURCE"
    with pytest.raises(SourceError) as two:
        choose_source(supergraph=tmp_path / "a", subgraphs=[("a", "http://a/graphql")])
    assert two.value.code == "INVALID_SOURCE"


def test_urls_lose_their_userinfo_only() -> None:
    assert redact_url("http://u:p@host:5001/graphql?x=1") == "http://host:5001/graphql?x=1"
    assert redact_url("https://host/graphql") == "https://host/graphql"


async def test_one_unreadable_file_among_unreachable_subgraphs_is_not_waited_for(
    tmp_path: Path,
) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "subgraphs:\n"
        "  users: {routing_url: 'http://users/graphql', schema: {file: missing.graphql}}\n"
        f"  reviews: {{schema: {{subgraph_url: 'http://127.0.0.1:{_closed_port()}/graphql'}}}}\n"
    )
    with pytest.raises(SourceError) as failed:
        await load_at_start(choose_source(config=config, timeout=5), deadline_s=600)
    assert failed.value.code == "SOURCE_UNREADABLE"
    assert "missing.graphql" in failed.value.message
    assert "subgraph reviews at" in failed.value.message  # every failure is named
