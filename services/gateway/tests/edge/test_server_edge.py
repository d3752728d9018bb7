"""The edge wired into the server, over HTTP semantics (``httpx.ASGITransport``): the JWT
attack matrix (a JWKS served on loopback that rotates), authorization per directive, abuse
limits, batching, APQ, CSRF, GraphiQL's page and the breaker gauge. A counter on the
subgraph proves what never reached it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import orjson
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from edge_fixtures import SUPERGRAPH_SDL
from gwharness import Subgraph
from gwharness.gatewayapp import GatewayClient, running_gateway

from gateway.edge import sha256_hex

SECRET = "s" * 40
ISSUER = "https://issuer.test"
AUDIENCE = "gateway"
PREFLIGHT = {"content-type": "application/json"}

SHOP_SDL = """
type Query {
  me: User users(first: Int): [User!]! user(id: ID!): User posts: [Post!]! post(id: ID!): Post
  search(term: String): [SearchResult!]! feed(limit: Int): PostConnection expensive: Int
  hello: String badge: Badge
}
type Mutation { createPost(title: String!): PublicPost! deletePost(id: ID!): Boolean }
type User { id: ID! name: String email: String secret: String! posts: [Post!]! profile: Profile }
type Profile { bio: String }
interface Post { id: ID! title: String! }
type PublicPost implements Post { id: ID! title: String! views: Int }
type PrivatePost implements Post { id: ID! title: String! }
type PostConnection { edges: [PostEdge!]! }
type PostEdge { node: Post! }
union SearchResult = User | PublicPost
enum Badge { GOLD SILVER }
"""
USERS = [
    {"id": "1", "name": "Ada", "email": "ada@x", "secret": "s1"},
    {"id": "2", "name": "Bob", "email": "bob@x", "secret": "s2"},
]


def shop() -> Subgraph:
    return Subgraph(
        "shop",
        SHOP_SDL,
        resolvers={
            "Query": {
                "hello": lambda _p: "hi",
                "me": lambda _p: USERS[0],
                "users": lambda _p, **_a: USERS,
                "user": lambda _p, id: next(u for u in USERS if u["id"] == id),
            }
        },
    )


# --- a JWKS endpoint on loopback whose key set the test rotates ---------------------------


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    public = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**public, "kid": kid, "alg": "RS256", "use": "sig"}


class _Jwks(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _JwksHandler)
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/jwks.json"


class _JwksHandler(BaseHTTPRequestHandler):
    server: _Jwks

    def do_GET(self) -> None:
        self.server.fetches += 1
        body = json.dumps({"keys": self.server.keys}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


class Keys:
    def __init__(self) -> None:
        self.a, self.b, self.stranger = _rsa(), _rsa(), _rsa()


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys()


@pytest.fixture(scope="module")
def jwks(keys: Keys) -> Iterator[_Jwks]:
    server = _Jwks()
    server.keys = [_jwk(keys.a, "a")]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
async def shared(jwks: _Jwks) -> AsyncIterator[GatewayClient]:
    async with running_gateway(
        SUPERGRAPH_SDL,
        [shop()],
        jwt_secret=SECRET,
        jwt_jwks_url=jwks.url,
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        max_cost=1000,
    ) as client:
        yield client


@pytest.fixture
def gw(shared: GatewayClient) -> GatewayClient:
    shared.reset()
    return shared


pytestmark = pytest.mark.asyncio(loop_scope="module")


def claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"sub": "u1", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600, **extra}


def hs256(**extra: Any) -> str:
    return jwt.encode(claims(**extra), SECRET, algorithm="HS256")


def rs256(key: rsa.RSAPrivateKey, kid: str, **extra: Any) -> str:
    return jwt.encode(claims(**extra), key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    head = _b64(json.dumps(header).encode()) + "." + _b64(json.dumps(payload).encode())
    if key is None:
        return head + "."
    return head + "." + _b64(hmac.new(key, head.encode(), hashlib.sha256).digest())


async def post(
    gw: GatewayClient, body: Any, token: str | None = None, **headers: str
) -> httpx.Response:
    sent = {**PREFLIGHT, **headers}
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    return await gw.http.post("/graphql", content=orjson.dumps(body), headers=sent)


# --- authentication -----------------------------------------------------------------------


def attack_tokens(keys: Keys) -> dict[str, str]:
    public_pem = keys.a.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    now = int(time.time())
    good = hs256()
    head, payload, signature = good.split(".")
    return {
        "alg none": _unsigned({"alg": "none", "typ": "JWT"}, claims(), None),
        "HS256 signed with the RS256 public key": _unsigned(
            {"alg": "HS256", "typ": "JWT", "kid": "a"}, claims(), public_pem
        ),
        "expired": hs256(exp=now - 3600, iat=now - 7200),
        "nbf in the future": hs256(nbf=now + 3600),
        "wrong aud": hs256(aud="someone-else"),
        "wrong iss": hs256(iss="https://evil.test"),
        "bad signature": f"{head}.{payload}.{signature[::-1]}",
        "unknown kid": rs256(keys.stranger, "stranger"),
        "known kid, wrong key": rs256(keys.stranger, "a"),
        "not a JWT": "abc",
    }


ATTACKS = [
    "alg none",
    "HS256 signed with the RS256 public key",
    "expired",
    "nbf in the future",
    "wrong aud",
    "wrong iss",
    "bad signature",
    "unknown kid",
    "known kid, wrong key",
    "not a JWT",
]


@pytest.mark.parametrize("attack", ATTACKS)
async def test_every_forged_or_stale_token_is_unauthenticated_and_calls_no_subgraph(
    gw: GatewayClient, keys: Keys, attack: str
) -> None:
    token = attack_tokens(keys)[attack]
    response = await post(gw, {"query": "{ hello }"}, token)
    assert response.status_code == 401
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"]
    assert "data" not in response.json()
    assert gw.subgraphs["shop"].count == 0


async def test_valid_tokens_of_both_families_are_accepted(gw: GatewayClient, keys: Keys) -> None:
    for token in (hs256(), rs256(keys.a, "a")):
        answer = (await post(gw, {"query": "{ me { name } }"}, token)).json()
        assert answer == {"data": {"me": {"name": "Ada"}}}
    assert gw.subgraphs["shop"].count == 2


async def test_a_rotated_jwks_key_is_found_by_one_refresh(
    gw: GatewayClient, keys: Keys, jwks: _Jwks
) -> None:
    verifier = gw.gateway.edge.verifier
    verifier.jwks_min_refresh = 0.0  # the default rate limit (30 s) is tested in servicekit
    token = rs256(keys.b, "b")
    refused = await post(gw, {"query": "{ hello }"}, token)
    assert refused.status_code == 401
    jwks.keys = [_jwk(keys.a, "a"), _jwk(keys.b, "b")]  # the issuer rotates
    before = jwks.fetches
    accepted = await post(gw, {"query": "{ me { name } }"}, token)
    assert accepted.json() == {"data": {"me": {"name": "Ada"}}}
    assert jwks.fetches == before + 1
    assert gw.subgraphs["shop"].count == 1


# --- authorization ------------------------------------------------------------------------

UNAUTHORIZED = {"code": "UNAUTHORIZED_FIELD_OR_TYPE"}


def _unauthorized(*path: str) -> dict[str, Any]:
    return {"message": "Unauthorized field or type", "path": list(path), "extensions": UNAUTHORIZED}


async def test_authenticated_nulls_the_field_for_anonymous_callers(gw: GatewayClient) -> None:
    answer = (await post(gw, {"query": "{ me { name } hello }"})).json()
    assert answer == {"data": {"me": None, "hello": "hi"}, "errors": [_unauthorized("me")]}
    assert all("me" not in op for op in gw.subgraphs["shop"].operations())
    authed = (await post(gw, {"query": "{ me { name } hello }"}, hs256())).json()
    assert authed == {"data": {"me": {"name": "Ada"}, "hello": "hi"}}


async def test_requires_scopes_follows_the_token_scopes(gw: GatewayClient) -> None:
    query = {"query": "{ users { name email } }"}
    reader = (await post(gw, query, hs256(scope="read:users"))).json()
    assert reader == {
        "data": {"users": [{"name": "Ada", "email": None}, {"name": "Bob", "email": None}]},
        "errors": [_unauthorized("users", "@", "email")],
    }
    admin = (await post(gw, query, hs256(scope="read:users admin"))).json()
    assert admin == {
        "data": {"users": [{"name": "Ada", "email": "ada@x"}, {"name": "Bob", "email": "bob@x"}]}
    }


async def test_policy_is_granted_from_a_claim(gw: GatewayClient) -> None:
    query = {"query": '{ user(id: "1") { id secret } hello }'}
    stranger = (await post(gw, query, hs256())).json()
    assert stranger == {
        "data": {"user": None, "hello": "hi"},
        "errors": [_unauthorized("user", "secret")],
    }
    owner = (await post(gw, query, hs256(owner=True))).json()
    assert owner == {"data": {"user": {"id": "1", "secret": "s1"}, "hello": "hi"}}


async def test_a_fully_unauthorized_operation_calls_no_subgraph(gw: GatewayClient) -> None:
    answer = (await post(gw, {"query": "{ me { name } }"})).json()
    assert answer == {"data": {"me": None}, "errors": [_unauthorized("me")]}
    assert gw.subgraphs["shop"].count == 0


# --- abuse limits: each refused with its code, and the next request is served ---------------


def _nested(depth: int) -> str:
    return "{ " + "user(id: 1) { posts { " * depth + "id" + " } }" * depth + " }"


def _fragment_bomb(levels: int) -> str:
    # Each fragment spreads the next twice: 2^levels fields once inlined.
    parts = ["query { me { ...F0 } }"]
    for i in range(levels):
        parts.append(f"fragment F{i} on User {{ ...F{i + 1} ...F{i + 1} }}")
    parts.append(f"fragment F{levels} on User {{ name }}")
    return "\n".join(parts)


ABUSE: list[tuple[str, Any, int, str]] = [
    ("depth 1000", {"query": _nested(1000)}, 200, "GRAPHQL_PARSE_FAILED"),
    ("depth 20", {"query": _nested(10)}, 400, "MAX_DEPTH_EXCEEDED"),
    (
        "10 000 aliases",
        {"query": "{ " + " ".join(f"a{i}: hello" for i in range(10_000)) + " }"},
        400,
        "MAX_TOKENS_EXCEEDED",
    ),
    (
        "31 aliases",
        {"query": "{ " + " ".join(f"a{i}: hello" for i in range(31)) + " }"},
        400,
        "MAX_ALIASES_EXCEEDED",
    ),
    ("1 MB query", {"query": "{ hello " + "#" * 1_048_576 + " }"}, 413, "PAYLOAD_TOO_LARGE"),
    ("1000-operation batch", [{"query": "{ hello }"}] * 1000, 400, "BATCH_LIMIT_EXCEEDED"),
    (
        "fragments expanding to 2^40 fields",
        {"query": _fragment_bomb(40)},
        400,
        "MAX_FIELDS_EXCEEDED",
    ),
    (
        "cost",
        {"query": "{ users(first: 5000) { profile { bio } } }"},
        400,
        "COST_ESTIMATED_TOO_EXPENSIVE",
    ),
]


@pytest.mark.parametrize(("name", "body", "status", "code"), ABUSE, ids=[a[0] for a in ABUSE])
async def test_abusive_requests_are_refused_with_their_code(
    gw: GatewayClient, name: str, body: Any, status: int, code: str
) -> None:
    response = await post(gw, body)
    codes = [e["extensions"]["code"] for e in response.json()["errors"]]
    assert codes == [code], name
    if code != "GRAPHQL_PARSE_FAILED":  # graphql-core's own nesting guard (about 200)
        assert response.status_code == status
        assert "limit" in response.json()["errors"][0]["extensions"]
    assert gw.subgraphs["shop"].count == 0
    served = await post(gw, {"query": "{ hello }"})
    assert served.json() == {"data": {"hello": "hi"}}


# --- batching, APQ, CSRF, GraphiQL, metrics -----------------------------------------------


async def test_a_batch_runs_each_operation_and_answers_in_order(gw: GatewayClient) -> None:
    batch = [
        {"query": "{ hello }"},
        {"query": "{ nope }"},
        {"query": "{ me { name } }"},
        7,
        {"query": "query Q($id: ID!) { user(id: $id) { name } }", "variables": {"id": "2"}},
    ]
    response = await post(gw, batch)
    assert response.status_code == 200
    answers = response.json()
    assert len(answers) == 5
    assert answers[0] == {"data": {"hello": "hi"}}
    assert answers[1]["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert answers[2] == {"data": {"me": None}, "errors": [_unauthorized("me")]}
    assert answers[3]["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert answers[4] == {"data": {"user": {"name": "Bob"}}}


async def test_apq_registers_then_runs_by_hash(gw: GatewayClient) -> None:
    query = "{ hello badge }"
    ext = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}
    missing = (await post(gw, {"extensions": ext})).json()
    assert missing["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = (await post(gw, {"query": query, "extensions": ext})).json()
    assert registered["data"]["hello"] == "hi"
    by_hash = (await post(gw, {"extensions": ext})).json()
    assert by_hash == registered
    params = {"extensions": orjson.dumps(ext).decode()}
    over_get = await gw.http.get(
        "/graphql", params=params, headers={"apollo-require-preflight": "1"}
    )
    assert over_get.json() == registered


async def test_simple_requests_without_a_preflight_header_are_refused(gw: GatewayClient) -> None:
    form = await gw.http.post(
        "/graphql", content=b'{"query":"{ hello }"}', headers={"content-type": "text/plain"}
    )
    get = await gw.http.get("/graphql", params={"query": "{ hello }"})
    for response in (form, get):
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert error["extensions"]["reason"] == "CSRF_PREVENTION"
    assert gw.subgraphs["shop"].count == 0
    allowed = await gw.http.get(
        "/graphql", params={"query": "{ hello }"}, headers={"x-apollo-operation-name": "x"}
    )
    assert allowed.json() == {"data": {"hello": "hi"}}


async def test_browsers_get_graphiql_from_local_assets(gw: GatewayClient) -> None:
    page = await gw.http.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "graphiql.min.js" in page.text
    assert "http" not in page.text.split("<body>")[1].replace('"http', "")  # no CDN URLs
    script = await gw.http.get("/_graphiql/graphiql.min.js")
    assert script.status_code == 200


async def test_metrics_export_the_circuit_state_and_the_summary_is_logged(
    gw: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO", logger="gateway.request"):
        await post(gw, {"query": "query Hi { hello }"}, **{"x-request-id": "req-1"})
    text = (await gw.http.get("/metrics")).text
    assert 'gateway_subgraph_circuit_state{subgraph="shop"} 0.0' in text
    line = next(r for r in caplog.records if r.getMessage() == "request")
    assert line.operation == "Hi"  # type: ignore[attr-defined]
    assert line.fetches == 1  # type: ignore[attr-defined]
    assert isinstance(line.plan_cache_hit, bool)  # type: ignore[attr-defined]
