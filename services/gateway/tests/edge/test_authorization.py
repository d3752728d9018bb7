"""Authorization from @authenticated / @requiresScopes / @policy (Apollo router semantics)."""

from __future__ import annotations

from typing import Any

import pytest
from edge_fixtures import SUPERGRAPH_SDL
from graphql import GraphQLSchema, parse, print_ast, validate

from gateway.edge.auth_rules import AuthorizationRules, Requirement, claims_policy_evaluator
from gateway.edge.authorization import AuthorizationResult, authorize
from gateway.edge.errors import UnauthorizedOperation
from gateway.edge.nulls import restore_nulls
from servicekit.auth import Principal


@pytest.fixture(scope="module")
def rules() -> AuthorizationRules:
    return AuthorizationRules.from_supergraph_sdl(SUPERGRAPH_SDL)


def user(*scopes: str, **claims: Any) -> Principal:
    return Principal(subject="u1", scopes=frozenset(scopes), claims=claims)


def run(
    schema: GraphQLSchema,
    rules: AuthorizationRules,
    query: str,
    principal: Principal | None = None,
    **kw: Any,
) -> AuthorizationResult:
    granted = claims_policy_evaluator(principal, rules.policy_names)
    result = authorize(
        parse(query), schema=schema, rules=rules, principal=principal, granted_policies=granted,
        **kw,
    )  # fmt: skip
    if result.document is not None:
        assert validate(schema, result.document) == []  # the planner gets a valid operation
    return result


def text(result: AuthorizationResult) -> str:
    assert result.document is not None
    return " ".join(print_ast(result.document).split())


def paths(result: AuthorizationResult) -> list[list[str]]:
    assert all(e["extensions"]["code"] == "UNAUTHORIZED_FIELD_OR_TYPE" for e in result.errors)
    assert all(e["message"] == "Unauthorized field or type" for e in result.errors)
    return [e["path"] for e in result.errors]


def test_rules_are_read_from_the_supergraph(rules: AuthorizationRules) -> None:
    assert rules.fields[("Query", "me")] == Requirement(authenticated=True)
    assert rules.fields[("User", "email")] == Requirement(
        scopes=((frozenset({"read:email"}), frozenset({"admin"})),)
    )
    assert rules.fields[("User", "secret")] == Requirement(policies=((frozenset({"owner"}),),))
    assert rules.types["PrivatePost"] == Requirement(authenticated=True)
    assert rules.types["Profile"] == Requirement(
        scopes=((frozenset({"read:profile", "read:users"}),),)
    )
    assert rules.policy_names == {"owner"}


def test_renamed_directives_are_followed() -> None:
    sdl = """
    schema @link(url: "https://specs.apollo.dev/link/v1.0")
      @link(url: "https://specs.apollo.dev/authenticated/v0.1",
            import: [{name: "@authenticated", as: "@loggedIn"}])
      @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", as: "scoped")
    { query: Query }
    directive @link(url: String, as: String, for: String, import: [Import]) repeatable on SCHEMA
    directive @loggedIn on FIELD_DEFINITION
    directive @scoped(scopes: [[String!]!]!) on FIELD_DEFINITION
    scalar Import
    type Query { a: Int @loggedIn b: Int @scoped(scopes: [["x"]]) c: Int @authenticated }
    """
    rules = AuthorizationRules.from_supergraph_sdl(sdl)
    assert rules.fields == {
        ("Query", "a"): Requirement(authenticated=True),
        ("Query", "b"): Requirement(scopes=((frozenset({"x"}),),)),
    }


