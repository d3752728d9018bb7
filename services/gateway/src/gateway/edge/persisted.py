"""Automatic persisted queries (APQ) and trusted documents.

APQ (``extensions.persistedQuery = {version: 1, sha256Hash}``):

* hash only, known  -> the stored query runs;
* hash only, unknown -> ``PERSISTED_QUERY_NOT_FOUND`` (HTTP 200: the client then sends both);
* hash and query    -> the sha256 of the query text must equal the hash
  (``PERSISTED_QUERY_HASH_MISMATCH`` otherwise); the query is stored and runs.

Trusted documents: a manifest in Apollo's persisted-query-manifest shape
(``{"format": "apollo-persisted-query-manifest", "version": 1, "operations":
[{"id", "name", "type", "body"}]}``). A listed id always resolves to its body. With
``safelist`` on, only listed operations run: a free-form body must equal a listed body
(after trimming outer whitespace) and APQ may only register listed bodies
(``PERSISTED_QUERY_NOT_IN_LIST``); with ``require_id`` on, a body without an id is refused
(``PERSISTED_QUERY_ID_REQUIRED``).

Stores: ``MemoryStore`` (bounded LRU, per process) or ``RedisStore`` (shared by replicas; a
Redis failure reads as a miss and a failed write is ignored: APQ is only a cache).
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from gateway.edge.errors import EdgeConfigError, PersistedQueryError

if TYPE_CHECKING:  # redis is imported only when a RedisStore is configured (cold start)
    import redis.asyncio as aioredis

__all__ = [
    "MemoryStore",
    "PersistedQueries",
    "PersistedQueryStore",
    "RedisStore",
    "TrustedDocuments",
    "sha256_hex",
]

log = logging.getLogger(__name__)


def sha256_hex(text: str) -> str:
    """The APQ hash of query text (lower-case hex)."""
    return hashlib.sha256(text.encode()).hexdigest()


class PersistedQueryStore(Protocol):
    """Where APQ bodies live, by hash."""

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, query: str) -> None: ...


class MemoryStore:
    """A bounded LRU of query bodies in this process."""

    def __init__(self, max_entries: int = 1000) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, str] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    async def get(self, key: str) -> str | None:
        found = self._data.get(key)
        if found is None:
            self.misses += 1
            return None
        self.hits += 1
        self._data.move_to_end(key)
        return found

    async def set(self, key: str, query: str) -> None:
        self._data[key] = query
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)


class RedisStore:
    """Bodies in Redis under ``<prefix><hash>``, with an optional TTL (seconds)."""

    def __init__(
        self, client: aioredis.Redis, *, prefix: str = "gateway:apq:", ttl_s: int | None = None
    ) -> None:
        from redis.exceptions import RedisError  # noqa: PLC0415 - see the import above

        self._client = client
        self._failures: tuple[type[Exception], ...] = (RedisError, OSError)
        self.prefix = prefix
        self.ttl_s = ttl_s
        self.hits = 0
        self.misses = 0
        self.failures = 0

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "gateway:apq:", ttl_s: int | None = None
    ) -> RedisStore:
        import redis.asyncio as aioredis  # noqa: PLC0415 - see the import above

        client = aioredis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client, prefix=prefix, ttl_s=ttl_s)

    async def get(self, key: str) -> str | None:
        try:
            raw = await self._client.get(self.prefix + key)
        except self._failures as exc:
            self.failures += 1
            log.warning("apq redis read failed: %s", type(exc).__name__)
            return None
        if raw is None:
            self.misses += 1
            return None
        self.hits += 1
        return raw.decode() if isinstance(raw, bytes) else str(raw)

    async def set(self, key: str, query: str) -> None:
        try:
            await self._client.set(self.prefix + key, query.encode(), ex=self.ttl_s)
        except self._failures as exc:
            self.failures += 1
            log.warning("apq redis write failed: %s", type(exc).__name__)

    async def aclose(self) -> None:
        await self._client.aclose()


class TrustedDocuments:
    """The operations of a persisted query manifest, by id and by body."""

    def __init__(self, operations: Mapping[str, str]) -> None:
        self.by_id: dict[str, str] = dict(operations)
        self.bodies: frozenset[str] = frozenset(b.strip() for b in self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    @classmethod
    def from_manifest(cls, data: bytes | str | Mapping[str, Any]) -> TrustedDocuments:
        """Read Apollo's manifest JSON; raise ``EdgeConfigError`` when it is not one."""
        try:
            doc = orjson.loads(data) if isinstance(data, bytes | str) else data
        except orjson.JSONDecodeError as err:
            raise EdgeConfigError(f"persisted query manifest is not JSON: {err}") from None
        if not isinstance(doc, Mapping) or doc.get("format") != "apollo-persisted-query-manifest":
            raise EdgeConfigError("not an apollo-persisted-query-manifest")
        if doc.get("version") != 1:
            raise EdgeConfigError(f"unsupported manifest version {doc.get('version')!r}")
        ops = doc.get("operations")
        if not isinstance(ops, list):
            raise EdgeConfigError("manifest 'operations' must be a list")
        out: dict[str, str] = {}
        for i, op in enumerate(ops):
            if not (
                isinstance(op, Mapping)
                and isinstance(op.get("id"), str)
                and isinstance(op.get("body"), str)
            ):
                raise EdgeConfigError(f"manifest operation {i} needs string 'id' and 'body'")
            out[op["id"]] = op["body"]
        return cls(out)

    @classmethod
    def from_file(cls, path: str | Path) -> TrustedDocuments:
        return cls.from_manifest(Path(path).read_bytes())


