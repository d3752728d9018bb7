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
from pathlib import Path
from typing import Any

import httpx
import yaml

from .errors import ConfigError, FetchError
from .subgraph import SubgraphSource

__all__ = ["SERVICE_SDL_QUERY", "fetch_sdl", "load_config", "parse_subgraph_arg"]

SERVICE_SDL_QUERY = "query SubgraphSdl { _service { sdl } }"


def fetch_sdl(url: str, *, client: httpx.Client | None = None, timeout: float = 10.0) -> str:
    """Ask a subgraph for its SDL through `{ _service { sdl } }`."""
    own = client is None
    http = client or httpx.Client(timeout=timeout)
    try:
        response = http.post(url, json={"query": SERVICE_SDL_QUERY})
        response.raise_for_status()
        body = response.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise FetchError(f"could not fetch the SDL from {url}: {exc}") from exc
    finally:
        if own:
            http.close()
    sdl = (((body or {}).get("data") or {}).get("_service") or {}).get("sdl")
    if not isinstance(sdl, str):
        errors = (body or {}).get("errors")
        raise FetchError(f"{url} did not return _service.sdl (errors: {errors})")
    return sdl


def parse_subgraph_arg(text: str) -> tuple[str, str]:
    name, sep, url = text.partition("=")
    if not sep or not name or not url:
        raise ConfigError(f"--subgraph expects NAME=URL, got {text!r}")
    return name, url


def _subgraph(name: str, entry: Any, base: Path, client: httpx.Client | None) -> SubgraphSource:
    if not isinstance(entry, Mapping):
        raise ConfigError(f"subgraph {name!r}: expected a mapping")
    schema = entry.get("schema")
    if not isinstance(schema, Mapping):
        raise ConfigError(f"subgraph {name!r}: missing 'schema'")
    routing_url = entry.get("routing_url")
    if "file" in schema:
        path = base / str(schema["file"])
        try:
            sdl = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"subgraph {name!r}: cannot read {path}: {exc}") from exc
    elif "sdl" in schema:
        sdl = str(schema["sdl"])
    elif "subgraph_url" in schema:
        sdl = fetch_sdl(str(schema["subgraph_url"]), client=client)
        routing_url = routing_url or schema["subgraph_url"]
    else:
        raise ConfigError(
            f"subgraph {name!r}: schema needs one of file, subgraph_url or sdl "
            "(graphref is not supported)"
        )
    if not isinstance(routing_url, str) or not routing_url:
        raise ConfigError(f"subgraph {name!r}: missing 'routing_url'")
    return SubgraphSource(name, routing_url, sdl)


def load_config(path: Path, *, client: httpx.Client | None = None) -> list[SubgraphSource]:
    """Read a rover supergraph config into subgraph sources (fetching URLs as needed)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read supergraph config {path}: {exc}") from exc
    subgraphs = data.get("subgraphs") if isinstance(data, Mapping) else None
    if not isinstance(subgraphs, Mapping) or not subgraphs:
        raise ConfigError(f"{path}: expected a non-empty 'subgraphs' mapping")
    return [_subgraph(str(n), e, path.parent, client) for n, e in subgraphs.items()]
