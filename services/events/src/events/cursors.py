"""Opaque, signed pagination cursors.

A cursor is the keyset position ``(created_at, id)`` of the last event of a page, base64url
encoded and signed with HMAC-SHA256 under the service's app secret: a client can pass it back
but cannot forge one pointing elsewhere. Keyset positions (not offsets) keep pages stable while
other clients insert events.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from servicekit.errors import BadUserInput

__all__ = ["Position", "decode_cursor", "encode_cursor"]

_SIGNATURE_BYTES = 16
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Position:
    created_at: datetime
    id: int


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def encode_cursor(position: Position, *, key: bytes) -> str:
    # Exact integer microseconds: a float timestamp could round and skip a row.
    micros = (position.created_at - _EPOCH) // _MICROSECOND
    payload = json.dumps([micros, position.id], separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_sign(key, payload))}"


def decode_cursor(cursor: str, *, key: bytes, argument: str = "after") -> Position:
    bad = BadUserInput(f"{argument} is not a valid cursor", argument=argument)
    body, dot, signature = cursor.partition(".")
    if not dot or len(cursor) > 200:
        raise bad
    try:
        payload = _unb64(body)
        given = _unb64(signature)
    except (binascii.Error, ValueError):
        raise bad from None
    if not hmac.compare_digest(given, _sign(key, payload)):
        raise bad
    try:
        micros, event_id = json.loads(payload)
        created_at = _EPOCH + timedelta(microseconds=int(micros))
        return Position(created_at=created_at, id=int(event_id))
    except (TypeError, ValueError, OverflowError, OSError):
        raise bad from None
