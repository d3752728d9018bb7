"""Planning @requires: post-requires steps, arguments, chains, conditions."""

from __future__ import annotations

from textwrap import dedent

from qpkit import fixture, plan, plan_text, supergraph

from gateway.plan import MISSING, project
from gateway.planner import iter_fetches

PLATFORM = fixture("platform.graphql")

SHOP = supergraph(
    "inventory pricing shipping",
    """
type Query
  @join__type(graph: INVENTORY) @join__type(graph: PRICING) @join__type(graph: SHIPPING)
{
  items: [Item!]! @join__field(graph: INVENTORY)
}
type Item
  @join__type(graph: INVENTORY, key: "id")
  @join__type(graph: PRICING, key: "id")
  @join__type(graph: SHIPPING, key: "id")
{
  id: ID!
  weight: Int @join__field(graph: INVENTORY) @join__field(graph: SHIPPING, external: true)
  price(currency: String = "USD"): Int
    @join__field(graph: PRICING)
    @join__field(graph: SHIPPING, external: true)
  size: Int @join__field(graph: PRICING) @join__field(graph: SHIPPING, external: true)
  shippingCost: Int
    @join__field(graph: SHIPPING, requires: "weight price(currency: \\"EUR\\")")
  insurance: Int
    @join__field(graph: PRICING, requires: "shippingCost")
    @join__field(graph: SHIPPING, external: true)
  label: String @join__field(graph: SHIPPING, requires: "size")
}
""",
)


def test_the_design_example_plan() -> None:
    """The running example of the design (§4.7, §5), byte for byte."""
    expected = dedent(
        """\
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
        }
        """
    ).strip()
    query = (
        "query Board { deliveries { address payment { amountCents shippable "
        "events { message } } } }"
    )
    assert plan_text(PLATFORM, query) == expected


