"""Planning with @inaccessible: hidden from clients, still usable by @requires."""

from __future__ import annotations

from textwrap import dedent

import pytest
from qpkit import plan, plan_text, supergraph

from gateway.operation import OperationValidationError

HIDDEN = supergraph(
    "payments risk",
    """
type Query @join__type(graph: PAYMENTS) @join__type(graph: RISK) {
  payment(id: ID!): Payment @join__field(graph: PAYMENTS)
}
type Payment @join__type(graph: PAYMENTS, key: "id") @join__type(graph: RISK, key: "id") {
  id: ID!
  cardToken: String
    @join__field(graph: PAYMENTS)
    @join__field(graph: RISK, external: true)
    @inaccessible
  riskScore: Int @join__field(graph: RISK, requires: "cardToken")
}
""",
)


def test_requires_may_read_an_inaccessible_field() -> None:
    """riskScore requires the hidden cardToken: the planner fetches it internally."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "payments") {
              {
                payment(id: 1) {
                  cardToken
                  __typename
                  id
                }
              }
            },
            Flatten(path: "payment") {
              Fetch(service: "risk") {
                { ... on Payment { __typename id cardToken } } =>
                { ... on Payment { riskScore } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(HIDDEN, "{ payment(id: 1) { riskScore } }") == expected


def test_clients_cannot_select_an_inaccessible_field() -> None:
    """The API schema does not have cardToken, so validation rejects it."""
    with pytest.raises(OperationValidationError) as info:
        plan(HIDDEN, "{ payment(id: 1) { cardToken } }")
    assert info.value.to_json()[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "cardToken" in info.value.to_json()[0]["message"]
