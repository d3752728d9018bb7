"""In-process CPU benchmark of the gateway's executor: ``uv run python -m bench.executor``.

Runs real plans of our planner through the real ``Executor`` against a replay
transport that answers each subgraph fetch with recorded bytes (parsed with
``orjson.loads`` per fetch, as the HTTP transport does), then serialises the
client response as the server does. No network, no ASGI, no subgraph CPU:
what is left is the executor's per-request work (bodies, representations,
merging, shaping, null propagation, serialisation) plus the plan-cache hit.

The subgraph answers come from the bench's Node subgraphs (``bench/subgraphs``),
recorded once with ``--record`` into ``bench/recordings/synthetic.json`` and
committed, so every run replays the same bytes. Every run checks the client
response against the digest recorded with it: an optimisation that changes a
byte of any answer fails the benchmark instead of looking fast.

Numbers are CPU time per request (``time.process_time``): best and median of
``--rounds`` rounds of ``--requests`` sequential requests. For instruction
counts on a busy machine run it under ``valgrind --tool=callgrind`` with
``--rounds 1`` and subtract a ``--requests 0`` run (start-up cost).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import hashlib
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import callgrind
from gateway.composition import SubgraphSource, compose
from gateway.executor import Executor
from gateway.operation import NormalizedOperation, coerce_variables, prepare_operation
from gateway.planner import Planner
from gateway.supergraph import Supergraph, load_supergraph
from gateway.transport import SubgraphClient, Transport

BENCH = Path(__file__).resolve().parent
RECORDINGS = BENCH / "recordings"
SYNTHETIC = ("accounts", "products", "inventory", "reviews")


@dataclass(frozen=True)
class Case:
    name: str
    query_file: str
    recording: str  # bench/recordings/<recording>.json: the answers and the digests
    what: str


CASES = (
    Case("heavy", "heavy.graphql", "synthetic", "4 Node subgraphs, 8 fetches, ~87 KB"),
    Case("single", "single.graphql", "synthetic", "one subgraph, passthrough plan, ~6 KB"),
    Case("abstract", "abstract.graphql", "abstract", "interfaces, a union, 2 fetches, ~40 KB"),
)


def synthetic_supergraph(urls: Mapping[str, str] | None = None) -> Supergraph:
    """Our composition of bench/subgraphs/*.graphql (URLs only matter when recording)."""
    sources = [
        SubgraphSource(
            name,
            (urls or {}).get(name, f"http://{name}.invalid/graphql"),
            (BENCH / "subgraphs" / f"{name}.graphql").read_text(encoding="utf-8"),
        )
        for name in SYNTHETIC
    ]
    result = compose(sources)
    if not result.ok:
        raise SystemExit(f"composition failed: {result.codes}")
    return load_supergraph(result.supergraph_sdl)


def _fetch_key(graph: str, body: bytes) -> str:
    return f"{graph} {hashlib.sha256(body).hexdigest()}"


class ReplayTransport(Transport):
    """Answers each fetch with its recorded bytes; an unknown fetch is a stale recording."""

    def __init__(self, answers: Mapping[str, bytes]) -> None:  # no client: nothing is sent
        self._answers = answers
        self._by_body: dict[tuple[str, bytes], bytes] = {}  # no SHA-256 per request
        self.requests_sent = 0

    async def fetch(
        self,
        graph: str,
        body: bytes,
        *,
        kind: str = "query",
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        raw = self._by_body.get((graph, body))
        if raw is None:
            raw = self._answers.get(_fetch_key(graph, body))
            if raw is None:
                raise SystemExit(
                    f"no recorded answer for a fetch to {graph}: the plan or the request bodies "
                    "changed; re-record with `python -m bench.executor --record`"
                )
            self._by_body[graph, body] = raw
        self.requests_sent += 1
        parsed: dict[str, Any] = orjson.loads(raw)
        return parsed


class Bench:
    """One executor over the synthetic supergraph, as the server builds it."""

    def __init__(self, supergraph: Supergraph, transport: Transport) -> None:
        self.supergraph = supergraph
        self.planner = Planner(supergraph, cache_size=100)
        self.executor = Executor(
            api_schema=supergraph.api_schema,
            supergraph_schema=supergraph.supergraph_schema,
            transport=transport,
            graph_type=self._graph_type,
        )
        self._operations: dict[str, NormalizedOperation] = {}

    def _graph_type(self, parent: str, field: str, graph: str) -> str | None:
        # The same lookup as gateway.server.runtime.Gateway (needed for passthrough plans).
        info = self.supergraph.field(parent, field)
        if info is None:
            return "?"
        in_graph = info.in_graphs.get(graph)
        return None if in_graph is None else in_graph.graph_type

    async def respond(self, case: Case) -> bytes:
        """One client request: plan-cache hit, execute, serialise (server's work minus HTTP)."""
        operation = self._operations.get(case.name)
        if operation is None:  # the server's request LRU: parsed and validated once
            text = (BENCH / "queries" / case.query_file).read_text(encoding="utf-8")
            operation = prepare_operation(self.supergraph.api_schema, text)
            self._operations[case.name] = operation
        plan = self.planner.plan(operation)  # a plan-cache hit after the first request
        coerced = coerce_variables(self.supergraph.api_schema, operation, None)
        result = await self.executor.execute(plan, variables={}, coerced=coerced)
        return orjson.dumps(result.to_dict())


async def _run(bench: Bench, case: Case, n: int) -> bytes:
    body = b""
    for _ in range(n):
        body = await bench.respond(case)
    return body


def load_recording(name: str) -> tuple[dict[str, bytes], dict[str, str], Supergraph]:
    """The recorded answers by fetch key, response digests by case, and the supergraph."""
    path = RECORDINGS / f"{name}.json"
    if not path.exists():
        raise SystemExit(f"{path} is missing; record it with --record (needs Node)")
    stored = orjson.loads(path.read_bytes())
    answers = {key: orjson.dumps(value) for key, value in stored["fetches"].items()}
    sdl = stored.get("supergraph")
    supergraph = load_supergraph(sdl) if sdl else synthetic_supergraph()
    return answers, stored["responses"], supergraph


def measure(case: Case, rounds: int, requests: int, profile: int) -> None:
    answers, digests, supergraph = load_recording(case.recording)
    bench = Bench(supergraph, ReplayTransport(answers))
    loop = asyncio.new_event_loop()
    body = loop.run_until_complete(_run(bench, case, 3))  # plan, compile shapes, warm up
    digest = hashlib.sha256(body).hexdigest()
    if digest != digests.get(case.name):
        raise SystemExit(f"{case.name}: the response differs from the recorded one ({digest})")
    fetches = bench.executor.transport.requests_sent // 3
    gc.collect()  # as the server does after loading (gateway.cli)
    gc.freeze()
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        loop.run_until_complete(_run(bench, case, requests))
        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(profile)
        return
    per_request: list[float] = []
    with callgrind.measured():  # only counts under --instructions
        for _ in range(rounds):
            started = time.process_time()
            loop.run_until_complete(_run(bench, case, requests))
            if requests:
                per_request.append(1e6 * (time.process_time() - started) / requests)
    loop.close()
    if per_request:
        print(
            f"{case.name:<8} {min(per_request):9.1f} µs/request best "
            f"{statistics.median(per_request):9.1f} median  "
            f"({rounds} rounds x {requests}; {fetches} fetches, {len(body) / 1000:.1f} KB)"
        )


class Recorder(Transport):
    """The real transport, keeping a copy of every answer by fetch key."""

    fetches: dict[str, Any]

    async def fetch(
        self,
        graph: str,
        body: bytes,
        *,
        kind: str = "query",
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        parsed = await super().fetch(graph, body, kind=kind, headers=headers)
        # A copy: the executor merges into the parsed answer it gets.
        self.fetches[_fetch_key(graph, body)] = orjson.loads(orjson.dumps(parsed))
        return parsed


async def _record(
    name: str,
    supergraph: Supergraph,
    client: SubgraphClient,
    urls: Mapping[str, str],
    sdl: str | None = None,
) -> None:
    """Run the cases of recording ``name`` once through ``client`` and store the answers."""
    from gateway.settings import Settings

    settings = Settings(dedup_enabled=False)
    transport = Recorder(client=client, urls=urls, settings=settings)
    transport.fetches = {}
    bench = Bench(supergraph, transport)
    responses: dict[str, str] = {}
    for case in CASES:
        if case.recording == name:
            body = await bench.respond(case)
            if b'"errors"' in body:
                raise SystemExit(f"{case.name}: errors in the recorded response")
            responses[case.name] = hashlib.sha256(body).hexdigest()
    stored: dict[str, Any] = {
        "fetches": dict(sorted(transport.fetches.items())),
        "responses": responses,
    }
    if sdl is not None:
        stored["supergraph"] = sdl
    path = RECORDINGS / f"{name}.json"
    RECORDINGS.mkdir(exist_ok=True)
    # Answers keep their key order: passthrough plans copy it to the client.
    path.write_bytes(orjson.dumps(stored, option=orjson.OPT_INDENT_2))
    print(f"recorded {len(transport.fetches)} fetches into {path}")


def record() -> None:
    """Record the synthetic cases from the Node subgraphs, the abstract one in-process."""
    from bench import abstract
    from bench.workloads import ensure_node, synthetic_subgraphs
    from gateway.transport import HttpxClient, build_client

    async def synthetic(urls: dict[str, str]) -> None:
        from gateway.settings import Settings

        client = build_client(Settings())
        try:
            await _record("synthetic", synthetic_supergraph(urls), client, urls)
        finally:
            await client.aclose()

    async def in_process() -> None:
        sdl = abstract.supergraph_sdl()
        served = abstract.subgraphs()
        urls = {name: f"http://{name}/graphql" for name in served}
        mounts = {f"http://{name}": httpx.ASGITransport(app) for name, app in served.items()}
        async with httpx.AsyncClient(mounts=mounts) as http:
            await _record("abstract", load_supergraph(sdl), HttpxClient(http), urls, sdl)

    if ensure_node():
        with tempfile.TemporaryDirectory() as logs, synthetic_subgraphs(Path(logs)) as found:
            asyncio.run(synthetic(found[0]))
    else:
        print("node is missing: the synthetic recording is left as it is")
    asyncio.run(in_process())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.executor", description=__doc__)
    parser.add_argument("--case", choices=[c.name for c in CASES], action="append")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile top N")
    parser.add_argument("--record", action="store_true", help="record from the Node subgraphs")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under callgrind"
    )
    args = parser.parse_args(argv)
    if args.record:
        record()
        return
    for case in CASES:
        if args.case is not None and case.name not in args.case:
            continue
        if args.instructions:
            argv = ["--case", case.name, "--rounds", "1", "--requests", str(args.requests)]
            per_request = callgrind.instructions(argv) / max(args.requests, 1)
            print(f"{case.name:<8} {per_request / 1e6:9.3f} M instructions/request (callgrind)")
        else:
            measure(case, args.rounds, args.requests, args.profile)


if __name__ == "__main__":
    main()
