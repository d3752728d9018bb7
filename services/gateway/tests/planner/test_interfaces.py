"""Planning interfaces (§4.10): implementations in different graphs, per-graph `implements`,
interface fields that are @shareable, @external, @requires-d or @provides-d, entity interfaces.

What must hold: an interface field is kept at the interface only where every local
implementation answers it plainly; otherwise it is asked per implementation (those that
answer it stay in place) or, for an entity interface whose key every destination accepts,
with one jump on the interface's key. Type conditions a graph cannot return are never sent
to it (every fetch is validated against its subgraph's schema by ``plan``).
"""

from __future__ import annotations

from textwrap import dedent

from qpkit import composed, fetch_operations, plan_text, supergraph

ABS = supergraph(
    "shop extra",
    """
type Query @join__type(graph: SHOP) @join__type(graph: EXTRA) {
  items: [Item!]! @join__field(graph: SHOP)
}
interface Item @join__type(graph: SHOP) @join__type(graph: EXTRA) {
  id: ID!
  name: String
}
type Shoe implements Item
  @join__type(graph: SHOP, key: "id") @join__type(graph: EXTRA, key: "id")
  @join__implements(graph: SHOP, interface: "Item") @join__implements(graph: EXTRA, interface: "Item")
{
  id: ID!
  name: String
  size: Int @join__field(graph: EXTRA)
}
type Hat implements Item
  @join__type(graph: SHOP, key: "id")
  @join__implements(graph: SHOP, interface: "Item")
{
  id: ID!
  name: String @join__field(graph: SHOP)
}
""",
)


