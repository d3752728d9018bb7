"""The HTTP surface: GraphQL-over-HTTP status codes and media types, GET/POST,
request errors with codes (never a 500, never a traceback), health, readiness, metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
from gwharness import Subgraph
from gwharness.gatewayapp import GatewayClient, running_gateway

from servicekit.auth import issue_token

SUPERGRAPH = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
{ query: Query mutation: Mutation }

directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean)
  repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { HELLO @join__graph(name: "hello", url: "http://unused/graphql") }

type Query @join__type(graph: HELLO) {
  hello(name: String!): String!
  count: Int
  whoami: String
}
type Mutation @join__type(graph: HELLO) { bump: Int! }
"""

SUBGRAPH_SDL = """
type Query { hello(name: String!): String!  count: Int  whoami: String }
type Mutation { bump: Int! }
schema { query: Query mutation: Mutation }
"""

GRAPHQL_RESPONSE = "application/graphql-response+json"

pytestmark = pytest.mark.asyncio(loop_scope="session")


def hello_subgraph() -> Subgraph:
    state = {"n": 0}

    def bump(_p: object) -> int:
        state["n"] += 1
        return state["n"]

    return Subgraph(
        "hello",
        SUBGRAPH_SDL,
        resolvers={
            "Query": {"hello": lambda _p, name: f"hi {name}", "count": lambda _p: 3},
            "Mutation": {"bump": bump},
        },
    )


@pytest.fixture(scope="module")
async def shared() -> AsyncIterator[GatewayClient]:
    async with running_gateway(SUPERGRAPH, [hello_subgraph()]) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


@pytest.fixture
async def fresh() -> AsyncIterator[GatewayClient]:
    """A gateway of its own, for tests that count or change state."""
    async with running_gateway(SUPERGRAPH, [hello_subgraph()]) as client:
        yield client


def _no_internals(text: str) -> None:
    assert "Traceback" not in text
    assert 'File "' not in text


async def _post(gw: GatewayClient, body: Any, accept: str | None = None, **kw: Any) -> Any:
    headers = {"content-type": "application/json"}
    if accept:
        headers["accept"] = accept
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return await gw.http.post("/graphql", content=content, headers=headers, **kw)


async def test_a_post_query_answers_200_json(gw: GatewayClient) -> None:
    response = await _post(gw, {"query": '{ hello(name: "ann") count }'})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"hello": "hi ann", "count": 3}}


async def test_graphql_response_json_is_used_when_accepted(gw: GatewayClient) -> None:
    response = await _post(gw, {"query": "{ count }"}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"count": 3}}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "The request body is not valid JSON."),
        (b"1", "The request body must be a JSON object."),
        (b"[]", "The batch is empty."),
        (b"{}", "The request has no 'query'."),
        (b'{"query": 3}', "'query' must be a string."),
        (b'{"query": "{ count }", "variables": [1]}', "'variables' must be an object."),
        (b'{"query": "{ count }", "operationName": 1}', "'operationName' must be a string."),
    ],
)
async def test_malformed_requests_are_400_with_a_code(
    gw: GatewayClient, body: bytes, message: str
) -> None:
    for accept in (None, GRAPHQL_RESPONSE):
        response = await _post(gw, body, accept=accept)
        assert response.status_code == 400
        assert response.json() == {
            "errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]
        }
        _no_internals(response.text)


