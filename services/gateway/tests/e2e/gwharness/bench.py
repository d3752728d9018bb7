"""Gateway micro-benchmarks over in-process subgraphs (no network): prints numbers.

Run: ``uv run python services/gateway/tests/e2e/gwharness/bench.py [seconds]``.
Each case runs sequentially for the given time and reports requests per second,
the mean latency and the CPU time per request (gateway, in-process subgraphs and
the test client together); the "large list" case measures merge plus shaping of one
big entity list, which dominates real workloads (design §7).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gwharness.gatewayapp import GatewayClient, running_gateway
from gwharness.sdl import join_v03
from gwharness.shop import SHOP_SUPERGRAPH, shop_subgraphs
from gwharness.subgraph import Subgraph

LIST_SIZE = 2000
BIG = join_v03(
    ["a", "b"],
    """
type Query @join__type(graph: A) @join__type(graph: B) { things: [Thing!]! @join__field(graph: A) }
type Thing @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
  id: ID!
  name: String! @join__field(graph: A)
  score: Int @join__field(graph: A)
  tag: String @join__field(graph: B)
}
""",
)


def big_subgraphs() -> list[Subgraph]:
    rows: list[dict[str, Any]] = [
        {"id": str(i), "name": f"thing {i}", "score": i} for i in range(LIST_SIZE)
    ]
    a = Subgraph(
        "a",
        'type Thing @key(fields: "id") { id: ID! name: String! score: Int }'
        " type Query { things: [Thing!]! }",
        resolvers={"Query": {"things": lambda _p: rows}},
    )
    b = Subgraph(
        "b",
        'type Thing @key(fields: "id") { id: ID! tag: String }',
        entities={"Thing": lambda r: {"id": r["id"], "tag": "t" + r["id"]}},
    )
    # Precomputed answers: measure the gateway, not graphql-core in the subgraphs.
    a.fixed_body = _json({"data": {"things": [{**r, "__typename": "Thing"} for r in rows]}})
    b.fixed_body = _json({"data": {"_entities": [{"tag": "t" + r["id"]} for r in rows]}})
    return [a, b]


def _json(value: Any) -> bytes:
    import orjson

    return orjson.dumps(value)


async def _measure(name: str, gw: GatewayClient, query: str, seconds: float) -> None:
    await gw.query(query)  # warm the caches
    n = 0
    started = time.perf_counter()
    cpu = time.process_time()
    while time.perf_counter() - started < seconds:
        await gw.query(query)
        n += 1
    elapsed = time.perf_counter() - started
    cpu_ms = 1000 * (time.process_time() - cpu) / n
    # CPU time per request is the number to compare on a shared, loaded machine.
    print(  # noqa: T201
        f"{name:<40} {n / elapsed:8.1f} req/s  {1000 * elapsed / n:7.2f} ms/req  "
        f"{cpu_ms:7.2f} ms CPU/req"
    )


async def main(seconds: float) -> None:
    async with running_gateway(SHOP_SUPERGRAPH, shop_subgraphs()) as gw:
        await _measure("shop: one subgraph", gw, "{ me { name } }", seconds)
        await _measure(
            "shop: 4 subgraphs, requires + chain",
            gw,
            "{ topProducts { name shippingEstimate reviews { body author { name } } } }",
            seconds,
        )
    async with running_gateway(BIG, big_subgraphs()) as gw:
        await _measure(
            f"large list: {LIST_SIZE} entities, 2 fetches",
            gw,
            "{ things { name score tag } }",
            seconds,
        )


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0))
