"""Where the served supergraph comes from: a file, a rover config, or live subgraph URLs.

A source is polled: ``poll()`` reads its inputs (the file, or every subgraph's SDL),
hashes them, and only when the hash differs from the last one seen composes and loads a new
``Supergraph`` (in a worker thread, so the event loop keeps serving). ``load()`` always does
the work; ``load_at_start`` retries an unreachable subgraph with backoff until a deadline.

Every problem is a ``SourceError`` with a code (no secrets: URLs lose their userinfo)::

    SourceError
      code SUBGRAPH_UNREACHABLE   a subgraph's `_service { sdl }` could not be fetched (retried
                                  at start)
      code SOURCE_UNREADABLE      the supergraph file or config (or a config's file) is unusable
      code COMPOSITION_FAILED     the subgraphs do not compose; ``errors`` holds the coded errors
      code INVALID_SUPERGRAPH     the SDL is not a supergraph this gateway can serve
      code INVALID_SOURCE         no source, or more than one, was given
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import ssl
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import httpx
import orjson

from gateway.composition import CompositionError, ConfigError, SubgraphSource, compose
from gateway.composition.config import (
    SERVICE_SDL_QUERY,
    SubgraphSpec,
    read_config,
    read_file_sdl,
    redact_url,
    sdl_from_response,
)
from gateway.settings import Settings
from gateway.supergraph import Supergraph, SupergraphError, load_supergraph

__all__ = [
    "ComposedSource",
    "FileSource",
    "Loaded",
    "SourceError",
    "SupergraphSource",
    "choose_source",
    "load_at_start",
    "redact_url",
    "source_from_settings",
]

_log = logging.getLogger("gateway.supergraph")


class SourceError(Exception):
    """The source could not produce a supergraph; ``code`` says why."""

    def __init__(self, code: str, message: str, errors: Sequence[CompositionError] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.errors = tuple(errors)

    @property
    def retryable(self) -> bool:
        """Worth waiting for at start: a subgraph that is not up yet."""
        return self.code == "SUBGRAPH_UNREACHABLE"

    def __str__(self) -> str:
        lines = [f"[{self.code}] {self.message}", *(f"  {e}" for e in self.errors)]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Loaded:
    """A supergraph ready to serve, with the hash of the inputs it came from."""

    supergraph: Supergraph
    inputs_hash: str  # sha256 of the file, or of every subgraph's name, URL and SDL
    sdl_hash: str  # sha256 of the supergraph SDL (what the metrics and logs show)
    loaded_at: float  # time.time()

    @classmethod
    def of(cls, supergraph: Supergraph) -> Loaded:
        """A supergraph loaded by the caller (its SDL stands for its inputs)."""
        sdl_hash = _sha256(supergraph.sdl)
        return cls(supergraph, sdl_hash, sdl_hash, time.time())


def _sha256(*chunks: str) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def _load(sdl: str, inputs_hash: str) -> Loaded:
    try:
        supergraph = load_supergraph(sdl)
    except SupergraphError as err:
        raise SourceError("INVALID_SUPERGRAPH", f"not a usable supergraph: {err}") from err
    return Loaded(supergraph, inputs_hash, _sha256(sdl), time.time())


class SupergraphSource(ABC):
    """Inputs in, a loaded supergraph out; remembers the hash of the last inputs it tried."""

    description: str

    def __init__(self) -> None:
        self.last_hash: str | None = None  # inputs tried last, whether they loaded or not

    @abstractmethod
    async def read(self) -> tuple[str, Callable[[], Loaded]]:
        """The inputs' hash, and how to build from them (composing, loading: the expensive
        part, which ``load``/``poll`` run in a worker thread, the latter only for a new
        hash). Neither is remembered: ``last_hash`` is ``load``'s and ``poll``'s."""

    async def load(self) -> Loaded:
        """Read the inputs and build a supergraph from them, whatever was seen before."""
        inputs_hash, build = await self.read()
        self.last_hash = inputs_hash
        return await asyncio.to_thread(build)

    async def poll(self) -> Loaded | None:
        """A new supergraph when the inputs changed since the last attempt, else None.

        Inputs that failed to build are not retried until they change again.
        """
        inputs_hash, build = await self.read()
        if inputs_hash == self.last_hash:
            return None
        self.last_hash = inputs_hash
        return await asyncio.to_thread(build)


class FileSource(SupergraphSource):
    """A supergraph SDL file composed elsewhere (``--supergraph FILE``)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.description = f"file {path}"

    async def read(self) -> tuple[str, Callable[[], Loaded]]:
        try:
            text = await asyncio.to_thread(self.path.read_text, encoding="utf-8")
        except OSError as err:
            message = f"cannot read {self.path}: {err.strerror}"
            raise SourceError("SOURCE_UNREADABLE", message) from err
        inputs_hash = _sha256(text)
        return inputs_hash, partial(_load, text, inputs_hash)