async def test_a_syntax_error_is_parse_failed(gw: GatewayClient) -> None:
    response = await _post(gw, {"query": "{ count "}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert error["locations"] == [{"line": 1, "column": 9}]
    assert "data" not in response.json()
    # Legacy application/json: a well-formed HTTP request answers 200.
    legacy = await _post(gw, {"query": "{ count "})
    assert legacy.status_code == 200
    assert legacy.json()["errors"][0]["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}


async def test_a_validation_error_has_locations_and_its_code(gw: GatewayClient) -> None:
    response = await _post(gw, {"query": "{\n  count\n  nope\n}"}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert error["locations"] == [{"line": 3, "column": 3}]
    assert "nope" in error["message"]
    assert gw.subgraphs["hello"].count == 0


async def test_an_unknown_operation_name_is_a_bad_request(gw: GatewayClient) -> None:
    response = await _post(
        gw, {"query": "query A { count }", "operationName": "B"}, accept=GRAPHQL_RESPONSE
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}


async def test_several_operations_pick_the_named_one(gw: GatewayClient) -> None:
    response = await _post(
        gw, {"query": "query A { count } query B { whoami }", "operationName": "A"}
    )
    assert response.json() == {"data": {"count": 3}}


@pytest.mark.parametrize(
    "variables", [None, {}, {"n": 3}, {"n": None}], ids=["absent", "missing", "mistyped", "null"]
)
async def test_bad_variables_are_bad_user_input(
    gw: GatewayClient, variables: dict[str, Any] | None
) -> None:
    body: dict[str, Any] = {"query": "query($n: String!) { hello(name: $n) }"}
    if variables is not None:
        body["variables"] = variables
    response = await _post(gw, body, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "$n" in error["message"]
    assert gw.subgraphs["hello"].count == 0


# GET needs a header that forces a CORS preflight (CSRF prevention, see tests/edge).
PREFLIGHT = {"apollo-require-preflight": "true"}


async def test_get_runs_queries_with_json_variables(gw: GatewayClient) -> None:
    response = await gw.http.get(
        "/graphql",
        params={"query": "query($n: String!) { hello(name: $n) }", "variables": '{"n": "bo"}'},
        headers=PREFLIGHT,
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"hello": "hi bo"}}
    assert gw.subgraphs["hello"].requests[0]["variables"] == {"n": "bo"}


async def test_get_refuses_mutations_with_405(gw: GatewayClient) -> None:
    response = await gw.http.get(
        "/graphql", params={"query": "mutation { bump }"}, headers=PREFLIGHT
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}
    assert gw.subgraphs["hello"].count == 0


async def test_get_with_invalid_variables_json_is_400(gw: GatewayClient) -> None:
    response = await gw.http.get(
        "/graphql", params={"query": "{ count }", "variables": "{x"}, headers=PREFLIGHT
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "'variables' is not valid JSON."


async def test_post_runs_mutations(fresh: GatewayClient) -> None:
    first = await _post(fresh, {"query": "mutation { bump }"})
    second = await _post(fresh, {"query": "mutation { bump }"})
    assert [first.json(), second.json()] == [{"data": {"bump": 1}}, {"data": {"bump": 2}}]


async def test_other_methods_are_405(gw: GatewayClient) -> None:
    response = await gw.http.put("/graphql", content=b"{}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"


async def test_a_non_json_content_type_is_415(gw: GatewayClient) -> None:
    response = await gw.http.post(
        "/graphql", content=b"{ count }", headers={"content-type": "text/plain", **PREFLIGHT}
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}


async def test_an_unsatisfiable_accept_is_406(gw: GatewayClient) -> None:
    response = await _post(gw, {"query": "{ count }"}, accept="text/html")
    assert response.status_code == 406


async def test_a_body_over_the_limit_is_413() -> None:
    async with running_gateway(
        SUPERGRAPH,
        [hello_subgraph()],
        max_body_bytes=1024,
    ) as gw:
        response = await _post(gw, {"query": "{ count }" + " " * 2000})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {
        "code": "PAYLOAD_TOO_LARGE",
        "limit": 1024,
    }


async def test_a_stopped_subgraph_is_a_200_with_a_coded_error() -> None:
    async with running_gateway(
        SUPERGRAPH,
        [],
        subgraph_urls={"hello": "http://127.0.0.1:1/graphql"},
    ) as gw:
        response = await _post(gw, {"query": "{ count whoami }"}, accept=GRAPHQL_RESPONSE)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"count": None, "whoami": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["SUBREQUEST_HTTP_ERROR"]
    _no_internals(response.text)


async def test_root_typename_needs_no_subgraph(gw: GatewayClient) -> None:
    response = await _post(gw, {"query": "{ __typename t: __typename }"})
    assert response.json() == {"data": {"__typename": "Query", "t": "Query"}}
    assert gw.subgraphs["hello"].count == 0


async def test_introspection_is_answered_from_the_api_schema(gw: GatewayClient) -> None:
    response = await _post(gw, {"query": "{ __schema { mutationType { name } } count }"})
    assert response.json() == {
        "data": {"__schema": {"mutationType": {"name": "Mutation"}}, "count": 3}
    }
    names = await _post(gw, {"query": "{ __schema { types { name } } }"})
    type_names = {t["name"] for t in names.json()["data"]["__schema"]["types"]}
    assert "join__Graph" not in type_names
    assert "link__Purpose" not in type_names


async def test_the_verified_bearer_token_is_forwarded() -> None:
    secret = "k" * 32
    token = issue_token(secret=secret, subject="ann")
    async with running_gateway(SUPERGRAPH, [hello_subgraph()], jwt_secret=secret) as gw:
        await gw.http.post(
            "/graphql", json={"query": "{ count }"}, headers={"authorization": f"Bearer {token}"}
        )
        await gw.http.post("/graphql", json={"query": "{ whoami }"})
        bad = await gw.http.post(
            "/graphql", json={"query": "{ count }"}, headers={"authorization": "Bearer abc"}
        )
        headers = [h.get("authorization") for h in gw.subgraphs["hello"].headers]
    assert headers == [f"Bearer {token}", None]
    assert bad.status_code == 401
    assert bad.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_health_and_readiness(gw: GatewayClient) -> None:
    assert (await gw.http.get("/healthz")).status_code == 200
    ready = await gw.http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


async def test_metrics_count_requests_fetches_and_caches(fresh: GatewayClient) -> None:
    gw = fresh
    await _post(gw, {"query": "query Count { count }", "operationName": "Count"})
    await _post(gw, {"query": "query Count { count }", "operationName": "Count"})
    await _post(gw, {"query": "{ nope }"})
    text = (await gw.http.get("/metrics")).text
    assert 'graphql_requests_total{operation="Count",outcome="ok",service="gateway"} 2.0' in text
    assert 'outcome="rejected"' in text
    assert "gateway_plan_cache_hits 1.0" in text
    assert "gateway_plan_cache_misses 1.0" in text
    assert "gateway_plan_cache_size 1.0" in text
    assert "gateway_request_cache_hits 1.0" in text
    fetches = 'gateway_subgraph_fetch_duration_seconds_count{outcome="ok",subgraph="hello"} 2.0'
    assert fetches in text


async def test_before_startup_readiness_and_graphql_answer_503() -> None:
    from gateway.server import create_app
    from gateway.settings import Settings

    app = create_app(Settings())  # lifespan not started: no supergraph yet
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as http:
        ready = await http.get("/readyz")
        graphql = await http.post("/graphql", json={"query": "{ count }"})
        health = await http.get("/healthz")
    assert ready.status_code == 503
    assert graphql.status_code == 503
    assert graphql.json()["errors"][0]["extensions"] == {"code": "UNAVAILABLE"}
    assert health.status_code == 200


async def test_every_other_method_gets_the_graphql_405_with_a_code(gw: GatewayClient) -> None:
    # /graphql is answered before FastAPI's router, so no method falls through to its own 405.
    for method in ("OPTIONS", "PATCH", "DELETE"):
        response = await gw.http.request(method, "/graphql")
        assert response.status_code == 405, method
        assert response.headers["allow"] == "GET, POST"
        assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    head = await gw.http.head("/graphql")
    assert (head.status_code, head.headers["allow"]) == (405, "GET, POST")