def test_requirements_from_two_graphs_with_arguments() -> None:
    """weight comes from inventory, price(currency: EUR) from pricing, exactly as written."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "inventory") {
              {
                items {
                  weight
                  __typename
                  id
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "pricing") {
                { ... on Item { __typename id } } =>
                { ... on Item { price(currency: "EUR") } }
              },
            },
            Flatten(path: "items.@") {
              Fetch(service: "shipping") {
                { ... on Item { __typename id weight price } } =>
                { ... on Item { shippingCost } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(SHOP, "{ items { shippingCost } }") == expected


def test_a_required_argument_conflicting_with_the_client_is_aliased() -> None:
    """The client's price and the required price(EUR) share a fetch; the internal one is aliased."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "inventory") {
              {
                items {
                  __typename
                  id
                  weight
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "pricing") {
                { ... on Item { __typename id } } =>
                { ... on Item { price _qp0_price: price(currency: "EUR") } }
              },
            },
            Flatten(path: "items.@") {
              Fetch(service: "shipping") {
                { ... on Item { __typename id weight price } } =>
                { ... on Item { shippingCost } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(SHOP, "{ items { price shippingCost } }") == expected


def test_a_three_level_requires_chain() -> None:
    """insurance requires shippingCost, which requires weight and price."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "inventory") {
              {
                items {
                  weight
                  __typename
                  id
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "pricing") {
                { ... on Item { __typename id } } =>
                { ... on Item { price(currency: "EUR") } }
              },
            },
            Flatten(path: "items.@") {
              Fetch(service: "shipping") {
                { ... on Item { __typename id weight price } } =>
                { ... on Item { shippingCost } }
              },
            },
            Flatten(path: "items.@") {
              Fetch(service: "pricing") {
                { ... on Item { __typename id shippingCost } } =>
                { ... on Item { insurance } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(SHOP, "{ items { insurance } }") == expected


def test_requires_under_include_are_conditioned() -> None:
    """With @include($v) false nothing beyond the root fetch runs."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "inventory") {
              {
                items {
                  weight
                  __typename
                  id
                }
              }
            },
            Include(if: $v) {
              Sequence {
                Flatten(path: "items.@") {
                  Fetch(service: "pricing") {
                    { ... on Item { __typename id } } =>
                    { ... on Item { price(currency: "EUR") } }
                  },
                },
                Flatten(path: "items.@") {
                  Fetch(service: "shipping") {
                    { ... on Item { __typename id weight price } } =>
                    { ... on Item { shippingCost } }
                  },
                },
              },
            },
          },
        }
        """
    ).strip()
    query = "query ($v: Boolean!) { items { weight shippingCost @include(if: $v) } }"
    assert plan_text(SHOP, query) == expected


def test_two_requiring_fields_share_one_post_requires_step() -> None:
    """label and shippingCost share one shipping step; their requirements one pricing step."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "inventory") {
              {
                items {
                  __typename
                  id
                  weight
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "pricing") {
                { ... on Item { __typename id } } =>
                { ... on Item { size price(currency: "EUR") } }
              },
            },
            Flatten(path: "items.@") {
              Fetch(service: "shipping") {
                { ... on Item { __typename id size weight price } } =>
                { ... on Item { label shippingCost } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(SHOP, "{ items { label shippingCost } }") == expected


def test_the_aliased_requirement_is_read_from_the_alias_and_sent_under_its_name() -> None:
    """The representation reads _qp0_price from the data and sends it as price."""
    fetches = list(iter_fetches(plan(SHOP, "{ items { price shippingCost } }")))
    pricing, shipping = fetches[1], fetches[2]
    assert pricing.internal_aliases == ((("_qp0_price",), "price"),)
    assert shipping.requires is not None
    fields = shipping.requires.fragments[0].fields
    assert [(f.key, f.source) for f in fields] == [
        ("__typename", "__typename"),
        ("id", "id"),
        ("weight", "weight"),
        ("price", "_qp0_price"),
    ]
    entity = {"__typename": "Item", "id": "1", "weight": 3, "price": 10, "_qp0_price": 9}
    assert project(shipping.requires, entity) == {
        "__typename": "Item",
        "id": "1",
        "weight": 3,
        "price": 9,
    }


def test_a_nullable_requirement_that_is_null_is_sent_as_null() -> None:
    """weight is nullable: null is sent; a missing weight (failed producer) drops the entity."""
    shipping = list(iter_fetches(plan(SHOP, "{ items { shippingCost } }")))[2]
    assert shipping.requires is not None
    entity = {"__typename": "Item", "id": "1", "weight": None, "price": 9}
    assert project(shipping.requires, entity) == entity
    assert project(shipping.requires, {"__typename": "Item", "id": "1", "price": 9}) is MISSING


BRIDGE = supergraph(
    "depot fleet tracking",
    """
type Query
  @join__type(graph: DEPOT) @join__type(graph: FLEET) @join__type(graph: TRACKING)
{
  shipments: [Shipment!]! @join__field(graph: DEPOT)
}
type Shipment
  @join__type(graph: DEPOT, key: "id")
  @join__type(graph: FLEET, key: "id")
  @join__type(graph: FLEET, key: "trackingNo")
  @join__type(graph: TRACKING, key: "trackingNo")
{
  id: ID! @join__field(graph: DEPOT) @join__field(graph: FLEET)
  trackingNo: String! @join__field(graph: FLEET) @join__field(graph: TRACKING)
  weightKg: Float @join__field(graph: DEPOT) @join__field(graph: TRACKING, external: true)
  eta: String @join__field(graph: TRACKING, requires: "weightKg")
}
""",
)


def test_a_requirement_is_collected_where_the_entity_is_first_reached() -> None:
    """tracking's key comes through fleet, but weightKg comes with the depot root fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "depot") {
              {
                shipments {
                  __typename
                  id
                  weightKg
                }
              }
            },
            Flatten(path: "shipments.@") {
              Fetch(service: "fleet") {
                { ... on Shipment { __typename id } } =>
                { ... on Shipment { __typename trackingNo } }
              },
            },
            Flatten(path: "shipments.@") {
              Fetch(service: "tracking") {
                { ... on Shipment { __typename trackingNo weightKg } } =>
                { ... on Shipment { eta } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(BRIDGE, "{ shipments { eta } }") == expected


def test_a_requirement_never_takes_a_key_the_client_uses_later_at_that_path() -> None:
    """Two items selections (by their conditions): the second asks price (USD), so the
    EUR requirement is aliased in both branches, never merged into the client's price."""
    query = (
        "query ($v: Boolean!, $w: Boolean!) { items @skip(if: $w) { b: price insurance } "
        "items @include(if: $v) { insurance price } }"
    )
    pricing = [f.operation for f in iter_fetches(plan(SHOP, query)) if "EUR" in f.operation]
    assert len(pricing) == 2
    for op in pricing:
        assert '_qp0_price: price(currency: "EUR")' in op
    assert " price _qp0_price" in pricing[1]  # the client's own price, unaliased