def _error(message: str, code: str, status: int = 400) -> PersistedQueryError:
    return PersistedQueryError(message, code=code, status=status)


class PersistedQueries:
    """Turns a request's ``query`` + ``extensions`` into the query text to run."""

    def __init__(
        self,
        *,
        store: PersistedQueryStore | None = None,
        trusted: TrustedDocuments | None = None,
        safelist: bool = False,
        require_id: bool = False,
    ) -> None:
        if (safelist or require_id) and trusted is None:
            raise EdgeConfigError("safelisting needs a persisted query manifest")
        self.store = store  # None: APQ off
        self.trusted = trusted
        self.safelist = safelist
        self.require_id = require_id

    async def resolve(self, query: str | None, extensions: Mapping[str, Any] | str | None) -> str:
        """The query text to run, or a coded ``PersistedQueryError``."""
        ext = _extensions(extensions)
        pq = ext.get("persistedQuery") if ext else None
        if pq is None:
            return self._free_form(query)
        key = _hash_of(pq)
        if self.trusted is not None:
            listed = self.trusted.by_id.get(key)
            if listed is not None:
                return listed
        if self.store is None:
            if self.trusted is not None and query is None:
                raise _error(
                    "Persisted query was not found in the persisted query list.",
                    "PERSISTED_QUERY_NOT_IN_LIST",
                )
            raise _error("Persisted queries are not supported.", "PERSISTED_QUERY_NOT_SUPPORTED")
        key = key.lower()  # APQ hashes are hex; trusted ids above are matched exactly
        if query is None:
            found = await self.store.get(key)
            if found is None:
                raise _error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", status=200)
            return found
        if sha256_hex(query) != key:
            raise _error("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
        self._check_listed(query)
        await self.store.set(key, query)
        return query

    def _free_form(self, query: str | None) -> str:
        if not isinstance(query, str) or not query.strip():
            raise _error("GraphQL operations must contain a non-empty `query`.", "BAD_REQUEST")
        if self.require_id:
            raise _error(
                "This endpoint only runs persisted queries: send an id.",
                "PERSISTED_QUERY_ID_REQUIRED",
            )
        self._check_listed(query)
        return query

    def _check_listed(self, query: str) -> None:
        if self.safelist and self.trusted is not None and query.strip() not in self.trusted.bodies:
            raise _error(
                "The operation body was not found in the persisted query list.",
                "PERSISTED_QUERY_NOT_IN_LIST",
            )


def _extensions(raw: Mapping[str, Any] | str | None) -> Mapping[str, Any] | None:
    if raw is None or isinstance(raw, Mapping):
        return raw
    try:  # GET requests carry extensions as a JSON string
        parsed = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _error("`extensions` is not valid JSON.", "BAD_REQUEST") from None
    if not isinstance(parsed, Mapping):
        raise _error("`extensions` must be an object.", "BAD_REQUEST")
    return parsed


def _hash_of(pq: Any) -> str:
    if not isinstance(pq, Mapping):
        raise _error("`persistedQuery` must be an object.", "BAD_REQUEST")
    if pq.get("version") != 1:
        raise _error("Unsupported persisted query version.", "PERSISTED_QUERY_NOT_SUPPORTED")
    key = pq.get("sha256Hash")
    if not isinstance(key, str) or not key:
        raise _error("`persistedQuery.sha256Hash` is missing.", "BAD_REQUEST")
    return key
