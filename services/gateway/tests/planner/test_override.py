"""Planning @override: full override, usedOverridden and progressive override labels."""

from __future__ import annotations

from textwrap import dedent

from qpkit import plan_text, supergraph

ACCOUNTS = supergraph(
    "old new",
    """
type Query @join__type(graph: OLD) @join__type(graph: NEW) {
  accounts: [Account!]! @join__field(graph: OLD)
}
type Account @join__type(graph: OLD, key: "id") @join__type(graph: NEW, key: "id") {
  id: ID!
  balance: Int
    @join__field(graph: OLD, overrideLabel: "percent(10)")
    @join__field(graph: NEW, override: "old", overrideLabel: "percent(10)")
  owner: String
    @join__field(graph: OLD, usedOverridden: true)
    @join__field(graph: NEW, override: "old")
  plan: String @join__field(graph: NEW, override: "old")
}
""",
)


def test_every_label_is_on_by_default() -> None:
    """With the default label set, balance moves to new like owner."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "old") {
              {
                accounts { __typename id }
              }
            },
            Flatten(path: "accounts.@") {
              Fetch(service: "new") {
                { ... on Account { __typename id } } =>
                { ... on Account { balance owner } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(ACCOUNTS, "{ accounts { balance owner } }") == expected


def test_a_label_switched_off_keeps_the_old_graph() -> None:
    """Without percent(10), old keeps balance; owner is fully overridden."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "old") {
              {
                accounts {
                  balance
                  __typename
                  id
                }
              }
            },
            Flatten(path: "accounts.@") {
              Fetch(service: "new") {
                { ... on Account { __typename id } } =>
                { ... on Account { owner } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(ACCOUNTS, "{ accounts { balance owner } }", labels=frozenset()) == expected


def test_a_full_override_without_trace_in_the_old_graph() -> None:
    """plan exists only in new."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "old") {
              {
                accounts { __typename id }
              }
            },
            Flatten(path: "accounts.@") {
              Fetch(service: "new") {
                { ... on Account { __typename id } } =>
                { ... on Account { plan } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(ACCOUNTS, "{ accounts { plan } }") == expected