def test_anonymous_callers_lose_authenticated_fields_and_get_nulls_in_client_order(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    result = run(api_schema, rules, "{ me { name } hello }")
    assert text(result) == "{ hello }"
    assert paths(result) == [["me"]]
    # the shaped response of the filtered operation gets the removed field back as null
    assert list(restore_nulls({"hello": "hi"}, result.nulls) or {}) == ["me", "hello"]
    assert restore_nulls({"hello": "hi"}, result.nulls) == {"me": None, "hello": "hi"}


def test_an_authenticated_caller_runs_the_document_unchanged(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    doc = parse("{ me { name } hello }")
    result = authorize(doc, schema=api_schema, rules=rules, principal=user())
    assert result.document is doc
    assert not result.changed
    assert result.errors == ()


def test_scopes_are_an_or_of_ands(api_schema: GraphQLSchema, rules: AuthorizationRules) -> None:
    query = "{ users { name email } }"
    only_users = run(api_schema, rules, query, user("read:users"))
    assert text(only_users) == "{ users { name } }"
    assert paths(only_users) == [["users", "@", "email"]]
    assert not run(api_schema, rules, query, user("read:users", "read:email")).changed
    assert not run(api_schema, rules, query, user("read:users", "admin")).changed
    nothing = run(api_schema, rules, query, user())
    assert nothing.document is None
    assert paths(nothing) == [["users"]]


def test_nulls_go_into_every_list_item(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    result = run(api_schema, rules, "{ users { name email } }", user("read:users"))
    data = {"users": [{"name": "a"}, {"name": "b"}]}
    assert restore_nulls(data, result.nulls) == {
        "users": [{"name": "a", "email": None}, {"name": "b", "email": None}]
    }


def test_type_requirements_apply_to_fields_returning_the_type(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    query = "{ user(id: 1) { id profile { bio } } }"
    half = run(api_schema, rules, query, user("read:profile"))
    assert text(half) == "{ user(id: 1) { id } }"
    assert paths(half) == [["user", "profile"]]
    assert not run(api_schema, rules, query, user("read:profile", "read:users")).changed


def test_a_removed_non_null_field_nulls_its_nearest_nullable_parent(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    result = run(api_schema, rules, "{ user(id: 1) { id secret } hello }", user())
    assert text(result) == "{ user(id: 1) { id } hello }"
    assert paths(result) == [["user", "secret"]]
    data = {"user": {"id": "1"}, "hello": "hi"}
    assert restore_nulls(data, result.nulls) == {"user": None, "hello": "hi"}


def test_policies_are_granted_from_claims(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    query = "{ user(id: 1) { id secret } }"
    assert not run(api_schema, rules, query, user(owner=True)).changed
    assert run(api_schema, rules, query, user(owner=False)).changed
    assert claims_policy_evaluator(user(roles=["support", "x"]), frozenset({"roles:support"})) == {
        "roles:support"
    }
    assert claims_policy_evaluator(user(kind="staff"), frozenset({"kind:user"})) == frozenset()
    assert claims_policy_evaluator(None, frozenset({"owner"})) == frozenset()


def test_a_null_reaching_the_root_makes_data_null(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    # posts: [Post!]! on the interface; PrivatePost needs authentication, so fields selected
    # on the interface need it too, the whole field goes and its non-null null hits the root
    result = run(api_schema, rules, "{ posts { id title } hello }")
    assert text(result) == "{ hello }"
    assert paths(result) == [["posts"]]
    assert restore_nulls({"hello": "hi"}, result.nulls) is None


def test_fragments_on_unauthorized_implementations_are_removed(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    query = """{ posts {
        ... on PublicPost { id title }
        ... on PrivatePost { id title }
    } }"""
    result = run(api_schema, rules, query)
    assert text(result) == "{ posts { ... on PublicPost { id title } } }"
    assert paths(result) == [["posts", "@", "... on PrivatePost"]]
    assert not run(api_schema, rules, query, user()).changed


def test_removed_fields_under_a_narrower_type_use_the_runtime_type(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    result = run(api_schema, rules, "{ posts { ... on PublicPost { title views } } }")
    assert text(result) == ("{ posts { ... on PublicPost { title } _authz_typename: __typename } }")
    assert paths(result) == [["posts", "@", "views"]]
    shaped = {
        "posts": [
            {"title": "a", "_authz_typename": "PublicPost"},
            {"_authz_typename": "PrivatePost"},
        ]
    }
    assert restore_nulls(shaped, result.nulls) == {"posts": [{"title": "a", "views": None}, {}]}


def test_the_clients_own_typename_is_used_and_kept(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    result = run(api_schema, rules, "{ posts { kind: __typename ... on PublicPost { views } } }")
    assert text(result) == "{ posts { kind: __typename } }"
    shaped = {"posts": [{"kind": "PublicPost"}, {"kind": "PrivatePost"}]}
    assert restore_nulls(shaped, result.nulls) == {
        "posts": [{"kind": "PublicPost", "views": None}, {"kind": "PrivatePost"}]
    }


def test_named_fragments_are_filtered_once_and_reported_at_every_spread(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    query = """
    { a: user(id: 1) { ...U } b: user(id: 2) { id ...U } }
    fragment U on User { name email }
    """
    result = run(api_schema, rules, query, user())
    assert text(result) == (
        "{ a: user(id: 1) { ...U } b: user(id: 2) { id ...U } } fragment U on User { name }"
    )
    assert paths(result) == [["a", "email"], ["b", "email"]]
    data = {"a": {"name": "x"}, "b": {"id": "2", "name": "y"}}
    assert restore_nulls(data, result.nulls) == {
        "a": {"name": "x", "email": None},
        "b": {"id": "2", "name": "y", "email": None},
    }


def test_fragments_no_longer_spread_are_dropped(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    result = run(api_schema, rules, "{ me { ...M } hello } fragment M on User { id }")
    assert text(result) == "{ hello }"


def test_the_whole_operation_removed_leaves_nothing_to_plan(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    result = run(api_schema, rules, "query Me { me { id } }")
    assert result.document is None
    assert restore_nulls({}, result.nulls) == {"me": None}


def test_mutations_are_filtered_too(api_schema: GraphQLSchema, rules: AuthorizationRules) -> None:
    result = run(api_schema, rules, 'mutation { deletePost(id: 1) createPost(title: "t") { id } }')
    assert text(result) == 'mutation { createPost(title: "t") { id } }'
    assert paths(result) == [["deletePost"]]


def test_reject_mode_refuses_the_whole_request(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    with pytest.raises(UnauthorizedOperation) as err:
        run(api_schema, rules, "{ me { id } users { email } }", reject_unauthorized=True)
    assert err.value.to_json()["extensions"] == {
        "code": "UNAUTHORIZED_FIELD_OR_TYPE",
        "paths": [["me"], ["users"]],
    }


def test_introspection_and_typename_are_never_filtered(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    assert not run(api_schema, rules, "{ __typename __schema { queryType { name } } }").changed


def test_errors_are_capped(api_schema: GraphQLSchema, rules: AuthorizationRules) -> None:
    query = "{ " + " ".join(f"m{i}: me {{ id }}" for i in range(50)) + " hello }"
    result = run(api_schema, rules, query, max_errors=10)
    assert len(result.errors) == 10
    assert text(result) == "{ hello }"


def test_the_fingerprint_keeps_only_what_filtering_reads(rules: AuthorizationRules) -> None:
    assert rules.fingerprint(None, frozenset()) == (False, frozenset(), frozenset())
    assert rules.fingerprint(user("read:users", "unrelated"), frozenset({"owner"})) == (
        True,
        frozenset({"read:users"}),
        frozenset({"owner"}),
    )


def test_a_schema_without_auth_specs_enforces_nothing(api_schema: GraphQLSchema) -> None:
    rules = AuthorizationRules.from_supergraph_sdl("type Query { me: Int }")
    assert not rules
    doc = parse("{ me { id } }")
    assert authorize(doc, schema=api_schema, rules=rules, principal=None).document is doc


def test_nulls_from_fragments_keep_the_client_field_order(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    query = "{ user(id: 1) { id ...U name } } fragment U on User { email }"
    result = run(api_schema, rules, query, user())
    restored = restore_nulls({"user": {"id": "1", "name": "n"}}, result.nulls)
    assert restored == {"user": {"id": "1", "email": None, "name": "n"}}
    assert restored is not None
    assert list(restored["user"]) == ["id", "email", "name"]


def test_two_fragments_needing_the_runtime_type_share_it(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    query = """
    { search { ...Q ...R } }
    fragment Q on SearchResult { ... on User { email } }
    fragment R on SearchResult { ... on User { id e2: email } ... on PublicPost { id } }
    """
    result = run(api_schema, rules, query, user())
    shaped = {
        "search": [
            {"id": "u1", "_authz_typename": "User"},
            {"id": "p1", "_authz_typename": "PublicPost"},
        ]
    }
    assert restore_nulls(shaped, result.nulls) == {
        "search": [{"email": None, "id": "u1", "e2": None}, {"id": "p1"}]
    }
    assert list(shaped["search"][0]) == ["email", "id", "e2"]


def test_the_added_typename_alias_never_clashes_with_a_client_key(
    api_schema: GraphQLSchema, rules: AuthorizationRules
) -> None:
    query = "{ search { ... on User { _authz_typename: name email } } }"
    result = run(api_schema, rules, query, user())
    assert text(result) == (
        "{ search { ... on User { _authz_typename: name } _authz_typename_: __typename } }"
    )
    shaped = {"search": [{"_authz_typename": "Ada", "_authz_typename_": "User"}]}
    assert restore_nulls(shaped, result.nulls) == {
        "search": [{"_authz_typename": "Ada", "email": None}]
    }
