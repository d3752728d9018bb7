"""Bearer tokens and owner rules, checked by the service itself (defence in depth)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from payments.models import Payment
from payments.testing import (
    JWKS_URL,
    SECRET,
    GraphQLClient,
    jwks_transport,
    payments_client,
    settings_for,
    signed,
    token,
)

ISSUER = "https://issuer.test/"
AUDIENCE = "payments-api"
GET = "query($id: ID!) { payment(id: $id) { id amount payerEmail } }"
CREATE = """mutation($input: CreatePaymentInput!, $key: String!) {
  createPayment(input: $input, idempotencyKey: $key) { id amount payerEmail } }"""
CAPTURE = """mutation($id: ID!, $key: String!) {
  capturePayment(id: $id, idempotencyKey: $key) { id status } }"""
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def _jwk(key: Any, algorithm: type[RSAAlgorithm] | type[ECAlgorithm], kid: str, alg: str) -> Any:
    return {**algorithm.to_jwk(key.public_key(), as_dict=True), "kid": kid, "alg": alg,
            "use": "sig"}  # fmt: skip


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "alice@example.com", "email": "alice@example.com", "iss": ISSUER,
            "aud": AUDIENCE, "scope": "payments:write", **extra}  # fmt: skip


@pytest.fixture
async def strict(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[GraphQLClient]:
    """An app that takes HS256 (secret) and RS256/ES256 (JWKS), with issuer and audience."""
    keys = [_jwk(RSA_KEY, RSAAlgorithm, "rsa-1", "RS256"),
            _jwk(EC_KEY, ECAlgorithm, "ec-1", "ES256")]  # fmt: skip
    settings = settings_for(jwt_jwks_url=JWKS_URL, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
    async with payments_client(
        settings, sessionmaker=sessions, http_transport=jwks_transport(keys)
    ) as graphql:
        yield graphql


async def _payment_of(client: GraphQLClient, owner: str) -> dict[str, Any]:
    variables = {"input": {"amount": 4321, "currency": "EUR"}, "key": str(uuid.uuid4())}
    owner_token = token(owner, "payments:write", iss=ISSUER, aud=AUDIENCE)
    result = await client.run(CREATE, variables, token=owner_token)
    return result.ok()["createPayment"]  # type: ignore[no-any-return]


def _hs256_with_rsa_public_key(claims: dict[str, Any]) -> str:
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}).encode())
    body = _b64(json.dumps({**claims, "exp": int(time.time()) + 600}).encode())
    mac = hmac.new(public_pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(mac)}"


def _alg_none(claims: dict[str, Any]) -> str:
    head = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = _b64(json.dumps({**claims, "exp": int(time.time()) + 600}).encode())
    return f"{head}.{body}."


def _tampered() -> str:
    good = signed(_claims(), RSA_KEY, algorithm="RS256", kid="rsa-1")
    head, _body, signature = good.split(".")
    forged = _b64(json.dumps({**_claims(scope="payments:admin"), "exp": 9999999999}).encode())
    return f"{head}.{forged}.{signature}"


BAD_TOKENS: dict[str, Callable[[], str]] = {
    "expired": lambda: signed(_claims(exp=int(time.time()) - 120), SECRET, algorithm="HS256",
                              kid=None),
    "not yet valid": lambda: signed(_claims(nbf=int(time.time()) + 300), SECRET,
                                    algorithm="HS256", kid=None),
    "wrong audience": lambda: signed(_claims(aud="billing"), SECRET, algorithm="HS256", kid=None),
    "no audience": lambda: signed({k: v for k, v in _claims().items() if k != "aud"}, SECRET,
                                  algorithm="HS256", kid=None),
    "wrong issuer": lambda: signed(_claims(iss="https://evil.test/"), RSA_KEY, algorithm="RS256",
                                   kid="rsa-1"),
    "alg none": lambda: _alg_none(_claims()),
    "tampered signature": _tampered,
    "hs256 signed with the rs256 public key": lambda: _hs256_with_rsa_public_key(_claims()),
    "wrong secret": lambda: signed(_claims(), "another-secret-0123456789abcdefgh",
                                   algorithm="HS256", kid=None),
    "unknown key id": lambda: signed(_claims(), RSA_KEY, algorithm="RS256", kid="rsa-9"),
    "garbage": lambda: "not.a.jwt",
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD_TOKENS))
async def test_a_bad_token_is_unauthenticated_with_no_data(
    strict: GraphQLClient, case: str
) -> None:
    owned = await _payment_of(strict, "alice@example.com")
    for query, variables in (
        (GET, {"id": owned["id"]}),
        (CAPTURE, {"id": owned["id"], "key": "k"}),
        ("{ payments { edges { node { id } } } }", {}),
    ):
        result = await strict.run(query, variables, token=BAD_TOKENS[case]())
        assert result.codes == ["UNAUTHENTICATED"], result.body
        assert result.data is None or all(value is None for value in result.data.values())
        assert "4321" not in json.dumps(result.body)


async def test_no_token_is_unauthenticated(client: GraphQLClient) -> None:
    create = {"input": {"amount": 1, "currency": "EUR"}, "key": "k"}
    for query, variables in ((GET, {"id": str(uuid.uuid4())}), (CREATE, create)):
        result = await client.run(query, variables, anonymous=True)
        assert result.codes == ["UNAUTHENTICATED"]
        assert result.data is None or all(value is None for value in result.data.values())


async def test_a_non_bearer_authorization_header_is_unauthenticated(client: GraphQLClient) -> None:
    response = await client.http.post(
        "/graphql", json={"query": "{ payments { nodes { id } } }"},
        headers={"authorization": "Basic YWxpY2U6c2VjcmV0"},
    )  # fmt: skip
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]


@pytest.mark.parametrize(
    ("key", "algorithm", "kid"), [(RSA_KEY, "RS256", "rsa-1"), (EC_KEY, "ES256", "ec-1")]
)
async def test_rs256_and_es256_tokens_are_verified_against_the_jwks(
    strict: GraphQLClient, key: Any, algorithm: str, kid: str
) -> None:
    good = signed(_claims(), key, algorithm=algorithm, kid=kid)
    variables = {"input": {"amount": 77, "currency": "EUR"}, "key": f"jwks-{algorithm}"}
    created = (await strict.run(CREATE, variables, token=good)).ok()["createPayment"]
    assert created["payerEmail"] == "alice@example.com"
    assert (await strict.run(GET, {"id": created["id"]}, token=good)).ok()["payment"] == created


async def test_a_token_inside_the_leeway_is_accepted(strict: GraphQLClient) -> None:
    barely = signed(_claims(exp=int(time.time()) - 5), SECRET, algorithm="HS256", kid=None)
    result = await strict.run("{ payments { nodes { id } } }", token=barely)
    assert result.ok() == {"payments": {"nodes": []}}


async def test_a_payer_cannot_see_another_payers_payment(client: GraphQLClient) -> None:
    bobs = await _payment_of(client, "bob@example.com")
    result = await client.run(GET, {"id": bobs["id"]})
    assert result.data == {"payment": None}
    assert result.error()["extensions"] == {"code": "FORBIDDEN"}
    assert "bob@example.com" not in json.dumps(result.body)
    assert "4321" not in json.dumps(result.body)


async def test_a_payer_cannot_change_another_payers_payment(
    client: GraphQLClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    bobs = await _payment_of(client, "bob@example.com")
    result = await client.run(CAPTURE, {"id": bobs["id"], "key": "steal"})
    assert result.data is None
    assert result.codes == ["FORBIDDEN"]
    async with sessions() as session:
        row = await session.get(Payment, uuid.UUID(bobs["id"]))
    assert row is not None
    assert row.status == "AUTHORIZED"


async def test_an_admin_sees_every_payment(client: GraphQLClient) -> None:
    bobs = await _payment_of(client, "bob@example.com")
    admin = token("ops", "payments:admin")
    assert (await client.run(GET, {"id": bobs["id"]}, token=admin)).ok()["payment"] == bobs


async def test_mutations_need_the_write_scope(client: GraphQLClient) -> None:
    reader = token("alice@example.com")
    variables = {"input": {"amount": 1, "currency": "EUR"}, "key": "k"}
    result = await client.run(CREATE, variables, token=reader)
    assert result.error()["extensions"] == {"code": "FORBIDDEN", "requiredScope": "payments:write"}
    admin_only = token("ops", "payments:admin")
    assert (await client.run(CREATE, variables, token=admin_only)).codes == ["FORBIDDEN"]


async def test_only_an_admin_creates_payments_for_another_payer(client: GraphQLClient) -> None:
    variables = {"input": {"amount": 1, "currency": "EUR", "payerEmail": "bob@example.com"},
                 "key": "for-bob"}  # fmt: skip
    assert (await client.run(CREATE, variables)).codes == ["FORBIDDEN"]
    admin = token("ops", "payments:write", "payments:admin")
    created = (await client.run(CREATE, variables, token=admin)).ok()["createPayment"]
    assert created["payerEmail"] == "bob@example.com"
    bob = token("bob@example.com")
    assert (await client.run(GET, {"id": created["id"]}, token=bob)).ok()["payment"] == created


async def test_a_token_without_an_email_must_name_the_payer(client: GraphQLClient) -> None:
    service = token("svc-123", "payments:write")
    result = await client.run(CREATE, {"input": {"amount": 1, "currency": "EUR"}, "key": "k"},
                              token=service)  # fmt: skip
    assert result.error()["extensions"] == {
        "code": "BAD_USER_INPUT", "argumentName": "input.payerEmail",
    }  # fmt: skip
