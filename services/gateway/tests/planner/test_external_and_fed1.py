"""Planning Fed1 supergraphs (join v0.1): @join__owner, implicit externals, value types."""

from __future__ import annotations

from textwrap import dedent

from qpkit import fixture, plan_text

FED1 = fixture("fed1.graphql")


def test_owner_fields_and_extension_fields() -> None:
    """name belongs to the owner (accounts); reviews to the extending graph."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "accounts") {
              {
                me {
                  name
                  __typename
                  id
                }
              }
            },
            Flatten(path: "me") {
              Fetch(service: "reviews") {
                { ... on User { __typename id } } =>
                {
                  ... on User {
                    reviews {
                      body
                      author {
                        username
                        __typename
                        id
                      }
                    }
                  }
                }
              },
            },
            Flatten(path: "me.reviews.@.author") {
              Fetch(service: "accounts") {
                { ... on User { __typename id } } =>
                { ... on User { name } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(FED1, "{ me { name reviews { body author { username name } } } }") == expected


def test_value_types_and_implicit_externals() -> None:
    """Meta has no @join__type yet lives in reviews; loud requires the owner's name."""
    expected = dedent(
        """\
        QueryPlan {
          Sequence {
            Fetch(service: "reviews") {
              {
                topReviews {
                  meta { score }
                  author {
                    username
                    __typename
                    id
                  }
                }
              }
            },
            Flatten(path: "topReviews.@.author") {
              Fetch(service: "accounts") {
                { ... on User { __typename id } } =>
                { ... on User { name } }
              },
            },
            Flatten(path: "topReviews.@.author") {
              Fetch(service: "reviews") {
                { ... on User { __typename id name } } =>
                { ... on User { loud } }
              },
            },
          },
        }
        """
    ).strip()
    assert plan_text(FED1, "{ topReviews { meta { score } author { username loud } } }") == expected


def test_key_fields_are_local_in_the_extending_graph() -> None:
    """Key fields are never external: reviews answers author.id itself."""
    expected = dedent(
        """\
        QueryPlan {
          Fetch(service: "reviews") {
            {
              topReviews { author { id } }
            }
          },
        }
        """
    ).strip()
    assert plan_text(FED1, "{ topReviews { author { id } } }") == expected
