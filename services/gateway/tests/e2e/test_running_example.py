"""The design's running example end to end: ``query Board`` (§4.7) over delivery,
payments and events, with the plan shape of §5."""

from __future__ import annotations

from gwharness.gatewayapp import running_gateway
from gwharness.running_example import PLATFORM_SUPERGRAPH, platform_subgraphs

from gateway.operation import prepare_operation
from gateway.plan import display_plan
from gateway.planner import Planner
from gateway.supergraph import load_supergraph

BOARD = """query Board { deliveries { address payment { amountCents shippable events { message } } } }"""


async def test_the_board_query_of_the_design() -> None:
    async with running_gateway(PLATFORM_SUPERGRAPH, platform_subgraphs()) as gw:
        result = await gw.query(BOARD, operationName="Board")
        calls = {n: s.count for n, s in gw.subgraphs.items()}
        delivery_ops = gw.subgraphs["delivery"].requests
    captured = {"amountCents": 1200, "shippable": True,
                "events": [{"message": "created"}, {"message": "captured"}]}  # fmt: skip
    assert result == {
        "data": {
            "deliveries": [
                {"address": "1 Main St", "payment": captured},
                {
                    "address": "2 High St",
                    "payment": {
                        "amountCents": 550,
                        "shippable": False,
                        "events": [{"message": "created"}],
                    },
                },
                {"address": "3 Low Rd", "payment": captured},
            ]
        }
    }
    # delivery root, payments, delivery again for shippable (status required), events.
    assert calls == {"delivery": 2, "events": 1, "payments": 1}
    assert delivery_ops[1]["variables"]["representations"] == [
        {"__typename": "Payment", "id": "p1", "status": "CAPTURED"},
        {"__typename": "Payment", "id": "p2", "status": "PENDING"},
    ]
    assert delivery_ops[0]["operationName"] == "Board__delivery__0"


DESIGN_PLAN = """\
QueryPlan {
  Sequence {
    Fetch(service: "delivery") {
      {
        deliveries {
          address
          payment { __typename id }
        }
      }
    },
    Parallel {
      Sequence {
        Flatten(path: "deliveries.@.payment") {
          Fetch(service: "payments") {
            { ... on Payment { __typename id } } =>
            { ... on Payment { amountCents status } }
          },
        },
        Flatten(path: "deliveries.@.payment") {
          Fetch(service: "delivery") {
            { ... on Payment { __typename id status } } =>
            { ... on Payment { shippable } }
          },
        },
      },
      Flatten(path: "deliveries.@.payment") {
        Fetch(service: "events") {
          { ... on Payment { __typename id } } =>
          { ... on Payment { events { message } } }
        },
      },
    },
  },
}"""


def test_the_board_plan_is_the_plan_of_the_design() -> None:
    supergraph = load_supergraph(PLATFORM_SUPERGRAPH)
    plan = Planner(supergraph).build(prepare_operation(supergraph.api_schema, BOARD), frozenset())
    assert display_plan(plan).strip() == DESIGN_PLAN
