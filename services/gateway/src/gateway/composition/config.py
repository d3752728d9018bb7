"""Where the subgraph SDLs come from: a rover-style supergraph config, or URLs.

The config file has rover's shape::

    federation_version: =2.9.3        # accepted, ignored
    subgraphs:
      accounts:
        routing_url: http://accounts:8000/graphql
        schema:
          file: ./accounts.graphql     # relative to the config file
      products:
        routing_url: http://products:8000/graphql
        schema:
          subgraph_url: http://products:8000/graphql   # fetches { _service { sdl } }
      inline:
        routing_url: http://inline/graphql
        schema:
          sdl: "type Query { hello: String }"
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import yaml

from .errors import ConfigError, FetchError
from .subgraph import SubgraphSource

__all__ = [
    "SERVICE_SDL_QUERY",
    "SubgraphSpec",
    "fetch_sdl",
    "load_config",
    "parse_subgraph_arg",
    "read_config",
    "read_file_sdl",
    "redact_url",
    "sdl_from_response",
]

SERVICE_SDL_QUERY = "query SubgraphSdl { _service { sdl } }"


def redact_url(url: str) -> str:
    """The URL without user and password (they may be secrets): for messages and logs."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit(parts._replace(netloc=netloc))


def fetch_sdl(url: str, *, client: httpx.Client | None = None, timeout: float = 10.0) -> str:
    """Ask a subgraph for its SDL through `{ _service { sdl } }`."""
    own = client is None
    http = client or httpx.Client(timeout=timeout)
    safe = redact_url(url)
    try:
        response = http.post(url, json={"query": SERVICE_SDL_QUERY})
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        # httpx names the request URL in its messages: never with its credentials.
        raise FetchError(
            f"could not fetch the SDL from {safe}: {str(exc).replace(url, safe)}"
        ) from exc
    finally:
        if own:
            http.close()
    return sdl_from_response(safe, body)


def sdl_from_response(url: str, body: Any) -> str:
    """The SDL in a `{ _service { sdl } }` response body; `FetchError` when there is none."""
    data = body.get("data") if isinstance(body, Mapping) else None
    service = data.get("_service") if isinstance(data, Mapping) else None
    sdl = service.get("sdl") if isinstance(service, Mapping) else None
    if not isinstance(sdl, str):
        errors = body.get("errors") if isinstance(body, Mapping) else None
        raise FetchError(f"{url} did not return _service.sdl (errors: {errors})")
    return sdl


def parse_subgraph_arg(text: str) -> tuple[str, str]:
    name, sep, url = text.partition("=")
    if not sep or not name or not url:
        raise ConfigError(f"--subgraph expects NAME=URL, got {text!r}")
    return name, url


@dataclass(frozen=True, slots=True)
class SubgraphSpec:
    """One subgraph of a config: where it is routed and where its SDL comes from.

    Exactly one of ``file``, ``sdl`` and ``url`` is set; ``url`` is fetched with
    `{ _service { sdl } }` (a live subgraph), the others are read as they are.
    """

    name: str
    routing_url: str
    file: Path | None = None
    sdl: str | None = None
    url: str | None = None


def _spec(name: str, entry: Any, base: Path) -> SubgraphSpec:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"subgraph {name!r}: expected a mapping")
    schema = entry.get("schema")
    if not isinstance(schema, Mapping):
        raise ConfigError(f"subgraph {name!r}: missing 'schema'")
    routing_url = entry.get("routing_url")
    if "subgraph_url" in schema:
        routing_url = routing_url or schema["subgraph_url"]
    if not isinstance(routing_url, str) or not routing_url:
        raise ConfigError(f"subgraph {name!r}: missing 'routing_url'")
    if "file" in schema:
        return SubgraphSpec(name, routing_url, file=base / str(schema["file"]))
    if "sdl" in schema:
        return SubgraphSpec(name, routing_url, sdl=str(schema["sdl"]))
    if "subgraph_url" in schema:
        return SubgraphSpec(name, routing_url, url=str(schema["subgraph_url"]))
    raise ConfigError(
        f"subgraph {name!r}: schema needs one of file, subgraph_url or sdl "
        "(graphref is not supported)"
    )


def read_file_sdl(spec: SubgraphSpec) -> str:
    """The SDL of a ``file`` subgraph; `ConfigError` when it cannot be read."""
    assert spec.file is not None
    try:
        return spec.file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"subgraph {spec.name!r}: cannot read {spec.file}: {exc}") from exc


def read_config(path: Path) -> list[SubgraphSpec]:
    """Read a rover supergraph config into subgraph specs (nothing fetched yet)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read supergraph config {path}: {exc}") from exc
    subgraphs = data.get("subgraphs") if isinstance(data, Mapping) else None
    if not isinstance(subgraphs, Mapping) or not subgraphs:
        raise ConfigError(f"{path}: expected a non-empty 'subgraphs' mapping")
    return [_spec(str(n), e, path.parent) for n, e in subgraphs.items()]


def load_config(path: Path, *, client: httpx.Client | None = None) -> list[SubgraphSource]:
    """Read a rover supergraph config into subgraph sources (fetching URLs as needed)."""
    sources = []
    for spec in read_config(path):
        if spec.file is not None:
            sdl = read_file_sdl(spec)
        elif spec.url is not None:
            sdl = fetch_sdl(spec.url, client=client)
        else:
            sdl = spec.sdl or ""
        sources.append(SubgraphSource(spec.name, spec.routing_url, sdl))
    return sources