def test_interface_fields_in_one_graph_implementation_fields_in_another() -> None:
    """Item fields come from shop; Shoe.size from extra, for Shoe items only."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "shop") {
              {
                items {
                  __typename
                  id
                  name
                  ... on Shoe { __typename id }
                }
              }
            },
            Flatten(path: "items.@") {
              Fetch(service: "extra") {
                { ... on Shoe { __typename id } } =>
                { ... on Shoe { size } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(ABS, "{ items { id name ... on Shoe { size } } }") == expected


# Dog and Cat are defined by different graphs; a returns both (Cat as a shared entity).
PETS = composed(
    a="""
    type Query { pets: [Pet!]! }
    interface Pet { id: ID! name: String }
    type Dog implements Pet @key(fields: "id") { id: ID! name: String barks: Boolean }
    type Cat implements Pet @key(fields: "id") { id: ID! name: String @shareable }
    """,
    b="""
    type Query { cats: [Cat!]! }
    interface Pet { id: ID! name: String }
    type Cat implements Pet @key(fields: "id") { id: ID! name: String @shareable lives: Int }
    """,
)

# Book implements Product in catalog only; inventory knows Book as a plain entity.
SHOP = composed(
    catalog="""
    type Query { products: [Product!]! }
    interface Product { id: ID! name: String }
    type Book implements Product @key(fields: "id") { id: ID! name: String @shareable }
    type Pen implements Product @key(fields: "id") { id: ID! name: String @shareable }
    """,
    inventory="""
    type Query { book(id: ID!): Book cheap: [Product!]! }
    interface Product { id: ID! name: String }
    type Book @key(fields: "id") { id: ID! name: String @shareable stock: Int }
    type Pen implements Product @key(fields: "id") { id: ID! name: String @shareable }
    """,
)

# items is @shareable with different implementations per graph; Tool.label is @shareable.
SHARED = composed(
    a="""
    type Query { items: [Item!]! @shareable }
    interface Item { id: ID! label: String }
    type Tool implements Item @key(fields: "id") { id: ID! label: String @shareable }
    """,
    b="""
    type Query { items: [Item!]! @shareable }
    interface Item { id: ID! label: String }
    type Tool implements Item @key(fields: "id") { id: ID! label: String @shareable weight: Int }
    type Toy implements Item @key(fields: "id") { id: ID! label: String }
    """,
)

# The interface field tax is @external on Book in catalog; tax computes it with @requires.
TAX = composed(
    catalog="""
    type Query { products: [Product!]! }
    interface Product { id: ID! price: Int tax: Int }
    type Book implements Product @key(fields: "id") { id: ID! price: Int tax: Int @external }
    type Pen implements Product @key(fields: "id") { id: ID! price: Int tax: Int }
    """,
    tax="""
    type Book @key(fields: "id") {
      id: ID!
      price: Int @external
      tax: Int @requires(fields: "price")
    }
    """,
)

# deals provides the interface field name for Book only; Pen.name is external there.
DEALS = composed(
    catalog="""
    type Query { products: [Product!]! }
    interface Product { id: ID! name: String }
    type Book implements Product @key(fields: "id") { id: ID! name: String @shareable }
    type Pen implements Product @key(fields: "id") { id: ID! name: String @shareable }
    """,
    deals="""
    type Query { deals: [Deal!]! }
    type Deal { id: ID! product: Product @provides(fields: "... on Book { name }") }
    interface Product { id: ID! name: String }
    type Book implements Product @key(fields: "id") { id: ID! name: String @external }
    type Pen implements Product @key(fields: "id") {
      id: ID!
      name: String @external
      label: String @requires(fields: "name")
    }
    """,
)

# An entity interface (@key on the interface) real in two graphs, each adding a field.
ACCOUNTS = composed(
    a="""
    type Query { accounts: [Account!]! }
    interface Account @key(fields: "id") { id: ID! email: String }
    type User implements Account @key(fields: "id") { id: ID! email: String }
    type Bot implements Account @key(fields: "id") { id: ID! email: String owner: String }
    """,
    b="""
    type Query { account(id: ID!): Account }
    interface Account @key(fields: "id") { id: ID! lastSeen: String }
    type User implements Account @key(fields: "id") { id: ID! lastSeen: String }
    type Bot implements Account @key(fields: "id") { id: ID! lastSeen: String }
    """,
)


def test_implementations_defined_by_different_graphs() -> None:
    """a returns Dogs and Cats; only Cats jump to b, for the field b defines."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                pets {
                  __typename
                  id
                  name
                  ... on Dog { barks }
                  ... on Cat { __typename id }
                }
              }
            },
            Flatten(path: "pets.@") {
              Fetch(service: "b") {
                { ... on Cat { __typename id } } =>
                { ... on Cat { lives } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ pets { id name ... on Dog { barks } ... on Cat { lives } } }"
    assert plan_text(PETS, query) == expected


def test_the_interface_field_is_answered_where_the_list_is() -> None:
    """name is an interface field in a: no jump, no split."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              pets { __typename name }
            }
          },
        }
        """
    ).strip()
    query = "{ pets { name } }"
    assert plan_text(PETS, query) == expected


def test_an_implementation_field_alone_keeps_only_that_member() -> None:
    """Only ... on Cat reaches the fetches: Dogs get {} from __typename alone."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                pets {
                  __typename
                  ... on Cat { __typename id }
                }
              }
            },
            Flatten(path: "pets.@") {
              Fetch(service: "b") {
                { ... on Cat { __typename id } } =>
                { ... on Cat { lives } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ pets { ... on Cat { lives } } }"
    assert plan_text(PETS, query) == expected


def test_a_type_condition_on_the_interface_at_an_object_position_is_inlined() -> None:
    """cats are Cats: ... on Pet needs no type condition in b's fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              cats { lives name }
            }
          },
        }
        """
    ).strip()
    query = "{ cats { lives ... on Pet { name } } }"
    assert plan_text(PETS, query) == expected


def test_a_type_not_implementing_the_interface_in_this_graph_gets_plain_fields() -> None:
    """inventory's Book is no Product: ... on Product is spliced, its fields asked plainly."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "inventory") {
            {
              book(id: 1) { stock name }
            }
          },
        }
        """
    ).strip()
    query = "{ book(id: 1) { stock ... on Product { name } } }"
    assert plan_text(SHOP, query) == expected


def test_an_implementation_the_graph_does_not_declare_is_never_sent_to_it() -> None:
    """inventory's cheap cannot return a Book: that type condition is dropped."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "inventory") {
            {
              cheap { __typename name }
            }
          },
        }
        """
    ).strip()
    query = "{ cheap { name ... on Book { stock } } }"
    assert plan_text(SHOP, query) == expected


def test_an_implementation_jumps_to_a_graph_where_it_implements_nothing() -> None:
    """catalog's Books jump to inventory, which knows Book as a plain entity."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  name
                  ... on Book { __typename id }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "inventory") {
                { ... on Book { __typename id } } =>
                { ... on Book { stock } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ products { name ... on Book { stock } } }"
    assert plan_text(SHOP, query) == expected


def test_a_shareable_list_goes_to_the_graph_that_can_return_the_members_asked() -> None:
    """Only b can return a Toy, so b answers items."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              items {
                __typename
                label
                ... on Toy { id }
              }
            }
          },
        }
        """
    ).strip()
    query = "{ items { label ... on Toy { id } } }"
    assert plan_text(SHARED, query) == expected


def test_a_shareable_list_without_type_conditions_goes_to_the_first_graph() -> None:
    """label is an interface field everywhere; ties go to declaration order."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "a") {
            {
              items { __typename label }
            }
          },
        }
        """
    ).strip()
    query = "{ items { label } }"
    assert plan_text(SHARED, query) == expected


def test_a_shareable_interface_field_stays_in_the_graph_of_the_list() -> None:
    """weight is b's; label is answered by b too (shareable), in the same fetch."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "b") {
            {
              items {
                __typename
                label
                ... on Tool { weight }
              }
            }
          },
        }
        """
    ).strip()
    query = "{ items { label ... on Tool { weight } } }"
    assert plan_text(SHARED, query) == expected


