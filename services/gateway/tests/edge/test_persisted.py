"""APQ flow and trusted documents, over the in-memory store and a real Redis."""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import redis

from gateway.edge.errors import EdgeConfigError, PersistedQueryError
from gateway.edge.persisted import (
    MemoryStore,
    PersistedQueries,
    PersistedQueryStore,
    RedisStore,
    TrustedDocuments,
    sha256_hex,
)

QUERY = "query Hello { hello }"
HASH = sha256_hex(QUERY)


def ext(key: str = HASH, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": key}}


async def code_of(pq: PersistedQueries, query: str | None, extensions: Any) -> tuple[str, int]:
    with pytest.raises(PersistedQueryError) as err:
        await pq.resolve(query, extensions)
    return err.value.code, err.value.status


def test_the_hash_is_the_lowercase_hex_sha256_of_the_utf8_text() -> None:
    assert sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert sha256_hex("é") == hashlib.sha256("é".encode()).hexdigest()


async def apq_flow(store: PersistedQueryStore) -> None:
    pq = PersistedQueries(store=store)
    # 1. hash only: unknown, the client must send the query (HTTP 200 so it reads the body)
    assert await code_of(pq, None, ext()) == ("PERSISTED_QUERY_NOT_FOUND", 200)
    # 2. hash and query: verified, stored, run
    assert await pq.resolve(QUERY, ext()) == QUERY
    # 3. hash only again: found
    assert await pq.resolve(None, ext()) == QUERY
    # GET requests send extensions as a JSON string
    assert await pq.resolve(None, orjson.dumps(ext()).decode()) == QUERY
    # a hash that is not the query's is refused, and nothing is stored under it
    other = sha256_hex("{ other }")
    assert await code_of(pq, QUERY, ext(other)) == ("PERSISTED_QUERY_HASH_MISMATCH", 400)
    assert await code_of(pq, None, ext(other)) == ("PERSISTED_QUERY_NOT_FOUND", 200)
    # upper-case hex is the same hash
    assert await pq.resolve(None, ext(HASH.upper())) == QUERY


async def test_apq_flow_in_memory() -> None:
    await apq_flow(MemoryStore())


async def test_plain_queries_pass_through_when_nothing_is_persisted() -> None:
    pq = PersistedQueries(store=MemoryStore())
    assert await pq.resolve("{ hello }", None) == "{ hello }"
    assert await pq.resolve("{ hello }", {}) == "{ hello }"
    assert await code_of(pq, None, None) == ("BAD_REQUEST", 400)
    assert await code_of(pq, None, "not json") == ("BAD_REQUEST", 400)
    assert await code_of(pq, None, {"persistedQuery": "x"}) == ("BAD_REQUEST", 400)
    assert await code_of(pq, None, ext(version=2)) == ("PERSISTED_QUERY_NOT_SUPPORTED", 400)


async def test_apq_off_says_not_supported() -> None:
    pq = PersistedQueries(store=None)
    assert await code_of(pq, None, ext()) == ("PERSISTED_QUERY_NOT_SUPPORTED", 400)
    assert await code_of(pq, QUERY, ext()) == ("PERSISTED_QUERY_NOT_SUPPORTED", 400)
    assert await pq.resolve(QUERY, None) == QUERY


async def test_the_memory_store_is_a_bounded_lru() -> None:
    store = MemoryStore(max_entries=2)
    await store.set("a", "A")
    await store.set("b", "B")
    assert await store.get("a") == "A"  # a is now the most recent
    await store.set("c", "C")
    assert len(store) == 2
    assert await store.get("b") is None
    assert await store.get("a") == "A"
    assert (store.hits, store.misses) == (2, 1)


# --- trusted documents -------------------------------------------------------------------

MANIFEST = {
    "format": "apollo-persisted-query-manifest",
    "version": 1,
    "operations": [
        {"id": "hello-1", "name": "Hello", "type": "query", "body": QUERY},
        {"id": HASH, "name": "Hello", "type": "query", "body": QUERY},
    ],
}


def test_a_manifest_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_bytes(orjson.dumps(MANIFEST))
    trusted = TrustedDocuments.from_file(path)
    assert trusted.by_id == {"hello-1": QUERY, HASH: QUERY}
    assert len(trusted) == 2


@pytest.mark.parametrize(
    "bad",
    [
        b"not json",
        b"[]",
        b'{"format": "other", "version": 1, "operations": []}',
        b'{"format": "apollo-persisted-query-manifest", "version": 2, "operations": []}',
        b'{"format": "apollo-persisted-query-manifest", "version": 1, "operations": {}}',
        b'{"format": "apollo-persisted-query-manifest", "version": 1, "operations": [{"id": 1}]}',
    ],
)
def test_a_bad_manifest_is_a_config_error(bad: bytes) -> None:
    with pytest.raises(EdgeConfigError):
        TrustedDocuments.from_manifest(bad)


async def test_listed_ids_resolve_even_without_apq() -> None:
    pq = PersistedQueries(trusted=TrustedDocuments.from_manifest(MANIFEST))
    assert await pq.resolve(None, ext("hello-1")) == QUERY
    assert await code_of(pq, None, ext("unknown")) == ("PERSISTED_QUERY_NOT_IN_LIST", 400)
    assert await pq.resolve("{ anything }", None) == "{ anything }"  # not a safelist


async def test_a_safelist_runs_only_listed_operations() -> None:
    store = MemoryStore()
    pq = PersistedQueries(
        store=store, trusted=TrustedDocuments.from_manifest(MANIFEST), safelist=True
    )
    assert await pq.resolve(None, ext("hello-1")) == QUERY
    assert await pq.resolve("  " + QUERY + "\n", None) == "  " + QUERY + "\n"
    assert await code_of(pq, "{ hello }", None) == ("PERSISTED_QUERY_NOT_IN_LIST", 400)
    # APQ may not register an unlisted body
    unlisted = "{ hello }"
    assert await code_of(pq, unlisted, ext(sha256_hex(unlisted))) == (
        "PERSISTED_QUERY_NOT_IN_LIST",
        400,
    )
    assert len(store) == 0


async def test_require_id_refuses_bodies_without_an_id() -> None:
    pq = PersistedQueries(trusted=TrustedDocuments.from_manifest(MANIFEST), require_id=True)
    assert await code_of(pq, QUERY, None) == ("PERSISTED_QUERY_ID_REQUIRED", 400)
    assert await pq.resolve(None, ext("hello-1")) == QUERY


def test_safelisting_without_a_manifest_is_a_config_error() -> None:
    with pytest.raises(EdgeConfigError):
        PersistedQueries(safelist=True)


# --- Redis -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed on this machine")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.025)
        else:
            pytest.fail("redis-server did not start")
        client.close()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
async def redis_store(redis_url: str) -> AsyncIterator[RedisStore]:
    store = RedisStore.from_url(redis_url, prefix="test:apq:", ttl_s=60)
    await store._client.flushdb()
    yield store
    await store.aclose()


async def test_apq_flow_in_redis(redis_store: RedisStore) -> None:
    await apq_flow(redis_store)
    raw = await redis_store._client.get("test:apq:" + HASH)
    assert raw == QUERY.encode()
    assert 0 < await redis_store._client.ttl("test:apq:" + HASH) <= 60


async def test_two_gateways_share_the_redis_store(redis_url: str) -> None:
    first = RedisStore.from_url(redis_url, prefix="shared:")
    second = RedisStore.from_url(redis_url, prefix="shared:")
    try:
        assert await PersistedQueries(store=first).resolve(QUERY, ext()) == QUERY
        assert await PersistedQueries(store=second).resolve(None, ext()) == QUERY
    finally:
        await first.aclose()
        await second.aclose()


async def test_a_redis_outage_reads_as_a_miss() -> None:
    store = RedisStore.from_url(f"redis://127.0.0.1:{_free_port()}/0")
    try:
        pq = PersistedQueries(store=store)
        assert await code_of(pq, None, ext()) == ("PERSISTED_QUERY_NOT_FOUND", 200)
        assert await pq.resolve(QUERY, ext()) == QUERY  # the write fails quietly, the query runs
        assert store.failures == 2
    finally:
        await store.aclose()
