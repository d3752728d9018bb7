"""Field-level encryption of personal data (AES-256-GCM) with rotatable keys.

Each ciphertext is stored next to the id of the key that produced it, so keys
can rotate: new writes use the active key, reads use whichever key the row
names, and ``delivery-service rotate-pii-key`` re-encrypts old rows. The
associated data binds a ciphertext to its row, so a ciphertext copied onto
another row does not decrypt.

Key material comes from ``DELIVERY_PII_KEYS`` = ``kid:base64key[,kid:base64key...]``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from delivery.config import Settings
from delivery.errors import PiiKeyError

__all__ = ["DEV_KEY_ID", "PiiCipher", "generate_key", "parse_keys"]

_NONCE_BYTES = 12
_KEY_BYTES = 32
_KID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

# Used only outside production when no key is configured (check_production refuses it).
DEV_KEY_ID = "dev-insecure"
_DEV_KEY = hashlib.sha256(b"delivery development key - not secret").digest()


def generate_key() -> str:
    """A fresh base64 key for ``DELIVERY_PII_KEYS``."""
    return base64.b64encode(os.urandom(_KEY_BYTES)).decode()


def parse_keys(raw: str) -> dict[str, bytes]:
    """Parse ``kid:base64key,...``; raise :class:`PiiKeyError` naming the bad entry."""
    keys: dict[str, bytes] = {}
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        kid, sep, encoded = entry.partition(":")
        kid = kid.strip()
        if not sep or not _KID.match(kid):
            raise PiiKeyError(f"PII key entry {kid!r}: expected kid:base64key")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except binascii.Error as err:
            raise PiiKeyError(f"PII key {kid!r} is not valid base64") from err
        if len(key) != _KEY_BYTES:
            raise PiiKeyError(f"PII key {kid!r} must be {_KEY_BYTES} bytes, got {len(key)}")
        if kid in keys:
            raise PiiKeyError(f"PII key {kid!r} is listed twice")
        keys[kid] = key
    if not keys:
        raise PiiKeyError("no PII keys configured")
    return keys


class PiiCipher:
    """Encrypts with the active key; decrypts with any configured key."""

    def __init__(self, keys: dict[str, bytes], *, active: str) -> None:
        if active not in keys:
            raise PiiKeyError(f"the active PII key {active!r} is not among the configured keys")
        self._aead = {kid: AESGCM(key) for kid, key in keys.items()}
        self.active = active

    @classmethod
    def from_settings(cls, settings: Settings) -> PiiCipher:
        if settings.pii_keys is None:
            if settings.is_prod:
                raise PiiKeyError(f"{settings.env_name('pii_keys')} is not set")
            keys = {DEV_KEY_ID: _DEV_KEY}
        else:
            keys = parse_keys(settings.pii_keys.get_secret_value())
        active = settings.pii_active_key or list(keys)[-1]
        return cls(keys, active=active)

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._aead)

    def encrypt(self, plaintext: bytes, *, associated: bytes) -> tuple[str, bytes]:
        """``(key id, nonce || ciphertext+tag)`` under the active key."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead[self.active].encrypt(nonce, plaintext, associated)
        return self.active, nonce + sealed

    def decrypt(self, key_id: str, blob: bytes, *, associated: bytes) -> bytes:
        aead = self._aead.get(key_id)
        if aead is None:
            raise PiiKeyError(f"PII key {key_id!r} is not configured (needed to read a row)")
        try:
            return aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], associated)
        except InvalidTag as err:
            raise PiiKeyError(f"a ciphertext under key {key_id!r} failed authentication") from err
