"""The JWT attack matrix, against the verifier every service and the gateway share."""

import base64
import json
import time
from collections.abc import AsyncIterator, Callable

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from servicekit.auth import JwtVerifier, TokenError, bearer_token, issue_token

SECRET = "test-secret-for-hs256-that-is-long-enough-0123"
ISSUER = "https://issuer.test"
AUDIENCE = "platform"


def _rsa() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


RSA_KEY = _rsa()
RSA_KEY_2 = _rsa()
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def _jwk(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, kid: str) -> dict[str, object]:
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    else:
        jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
    return {**jwk, "kid": kid}


class JwksServer:
    """A real JWKS endpoint (ASGI) whose key set can rotate; counts its requests."""

    def __init__(self) -> None:
        self.keys: list[dict[str, object]] = [_jwk(RSA_KEY, "rsa-1"), _jwk(EC_KEY, "ec-1")]
        self.hits = 0

        async def jwks(request: Request) -> JSONResponse:
            self.hits += 1
            return JSONResponse({"keys": self.keys})

        self.app = Starlette(routes=[Route("/jwks.json", jwks)])


@pytest.fixture
async def jwks() -> AsyncIterator[tuple[JwksServer, httpx.AsyncClient]]:
    server = JwksServer()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=server.app), base_url="http://issuer.test"
    ) as client:
        yield server, client


def _claims(**overrides: object) -> dict[str, object]:
    now = int(time.time())
    claims: dict[str, object] = {
        "sub": "alice",
        "email": "alice@example.com",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "scope": "payments:write payments:read",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _verifier(client: httpx.AsyncClient, **kwargs: object) -> JwtVerifier:
    options: dict[str, object] = {
        "secret": SECRET,
        "jwks_url": "http://issuer.test/jwks.json",
        "issuer": ISSUER,
        "audience": AUDIENCE,
        "leeway_seconds": 5,
        "http_client": client,
    }
    options.update(kwargs)
    return JwtVerifier(**options)  # type: ignore[arg-type]


def _pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


async def test_valid_hs256_rs256_and_es256_tokens_are_accepted(
    jwks: tuple[JwksServer, httpx.AsyncClient],
) -> None:
    _, client = jwks
    verifier = _verifier(client)
    tokens = [
        jwt.encode(_claims(), SECRET, algorithm="HS256"),
        jwt.encode(_claims(), _pem(RSA_KEY), algorithm="RS256", headers={"kid": "rsa-1"}),
        jwt.encode(_claims(), _pem(EC_KEY), algorithm="ES256", headers={"kid": "ec-1"}),
    ]
    for token in tokens:
        principal = await verifier.verify(token)
        assert principal.subject == "alice"
        assert principal.email == "alice@example.com"
        assert principal.scopes == {"payments:write", "payments:read"}


def _unsigned(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        raw = json.dumps(obj).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _tampered() -> str:
    header, payload, signature = jwt.encode(_claims(), SECRET, algorithm="HS256").split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["scope"] = "payments:admin"
    raw = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


def _hs256_with_public_key() -> str:
    # The classic key-confusion attack: HMAC "signed" with the RSA public key.
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}
    import hashlib
    import hmac

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(_claims()).encode())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


ATTACKS: dict[str, Callable[[], str]] = {
    "expired": lambda: jwt.encode(_claims(exp=int(time.time()) - 60), SECRET, algorithm="HS256"),
    "not yet valid": lambda: jwt.encode(
        _claims(nbf=int(time.time()) + 600), SECRET, algorithm="HS256"
    ),
    "wrong audience": lambda: jwt.encode(_claims(aud="other"), SECRET, algorithm="HS256"),
    "wrong issuer": lambda: jwt.encode(_claims(iss="https://evil.test"), SECRET, algorithm="HS256"),
    "missing exp": lambda: jwt.encode(_claims(exp=None), SECRET, algorithm="HS256"),
    "alg none": lambda: _unsigned(_claims()),
    "tampered signature": _tampered,
    "other secret": lambda: jwt.encode(_claims(), SECRET + "x", algorithm="HS256"),
    "hs256 signed with the rsa public key": _hs256_with_public_key,
    "rs256 signed by another key": lambda: jwt.encode(
        _claims(), _pem(RSA_KEY_2), algorithm="RS256", headers={"kid": "rsa-1"}
    ),
    "unknown kid": lambda: jwt.encode(
        _claims(), _pem(RSA_KEY_2), algorithm="RS256", headers={"kid": "rsa-9"}
    ),
    "garbage": lambda: "not.a.token",
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
async def test_forged_or_unfit_tokens_are_refused(
    jwks: tuple[JwksServer, httpx.AsyncClient], attack: str
) -> None:
    _, client = jwks
    with pytest.raises(TokenError) as raised:
        await _verifier(client).verify(ATTACKS[attack]())
    assert raised.value.extensions["code"] == "UNAUTHENTICATED"


async def test_an_unknown_kid_refreshes_the_key_set_at_most_once_per_interval(
    jwks: tuple[JwksServer, httpx.AsyncClient],
) -> None:
    server, client = jwks
    verifier = _verifier(client, jwks_min_refresh_seconds=3600)
    unknown = jwt.encode(_claims(), _pem(RSA_KEY_2), algorithm="RS256", headers={"kid": "rsa-2"})
    for _ in range(5):
        with pytest.raises(TokenError, match="unknown key"):
            await verifier.verify(unknown)
    assert server.hits == 1


async def test_a_rotated_key_is_picked_up_on_refresh(
    jwks: tuple[JwksServer, httpx.AsyncClient],
) -> None:
    server, client = jwks
    verifier = _verifier(client, jwks_min_refresh_seconds=0)
    first = jwt.encode(_claims(), _pem(RSA_KEY), algorithm="RS256", headers={"kid": "rsa-1"})
    assert (await verifier.verify(first)).subject == "alice"
    server.keys = [_jwk(RSA_KEY_2, "rsa-2")]
    rotated = jwt.encode(_claims(), _pem(RSA_KEY_2), algorithm="RS256", headers={"kid": "rsa-2"})
    assert (await verifier.verify(rotated)).subject == "alice"


async def test_algorithms_off_the_allow_list_are_refused(
    jwks: tuple[JwksServer, httpx.AsyncClient],
) -> None:
    _, client = jwks
    verifier = _verifier(client, algorithms=["RS256"])
    with pytest.raises(TokenError, match="not allowed"):
        await verifier.verify(jwt.encode(_claims(), SECRET, algorithm="HS256"))


def test_the_authorization_header_must_be_a_bearer_token() -> None:
    assert bearer_token(None) is None
    assert bearer_token("Bearer abc") == "abc"
    with pytest.raises(TokenError):
        bearer_token("Basic dXNlcjpwYXNz")


async def test_issued_development_tokens_verify() -> None:
    token = issue_token(secret=SECRET, subject="bob@example.com", scopes=["payments:write"])
    principal = await JwtVerifier(secret=SECRET).verify(token)
    assert principal.email == "bob@example.com"
    assert principal.has_scope("payments:write")
    assert not principal.has_scope("payments:admin")
