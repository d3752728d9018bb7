"""Header propagation to subgraphs and the merge of subgraph response headers.

Rules (JSON in ``GATEWAY_HEADER_RULES`` or a YAML/JSON file in
``GATEWAY_HEADER_RULES_FILE``), shaped like Apollo router's ``headers`` config::

    all:                         # applied to every subgraph, before its own rules
      - propagate: {named: authorization}
      - propagate: {matching: "^x-feature-", }
      - propagate: {named: x-tenant, rename: x-tenant-id, default: none}
      - insert: {name: x-gateway, value: edge}
      - remove: {named: cookie}            # or {matching: "..."}
    subgraphs:
      payments:
        - propagate: {named: x-idempotency-key}
    response:
      set_cookie_from: [delivery]          # Set-Cookie reaches clients only from these
      propagate: [x-request-id]            # other response headers (first fetch that has one)

Without rules, ``authorization`` is forwarded to every subgraph. ``traceparent`` and
``tracestate`` are always forwarded; hop-by-hop and transport-owned headers (``connection``,
``content-length``, ``host``, ...) never are, whatever the rules say. Names are lower-case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml

from gateway.edge.errors import EdgeConfigError

__all__ = [
    "ALWAYS_FORWARDED",
    "NEVER_FORWARDED",
    "HeaderRule",
    "HeaderRules",
    "merge_cache_control",
    "merge_response_headers",
]

ALWAYS_FORWARDED = frozenset({"traceparent", "tracestate"})
NEVER_FORWARDED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "content-type",
        "content-encoding",
        "accept",
        "accept-encoding",
    }
)
Headers = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class HeaderRule:
    """One rule: ``propagate``, ``insert`` or ``remove``."""

    action: str
    named: str | None = None
    matching: re.Pattern[str] | None = None
    rename: str | None = None
    default: str | None = None
    value: str | None = None

    def matches(self, name: str) -> bool:
        if self.named is not None:
            return name == self.named
        return self.matching is not None and self.matching.search(name) is not None


@dataclass(frozen=True, slots=True)
class HeaderRules:
    """Per-subgraph request rules and the response-header policy."""

    all: tuple[HeaderRule, ...] = (HeaderRule("propagate", named="authorization"),)
    subgraphs: Mapping[str, tuple[HeaderRule, ...]] = field(default_factory=dict)
    set_cookie_from: frozenset[str] = frozenset()
    response_propagate: tuple[str, ...] = ()

    # --- loading -----------------------------------------------------------------------
    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> HeaderRules:
        """Build from parsed config; ``None`` or ``{}`` gives the defaults."""
        if config is None:
            return cls()
        if not isinstance(config, Mapping):
            raise EdgeConfigError("header rules must be an object")
        unknown = set(config) - {"all", "subgraphs", "response"}
        if unknown:
            raise EdgeConfigError(f"unknown header rule sections: {sorted(unknown)}")
        subgraphs = config.get("subgraphs", {})
        if not isinstance(subgraphs, Mapping):
            raise EdgeConfigError("'subgraphs' must map subgraph names to rule lists")
        response = config.get("response", {})
        if not isinstance(response, Mapping):
            raise EdgeConfigError("'response' must be an object")
        return cls(
            all=_rules(config["all"], "all") if "all" in config else cls().all,
            subgraphs={str(g): _rules(r, f"subgraphs.{g}") for g, r in subgraphs.items()},
            set_cookie_from=frozenset(_names(response.get("set_cookie_from"), "set_cookie_from")),
            response_propagate=tuple(
                n.lower() for n in _names(response.get("propagate"), "response.propagate")
            ),
        )

    @classmethod
    def from_json(cls, text: str) -> HeaderRules:
        try:
            return cls.from_config(orjson.loads(text))
        except orjson.JSONDecodeError as err:
            raise EdgeConfigError(f"header rules are not JSON: {err}") from None

    @classmethod
    def from_file(cls, path: str | Path) -> HeaderRules:
        """A YAML (or JSON, which is YAML) file."""
        try:
            return cls.from_config(yaml.safe_load(Path(path).read_text()))
        except yaml.YAMLError as err:
            raise EdgeConfigError(f"header rules file {path} is not YAML: {err}") from None

    # --- requests ----------------------------------------------------------------------
    def for_subgraph(self, graph: str, client: Headers) -> dict[str, str]:
        """The headers to send to ``graph`` for a client request carrying ``client``."""
        incoming: dict[str, str] = {}
        for name, value in _items(client):
            lname = name.lower()
            incoming[lname] = f"{incoming[lname]}, {value}" if lname in incoming else value
        out: dict[str, str] = {}
        for rule in (*self.all, *self.subgraphs.get(graph, ())):
            _apply(rule, incoming, out)
        for name in NEVER_FORWARDED:
            out.pop(name, None)
        out.update((n, incoming[n]) for n in sorted(ALWAYS_FORWARDED) if n in incoming)
        return out

    # --- responses ---------------------------------------------------------------------
    def merge_responses(self, responses: Iterable[tuple[str, Headers]]) -> list[tuple[str, str]]:
        """Client response headers from the subgraph responses of one request."""
        return merge_response_headers(
            responses,
            set_cookie_from=self.set_cookie_from,
            propagate=self.response_propagate,
        )


def _items(headers: Headers) -> Iterable[tuple[str, str]]:
    return headers.items() if isinstance(headers, Mapping) else headers


def _apply(rule: HeaderRule, incoming: Mapping[str, str], out: dict[str, str]) -> None:
    if rule.action == "insert":
        if rule.named is not None and rule.value is not None:
            out[rule.named] = rule.value
    elif rule.action == "remove":
        for name in [n for n in out if rule.matches(n)]:
            del out[name]
    elif rule.named is not None:  # propagate one header, maybe renamed or defaulted
        value = incoming.get(rule.named, rule.default)
        if value is not None:
            out[rule.rename or rule.named] = value
    else:
        for name, value in incoming.items():
            if rule.matches(name):
                out[name] = value


def _names(raw: Any, where: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(n, str) for n in raw):
        raise EdgeConfigError(f"'{where}' must be a list of names")
    return raw


def _rules(raw: Any, where: str) -> tuple[HeaderRule, ...]:
    if not isinstance(raw, list):
        raise EdgeConfigError(f"'{where}' must be a list of rules")
    return tuple(_rule(r, f"{where}[{i}]") for i, r in enumerate(raw))


def _rule(raw: Any, where: str) -> HeaderRule:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise EdgeConfigError(f"{where}: a rule is one of propagate/insert/remove")
    ((action, spec),) = raw.items()
    if action not in ("propagate", "insert", "remove") or not isinstance(spec, Mapping):
        raise EdgeConfigError(f"{where}: unknown rule {action!r}")
    if action == "insert":
        name, value = spec.get("name"), spec.get("value")
        if not isinstance(name, str) or not isinstance(value, str):
            raise EdgeConfigError(f"{where}: insert needs string 'name' and 'value'")
        return HeaderRule("insert", named=name.lower(), value=value)
    named, matching = spec.get("named"), spec.get("matching")
    if (named is None) == (matching is None):
        raise EdgeConfigError(f"{where}: give exactly one of 'named' or 'matching'")
    if named is not None and not isinstance(named, str):
        raise EdgeConfigError(f"{where}: 'named' must be a string")
    pattern = None
    if matching is not None:
        try:
            pattern = re.compile(str(matching), re.IGNORECASE)
        except re.error as err:
            raise EdgeConfigError(f"{where}: bad regex: {err}") from None
    rename, default = spec.get("rename"), spec.get("default")
    if action == "remove" and (rename is not None or default is not None):
        raise EdgeConfigError(f"{where}: remove takes no rename/default")
    if matching is not None and (rename is not None or default is not None):
        raise EdgeConfigError(f"{where}: rename/default need 'named'")
    return HeaderRule(
        action,
        named=named.lower() if isinstance(named, str) else None,
        matching=pattern,
        rename=str(rename).lower() if rename is not None else None,
        default=str(default) if default is not None else None,
    )


# --- response headers ----------------------------------------------------------------------

_MAX_AGE = re.compile(r"^(s-maxage|max-age)\s*=\s*\"?(\d+)\"?$")


def _directives(value: str | None) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for part in (value or "").split(","):
        token = part.strip().lower()
        if not token:
            continue
        m = _MAX_AGE.match(token)
        if m:
            out[m[1]] = int(m[2])
        else:
            out[token.split("=", 1)[0]] = None
    return out


def merge_cache_control(values: Iterable[str | None]) -> str | None:
    """The most restrictive ``Cache-Control`` of several responses.

    A response without the header counts as ``no-store`` (nothing says it may be cached).
    ``None`` when there were no responses at all.
    """
    parsed = [_directives(v) if v else {"no-store": None} for v in values]
    if not parsed:
        return None
    if any("no-store" in d for d in parsed):
        return "no-store"
    out: list[str] = []
    if any("no-cache" in d for d in parsed):
        out.append("no-cache")
    if any("private" in d for d in parsed):
        out.append("private")
    elif all("public" in d for d in parsed):
        out.append("public")
    max_age = min(d.get("max-age") or 0 for d in parsed)
    out.append(f"max-age={max_age}")
    if any("s-maxage" in d for d in parsed) and "private" not in out:
        shared = min(
            v if (v := d.get("s-maxage")) is not None else (d.get("max-age") or 0) for d in parsed
        )
        out.append(f"s-maxage={shared}")
    if any("must-revalidate" in d for d in parsed):
        out.append("must-revalidate")
    return ", ".join(out)


def merge_response_headers(
    responses: Iterable[tuple[str, Headers]],
    *,
    set_cookie_from: Iterable[str] = (),
    propagate: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """Merged client headers: one most-restrictive ``cache-control``, ``set-cookie`` lines
    from allowed subgraphs (in fetch order), and the first value of each ``propagate`` name."""
    allowed = frozenset(set_cookie_from)
    wanted = [n.lower() for n in propagate]
    cache_controls: list[str | None] = []
    cookies: list[tuple[str, str]] = []
    first: dict[str, str] = {}
    for graph, headers in responses:
        cache: str | None = None
        for name, value in _items(headers):
            lname = name.lower()
            if lname == "cache-control":
                cache = f"{cache}, {value}" if cache else value
            elif lname == "set-cookie":
                if graph in allowed:
                    cookies.append(("set-cookie", value))
            elif lname in wanted and lname not in first:
                first[lname] = value
        cache_controls.append(cache)
    out: list[tuple[str, str]] = [(n, first[n]) for n in wanted if n in first]
    merged = merge_cache_control(cache_controls)
    if merged is not None:
        out.append(("cache-control", merged))
    out.extend(cookies)
    return out
