"""Cold start: ``gateway serve`` to its first answer, on a generated 50-type supergraph.

Five subgraphs of ten entity types each; every type has a key, scalar fields, a list of
another type of its own subgraph and a reference to a type of the next subgraph, which that
subgraph extends with one field (so the supergraph has entities in two graphs, keys and
cross-graph jumps). Composed with our composer; ``{ __typename }`` needs no subgraph, so
the time measured is the process's own: imports, loading the supergraph, building the app.

Measured twice: without compiled bytecode (every module compiled at import, as on a machine
with ``PYTHONDONTWRITEBYTECODE=1`` and no ``__pycache__``) and with it (as in the Docker
images, built with ``UV_COMPILE_BYTECODE=1``), using a private ``PYTHONPYCACHEPREFIX``.
"""

from __future__ import annotations

import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.procs import cpu_seconds, wait_ready
from bench.workloads import BIN, _ours

__all__ = ["ColdStart", "cold_starts", "generated_supergraph"]

GRAPHS = 5
TYPES_PER_GRAPH = 10
LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@external"])\n'
)


def _name(graph: int, index: int) -> str:
    return f"T{graph}x{index}"


def _subgraph_sdl(graph: int) -> str:
    nxt = (graph + 1) % GRAPHS
    prev = (graph - 1) % GRAPHS
    parts = [LINK]
    roots = []
    for i in range(TYPES_PER_GRAPH):
        name = _name(graph, i)
        sibling = _name(graph, (i + 1) % TYPES_PER_GRAPH)
        parts.append(
            f'type {name} @key(fields: "id") {{\n  id: ID!\n  name: String!\n  size: Int!\n'
            f"  ratio: Float\n  tags: [String!]!\n  related: [{sibling}!]!\n"
            f"  next: {_name(nxt, i)}\n}}\n"
        )
        # The previous graph's type i points here; this graph adds one field to it.
        parts.append(f'type {_name(nxt, i)} @key(fields: "id", resolvable: false) {{ id: ID! }}\n')
        roots.append(f"  {name.lower()}s(first: Int = 10): [{name}!]!")
    for i in range(TYPES_PER_GRAPH):
        parts.append(f'extend type {_name(prev, i)} @key(fields: "id") {{\n  id: ID!\n'
                     f"  score{graph}: Int\n}}\n")  # fmt: skip
    parts.append("type Query {\n" + "\n".join(roots) + "\n}\n")
    return "\n".join(parts)


def generated_supergraph(into: Path) -> Path:
    """Writes the subgraph SDLs and composes them; returns the supergraph file."""
    into.mkdir(parents=True, exist_ok=True)
    lines = ["federation_version: =2.11.0", "subgraphs:"]
    for g in range(GRAPHS):
        sdl = into / f"g{g}.graphql"
        sdl.write_text(_subgraph_sdl(g))
        lines += [f"  g{g}:", f"    routing_url: http://127.0.0.1:9/g{g}", "    schema:",
                  f"      file: {sdl}"]  # fmt: skip
    config = into / "supergraph.yaml"
    config.write_text("\n".join(lines) + "\n")
    out = into / "supergraph.graphql"
    subprocess.run(
        [str(BIN / "gateway"), "compose", "--config", str(config), "--out", str(out)], check=True
    )
    return out


@dataclass(frozen=True)
class ColdStart:
    seconds: list[float]  # wall time to the first answer, per start
    cpu: list[float]  # CPU seconds the process had used by then

    def describe(self) -> str:
        runs = ", ".join(f"{s:.2f}" for s in self.seconds)
        return (
            f"{statistics.median(self.seconds):.2f} s, {statistics.median(self.cpu):.2f} CPU-s"
            f" (medians of {len(self.seconds)}: {runs} s)"
        )


def cold_starts(
    supergraph: Path, logs: Path, env: dict[str, str], *, bytecode: bool, times: int = 3
) -> ColdStart:
    """``times`` starts, each a fresh process pinned to the gateway core."""
    cache = logs / ("pycache" if bytecode else "no-pycache")
    cache.mkdir(exist_ok=True)
    env = {**env, "PYTHONPYCACHEPREFIX": str(cache)}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        _start(supergraph, logs, env, "coldstart-warmup")  # writes the bytecode
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # and the prefix directory stays empty
    runs = [_start(supergraph, logs, env, f"coldstart-{i}") for i in range(times)]
    return ColdStart([r[0] for r in runs], [r[1] for r in runs])


def _start(supergraph: Path, logs: Path, env: dict[str, str], name: str) -> tuple[float, float]:
    proc, url = _ours(name, supergraph, env, logs)
    try:
        seconds = wait_ready(url, proc.start(), timeout=120)
        return seconds, cpu_seconds(proc.pid)
    finally:
        proc.stop()