def test_an_external_interface_field_is_asked_per_implementation() -> None:
    """Pen answers tax in catalog; Book's is external there and is computed by tax."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  id
                  ... on Book {
                    price
                    __typename
                    id
                  }
                  ... on Pen { tax }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "tax") {
                { ... on Book { __typename id price } } =>
                { ... on Book { tax } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ products { id tax } }"
    assert plan_text(TAX, query) == expected


def test_a_requires_on_an_implementation_collects_the_requirement_in_place() -> None:
    """Book's price comes with the catalog fetch; only Books are sent to tax."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "catalog") {
              {
                products {
                  __typename
                  price
                  ... on Book {
                    price
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "products.@") {
              Fetch(service: "tax") {
                { ... on Book { __typename id price } } =>
                { ... on Book { tax } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ products { price ... on Book { tax } } }"
    assert plan_text(TAX, query) == expected


def test_a_provided_interface_field_is_read_on_the_providing_path() -> None:
    """deals provides Book.name: Books need no jump; Pens fetch name from catalog."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "deals") {
              {
                deals {
                  product {
                    __typename
                    ... on Book { name }
                    ... on Pen { __typename id }
                  }
                }
              }
            },
            Flatten(path: "deals.@.product") {
              Fetch(service: "catalog") {
                { ... on Pen { __typename id } } =>
                { ... on Pen { name } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ deals { product { name } } }"
    assert plan_text(DEALS, query) == expected


def test_a_provided_field_is_not_used_off_its_path() -> None:
    """products come from catalog, which resolves name itself."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "catalog") {
            {
              products { __typename name }
            }
          },
        }
        """
    ).strip()
    query = "{ products { name } }"
    assert plan_text(DEALS, query) == expected


def test_requires_on_an_implementation_behind_a_provided_interface() -> None:
    """Pen.label needs Pen.name, which deals does not provide: catalog, then deals."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "deals") {
              {
                deals {
                  product {
                    __typename
                    ... on Pen { __typename id }
                  }
                }
              }
            },
            Flatten(path: "deals.@.product") {
              Fetch(service: "catalog") {
                { ... on Pen { __typename id } } =>
                { ... on Pen { name } }
              },
            },
            Flatten(path: "deals.@.product") {
              Fetch(service: "deals") {
                { ... on Pen { __typename id name } } =>
                { ... on Pen { label } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ deals { product { ... on Pen { label } } } }"
    assert plan_text(DEALS, query) == expected


def test_an_entity_interface_jumps_on_its_own_key() -> None:
    """b knows every implementation: one ... on Account jump, not one per type."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "a") {
              {
                accounts {
                  __typename
                  email
                  id
                }
              }
            },
            Flatten(path: "accounts.@") {
              Fetch(service: "b") {
                { ... on Account { __typename id } } =>
                { ... on Account { lastSeen } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ accounts { email lastSeen } }"
    assert plan_text(ACCOUNTS, query) == expected


def test_an_entity_interface_jumps_back() -> None:
    """From b's account to a for email, on the interface key as well."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                account(id: 1) {
                  __typename
                  lastSeen
                  id
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "a") {
                { ... on Account { __typename id } } =>
                { ... on Account { email } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ account(id: 1) { lastSeen email } }"
    assert plan_text(ACCOUNTS, query) == expected


def test_an_implementation_field_behind_an_entity_interface_jumps_per_type() -> None:
    """owner is Bot's own field in a: only Bots are sent."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "b") {
              {
                account(id: 1) {
                  __typename
                  ... on Bot { __typename id }
                }
              }
            },
            Flatten(path: "account") {
              Fetch(service: "a") {
                { ... on Bot { __typename id } } =>
                { ... on Bot { owner } }
              },
            },
          },
        }
        """
    ).strip()
    query = "{ account(id: 1) { ... on Bot { owner } } }"
    assert plan_text(ACCOUNTS, query) == expected


def test_no_fetch_names_a_member_the_client_did_not_ask_for() -> None:
    """Dog is never mentioned: the client asked about Cats only."""
    operations = fetch_operations(PETS, "{ pets { ... on Cat { lives } } }")
    assert [service for service, _ in operations] == ["a", "b"]
    assert not [op for _, op in operations if "Dog" in op]


def test_the_interface_key_jump_sends_one_fragment_whatever_the_implementations() -> None:
    """The b fetch selects on Account only, never on User or Bot."""
    [(_, first), (service, second)] = fetch_operations(ACCOUNTS, "{ accounts { lastSeen } }")
    assert service == "b"
    assert "... on Account" in second
    assert "User" not in first + second
    assert "Bot" not in first + second
