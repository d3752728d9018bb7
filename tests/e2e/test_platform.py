"""End to end: clients talk to the gateway over HTTP; the gateway to the real subgraphs."""

from __future__ import annotations

import re
import uuid

import httpx
from tools.platform_runner import PlatformRunner

from tests.e2e.conftest import Client, token

CREATE = """
mutation Create($key: String!, $amount: Int!) {
  createPayment(input: {amount: $amount, currency: "EUR", description: "e2e"}, idempotencyKey: $key) {
    id status amount
  }
}"""
CAPTURE = "mutation($id: ID!, $key: String!) { capturePayment(id: $id, idempotencyKey: $key) { id status } }"
SCHEDULE = """
mutation($id: ID!, $key: String!) {
  scheduleDelivery(paymentId: $id, recipientName: "Ada Lovelace", idempotencyKey: $key,
                   address: {line1: "1 Main St", city: "Berlin", postalCode: "10115", country: "DE"}) {
    id status
  }
}"""
BOARD = """
query Board {
  deliveries(first: 50) {
    id
    status
    address { city }
    payment { id amount status shippable }
  }
}"""


async def _shipped_payment(gateway: Client, amount: int) -> tuple[str, str]:
    key = uuid.uuid4().hex
    created = await gateway(CREATE, key=key, amount=amount)
    payment_id = created["data"]["createPayment"]["id"]
    captured = await gateway(CAPTURE, id=payment_id, key=key + "c")
    assert captured["data"]["capturePayment"]["status"] == "CAPTURED"
    scheduled = await gateway(SCHEDULE, id=payment_id, key=key + "d")
    assert "errors" not in scheduled, scheduled
    return payment_id, scheduled["data"]["scheduleDelivery"]["id"]


async def test_a_query_joins_deliveries_and_their_payments_across_subgraphs(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    alice = Client(http, platform.url("gateway"), token("alice@example.com", "payments:write"))
    payment_id, delivery_id = await _shipped_payment(alice, 1234)

    board = await alice(BOARD)

    assert "errors" not in board, board
    mine = [d for d in board["data"]["deliveries"] if d["id"] == delivery_id]
    assert mine == [
        {
            "id": delivery_id,
            "status": "PENDING",
            "address": {"city": "Berlin"},
            "payment": {"id": payment_id, "amount": 1234, "status": "CAPTURED", "shippable": True},
        }
    ]


async def test_another_payer_sees_none_of_it(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    alice = Client(http, platform.url("gateway"), token("alice2@example.com", "payments:write"))
    _, delivery_id = await _shipped_payment(alice, 999)
    mallory = Client(http, platform.url("gateway"), token("mallory@example.com", "payments:write"))
    board = await mallory(BOARD)
    assert all(d["id"] != delivery_id for d in (board.get("data") or {}).get("deliveries") or [])


async def test_the_original_events_api_answers_through_the_gateway(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    anonymous = Client(http, platform.url("gateway"), None)
    saved = await anonymous(
        'mutation { saveEvent(email: "ops@example.com", environment: "test", component: "e2e",'
        ' message: "hello through the gateway", data: "{\\"k\\": 1}") { event { id message data } } }'
    )
    assert saved["data"]["saveEvent"]["event"]["message"] == "hello through the gateway"
    assert saved["data"]["saveEvent"]["event"]["data"] == '{"k": 1}'
    found = await anonymous('{ eventsByParameters(component: "e2e") { message } }')
    assert {"message": "hello through the gateway"} in found["data"]["eventsByParameters"]


async def test_bad_requests_get_coded_errors_from_the_gateway(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    url = platform.url("gateway")
    syntax = (await http.post(url, json={"query": "{ events {"})).json()
    assert syntax["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    unknown = (await http.post(url, json={"query": "{ nope }"})).json()
    assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    malformed = await http.post(
        url, content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert "Traceback" not in malformed.text


async def test_a_stopped_subgraph_leaves_the_rest_of_the_answer(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    alice = Client(http, platform.url("gateway"), token("alice3@example.com", "payments:write"))
    payment_id, _ = await _shipped_payment(alice, 555)
    query = (
        """query($id: ID!) { payment(id: $id) { id amount shippable } events(first: 1) { id } }"""
    )
    from tools.platform_runner import SUBGRAPHS

    delivery = next(s for s in SUBGRAPHS if s.name == "delivery")
    platform.stop("delivery")
    try:
        answer = await alice(query, id=payment_id)
    finally:
        platform.start(delivery)
    assert answer["data"]["payment"] is None or answer["data"]["payment"]["amount"] == 555
    assert isinstance(answer["data"]["events"], list)
    codes = {e["extensions"]["code"] for e in answer["errors"]}
    assert codes & {"SUBREQUEST_HTTP_ERROR", "SUBGRAPH_REQUEST_TIMEOUT"}, answer
    assert not re.search(r"127\.0\.0\.1:\d+", str(answer["errors"])), "internals leaked"


def _fetches_by_subgraph(metrics: str) -> dict[str, float]:
    counts: dict[str, float] = {}
    for match in re.finditer(
        r"^gateway_subgraph_fetch_duration_seconds_count\{([^}]*)\} ([0-9.e+]+)$", metrics, re.M
    ):
        graph = re.search(r'subgraph="([^"]+)"', match.group(1))
        assert graph is not None
        counts[graph.group(1)] = counts.get(graph.group(1), 0) + float(match.group(2))
    return counts


async def test_one_query_joins_three_subgraphs_with_one_fetch_per_entity_hop(
    platform: PlatformRunner, http: httpx.AsyncClient
) -> None:
    alice = Client(http, platform.url("gateway"), token("alice4@example.com", "payments:write"))
    payment_id, delivery_id = await _shipped_payment(alice, 4321)
    query = """query Trail($id: ID!) {
      delivery(id: $id) {
        id status
        payment { id amount status shippable events { message } }
      }
    }"""
    metrics_url = platform.url("gateway").removesuffix("/graphql") + "/metrics"
    before = _fetches_by_subgraph((await http.get(metrics_url)).text)

    answer = await alice(query, id=delivery_id)

    after = _fetches_by_subgraph((await http.get(metrics_url)).text)
    assert "errors" not in answer, answer
    delivery = answer["data"]["delivery"]
    assert delivery["id"] == delivery_id  # from delivery
    assert delivery["payment"]["amount"] == 4321  # from payments
    assert delivery["payment"]["shippable"] is True  # delivery again, @requires(status)
    assert isinstance(delivery["payment"]["events"], list)  # from events
    # delivery (root) → payments (amount, status) → delivery (shippable) ∥ events: four fetches,
    # one per subgraph hop, however many entities each carries.
    made = {graph: after.get(graph, 0) - before.get(graph, 0) for graph in after}
    assert made == {"delivery": 2, "payments": 1, "events": 1}, made
    assert payment_id == delivery["payment"]["id"]
