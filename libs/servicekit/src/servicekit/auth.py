"""Bearer-token verification shared by every service and the gateway.

HS256 tokens are checked against a shared secret; RS256/ES256 tokens against
the keys of an OIDC issuer's JWKS URL (cached; an unknown ``kid`` triggers at
most one refresh per ``jwks_min_refresh_seconds``, then the token is refused).
The algorithm is taken from the token header only to pick a key of the matching
family, and must be on the allow-list: ``alg: none`` and "HS256 signed with the
RSA public key" are refused because an HMAC algorithm only ever gets the secret.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from jwt import PyJWK

from servicekit.errors import Forbidden, Unauthenticated
from servicekit.settings import ServiceSettings

__all__ = ["JwtVerifier", "Principal", "TokenError", "bearer_token", "issue_token"]

_HMAC = frozenset({"HS256", "HS384", "HS512"})
_ASYMMETRIC = frozenset({"RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "EdDSA"})


class TokenError(Unauthenticated):
    """The bearer token is missing, malformed, expired, forged or not for us."""


@dataclass(frozen=True, slots=True)
class Principal:
    subject: str
    email: str | None = None
    scopes: frozenset[str] = frozenset()
    claims: Mapping[str, Any] = field(default_factory=dict)
    token: str | None = field(default=None, repr=False)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def require_scope(self, scope: str) -> None:
        if scope not in self.scopes:
            raise Forbidden(f"this operation needs the scope '{scope}'", requiredScope=scope)

    @property
    def owner_keys(self) -> frozenset[str]:
        """Identities a resource owner may be recorded under (subject and email)."""
        return frozenset(k for k in (self.subject, self.email) if k)


def _scopes(claims: Mapping[str, Any]) -> frozenset[str]:
    raw = claims.get("scope", claims.get("scp", claims.get("scopes", ())))
    if isinstance(raw, str):
        return frozenset(raw.split())
    if isinstance(raw, list | tuple):
        return frozenset(str(s) for s in raw)
    return frozenset()


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, None when there is no header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("the Authorization header must be 'Bearer <token>'")
    return token.strip()


class JwtVerifier:
    def __init__(
        self,
        *,
        secret: str | None = None,
        jwks_url: str | None = None,
        algorithms: list[str] | tuple[str, ...] = ("HS256", "RS256", "ES256"),
        issuer: str | None = None,
        audience: str | None = None,
        leeway_seconds: int = 30,
        jwks_min_refresh_seconds: float = 30.0,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        unknown = set(algorithms) - _HMAC - _ASYMMETRIC
        if unknown:
            raise ValueError(f"unsupported JWT algorithms: {sorted(unknown)}")
        self.secret = secret
        self.jwks_url = jwks_url
        self.algorithms = tuple(algorithms)
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds
        self.jwks_min_refresh = jwks_min_refresh_seconds
        self._http = http_client
        self._keys: dict[str, PyJWK] = {}
        self._last_refresh = float("-inf")
        self._refresh_lock = asyncio.Lock()
        self.jwks_fetches = 0

    @classmethod
    def from_settings(
        cls, settings: ServiceSettings, *, http_client: httpx.AsyncClient | None = None
    ) -> JwtVerifier:
        return cls(
            secret=settings.jwt_secret.get_secret_value() if settings.jwt_secret else None,
            jwks_url=settings.jwt_jwks_url,
            algorithms=settings.jwt_algorithms,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            leeway_seconds=settings.jwt_leeway_seconds,
            http_client=http_client,
        )

    async def _key_for(self, token: str) -> tuple[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as err:
            raise TokenError("malformed token") from err
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self.algorithms:
            raise TokenError(f"token algorithm {alg!r} is not allowed")
        if alg in _HMAC:
            if not self.secret:
                raise TokenError("HMAC tokens are not accepted here")
            return alg, self.secret
        return alg, await self._public_key(header.get("kid"))

    async def verify(self, token: str) -> Principal:
        alg, key = await self._key_for(token)
        options: dict[str, Any] = {"require": ["exp", "sub"]}
        if self.issuer:
            options["require"].append("iss")
        if self.audience:
            options["require"].append("aud")
        else:
            options["verify_aud"] = False
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options=options,  # type: ignore[arg-type]  # PyJWT types it as a TypedDict
            )
        except jwt.ExpiredSignatureError as err:
            raise TokenError("token expired") from err
        except jwt.ImmatureSignatureError as err:
            raise TokenError("token not yet valid") from err
        except jwt.InvalidAudienceError as err:
            raise TokenError("token audience not accepted") from err
        except jwt.InvalidIssuerError as err:
            raise TokenError("token issuer not accepted") from err
        except jwt.PyJWTError as err:
            raise TokenError("invalid token") from err
        email = claims.get("email")
        return Principal(
            subject=str(claims["sub"]),
            email=str(email) if email else None,
            scopes=_scopes(claims),
            claims=claims,
            token=token,
        )

    async def principal(self, authorization: str | None) -> Principal | None:
        token = bearer_token(authorization)
        return None if token is None else await self.verify(token)

    async def _public_key(self, kid: object) -> PyJWK:
        if not self.jwks_url:
            raise TokenError("asymmetric tokens are not accepted here (no JWKS URL)")
        if not isinstance(kid, str):
            raise TokenError("token has no key id")
        found = self._keys.get(kid)
        if found is None:
            await self._refresh()
            found = self._keys.get(kid)
        if found is None:
            raise TokenError("token signed with an unknown key")
        return found

    async def _refresh(self) -> None:
        async with self._refresh_lock:
            if time.monotonic() - self._last_refresh < self.jwks_min_refresh:
                return
            self._last_refresh = time.monotonic()
            assert self.jwks_url is not None
            client = self._http or httpx.AsyncClient(timeout=5.0)
            try:
                response = await client.get(self.jwks_url)
                response.raise_for_status()
                document = response.json()
            except (httpx.HTTPError, ValueError):
                return  # keep the keys we had; tokens with unknown keys are refused
            finally:
                if self._http is None:
                    await client.aclose()
            self.jwks_fetches += 1
            keys: dict[str, PyJWK] = {}
            for entry in document.get("keys", []):
                try:
                    key = PyJWK.from_dict(entry)
                except jwt.PyJWTError:
                    continue
                if key.key_id:
                    keys[key.key_id] = key
            self._keys = keys


def issue_token(
    *,
    secret: str,
    subject: str,
    scopes: list[str] | tuple[str, ...] = (),
    email: str | None = None,
    ttl_seconds: int = 3600,
    issuer: str | None = None,
    audience: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """An HS256 token for development and tests (the CLI refuses this in prod)."""
    now = int(time.time())
    claims: dict[str, Any] = {"sub": subject, "iat": now, "exp": now + ttl_seconds}
    if scopes:
        claims["scope"] = " ".join(scopes)
    if email or "@" in subject:
        claims["email"] = email or subject
    if issuer:
        claims["iss"] = issuer
    if audience:
        claims["aud"] = audience
    claims.update(extra or {})
    return jwt.encode(claims, secret, algorithm="HS256")