@cache
def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context()  # building one costs ~0.2 s: once per process


class ComposedSource(SupergraphSource):
    """Subgraphs composed by this process: ``--subgraph NAME=URL ...`` or ``--config FILE``.

    URLs are asked for ``{ _service { sdl } }`` (concurrently, each bounded by
    ``timeout``); a config file is read again on every poll, so edits to it count too.
    ``client`` replaces the per-poll HTTP client (tests route it to in-process subgraphs).
    """

    def __init__(
        self,
        *,
        subgraphs: Sequence[SubgraphSpec] = (),
        config: Path | None = None,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__()
        if not subgraphs and config is None:
            raise ValueError("a ComposedSource needs subgraphs or a config file")
        self.subgraphs = tuple(subgraphs)
        self.config = config
        self.timeout = timeout
        self.client = client
        if config is not None:
            self.description = f"config {config}"
        else:
            self.description = "subgraphs " + ", ".join(
                f"{s.name}={redact_url(s.url or s.routing_url)}" for s in self.subgraphs
            )

    @classmethod
    def from_urls(
        cls,
        urls: Sequence[tuple[str, str]],
        *,
        timeout: float = 10.0,
        client: httpx.AsyncClient | None = None,
    ) -> ComposedSource:
        """One subgraph per ``(name, url)``: its SDL is fetched there and it is routed there."""
        specs = [SubgraphSpec(name, url, url=url) for name, url in urls]
        return cls(subgraphs=specs, timeout=timeout, client=client)

    def _specs(self) -> list[SubgraphSpec]:
        if self.config is None:
            return list(self.subgraphs)
        try:
            return read_config(self.config)
        except ConfigError as err:
            raise SourceError("SOURCE_UNREADABLE", str(err)) from err

    async def read(self) -> tuple[str, Callable[[], Loaded]]:
        specs = await asyncio.to_thread(self._specs)
        if self.client is not None:
            sdls = await self._fetch_all(specs, self.client)
        else:
            limits = httpx.Limits(max_connections=len(specs))
            async with httpx.AsyncClient(verify=_ssl_context(), limits=limits) as http:
                sdls = await self._fetch_all(specs, http)
        sources = [
            SubgraphSource(s.name, s.routing_url, sdl) for s, sdl in zip(specs, sdls, strict=True)
        ]
        parts = [p for s in sorted(sources, key=lambda s: s.name) for p in (s.name, s.url, s.sdl)]
        inputs_hash = _sha256(*parts)
        return inputs_hash, partial(_compose, sources, inputs_hash)

    async def _fetch_all(self, specs: list[SubgraphSpec], http: httpx.AsyncClient) -> list[str]:
        """Every subgraph's SDL, fetched concurrently; one error naming every failure."""
        results = await asyncio.gather(
            *(self._sdl(spec, http) for spec in specs), return_exceptions=True
        )
        failed: list[SourceError] = []
        sdls: list[str] = []
        for result in results:
            if isinstance(result, SourceError):
                failed.append(result)
            elif isinstance(result, BaseException):
                raise result  # a bug, not a source problem
            else:
                sdls.append(result)
        if failed:
            codes = {f.code for f in failed}
            # Waiting helps only when every failure is a subgraph not answering yet.
            code = (
                "SUBGRAPH_UNREACHABLE" if codes == {"SUBGRAPH_UNREACHABLE"} else "SOURCE_UNREADABLE"
            )
            raise SourceError(code, "; ".join(f.message for f in failed))
        return sdls

    async def _sdl(self, spec: SubgraphSpec, http: httpx.AsyncClient) -> str:
        if spec.url is None:
            if spec.file is None:
                return spec.sdl or ""
            try:
                return await asyncio.to_thread(read_file_sdl, spec)
            except ConfigError as err:
                raise SourceError("SOURCE_UNREADABLE", str(err)) from err
        where = f"subgraph {spec.name} at {redact_url(spec.url)}"
        try:
            response = await http.post(
                spec.url, json={"query": SERVICE_SDL_QUERY}, timeout=self.timeout
            )
            response.raise_for_status()
            return sdl_from_response(redact_url(spec.url), orjson.loads(response.content))
        except httpx.HTTPStatusError as err:
            message = f"{where} answered HTTP {err.response.status_code}"
        except httpx.TimeoutException:
            message = f"{where} did not answer within {self.timeout:g} s"
        except httpx.TransportError as err:
            message = f"{where} is unreachable ({type(err).__name__})"
        except (orjson.JSONDecodeError, ConfigError) as err:
            message = f"{where} gave no SDL: {err}"
        raise SourceError("SUBGRAPH_UNREACHABLE", message)


def _compose(sources: list[SubgraphSource], inputs_hash: str) -> Loaded:
    result = compose(sources)
    if not result.ok:
        raise SourceError(
            "COMPOSITION_FAILED",
            f"the subgraphs do not compose ({len(result.errors)} error(s): "
            f"{', '.join(sorted(set(result.codes)))})",
            result.errors,
        )
    return _load(result.supergraph_sdl, inputs_hash)


async def load_at_start(source: SupergraphSource, *, deadline_s: float) -> Loaded:
    """``source.load()``, retrying unreachable subgraphs with backoff for ``deadline_s``.

    Anything else (composition errors, an unreadable file) fails at once: waiting
    does not fix it.
    """
    give_up = time.monotonic() + deadline_s
    delay = 0.25
    while True:
        try:
            return await source.load()
        except SourceError as err:
            left = give_up - time.monotonic()
            if not err.retryable or left <= 0:
                raise
            _log.warning(
                "supergraph source not ready, retrying",
                extra={"code": err.code, "reason": err.message, "retry_in_s": round(delay, 2)},
            )
            await asyncio.sleep(min(delay, left))
            delay = min(delay * 2, 5.0)


def choose_source(
    *,
    supergraph: Path | None = None,
    config: Path | None = None,
    subgraphs: Sequence[tuple[str, str]] = (),
    timeout: float = 10.0,
) -> SupergraphSource:
    """The one source given: a supergraph file, a rover config, or subgraph URLs."""
    given = [bool(supergraph), bool(config), bool(subgraphs)]
    if sum(given) != 1:
        raise SourceError(
            "INVALID_SOURCE",
            "give exactly one of --supergraph FILE, --config FILE or --subgraph NAME=URL "
            "(or GATEWAY_SUPERGRAPH_PATH, GATEWAY_SUPERGRAPH_CONFIG, GATEWAY_SUBGRAPHS)",
        )
    if supergraph is not None:
        return FileSource(supergraph)
    if config is not None:
        return ComposedSource(config=config, timeout=timeout)
    return ComposedSource.from_urls(subgraphs, timeout=timeout)


def source_from_settings(settings: Settings) -> SupergraphSource:
    """The source ``GATEWAY_SUPERGRAPH_PATH``, ``_CONFIG`` or ``GATEWAY_SUBGRAPHS`` names."""
    return choose_source(
        supergraph=settings.supergraph_path,
        config=settings.supergraph_config,
        subgraphs=list(settings.subgraphs.items()),
        timeout=settings.sdl_fetch_timeout_s,
    )
