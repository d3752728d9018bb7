"""Log lines: JSON with the request id and the caller's extra fields, nothing else."""

from __future__ import annotations

import logging

import orjson

from servicekit.logs import ConsoleFormatter, JsonFormatter, request_id_var


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("svc", logging.INFO, __file__, 1, message, (), None)
    record.__dict__.update(extra)
    return record


def test_a_json_line_carries_the_request_id_and_the_extra_fields() -> None:
    token = request_id_var.set("req-1")
    try:
        line = JsonFormatter().format(_record("request", status=200, duration_ms=1.5))
    finally:
        request_id_var.reset(token)
    payload = orjson.loads(line)
    assert {k: v for k, v in payload.items() if k != "ts"} == {
        "level": "info",
        "logger": "svc",
        "msg": "request",
        "request_id": "req-1",
        "status": 200,
        "duration_ms": 1.5,
    }


def test_uvicorns_colored_copy_of_the_message_is_not_a_field() -> None:
    record = _record("Uvicorn running on http://127.0.0.1:5000", color_message="\x1b[1m%s\x1b[0m")
    assert "color_message" not in orjson.loads(JsonFormatter().format(record))
    assert "color_message" not in ConsoleFormatter().format(record)


def test_new_request_ids_are_32_hex_digits_and_do_not_repeat() -> None:
    from servicekit.logs import new_request_id

    ids = [new_request_id() for _ in range(10_000)]
    assert all(len(i) == 32 and set(i) <= set("0123456789abcdef") for i in ids)
    assert len(set(ids)) == len(ids)


def test_a_client_request_id_is_kept_only_when_short_and_printable() -> None:
    from servicekit.logs import request_id_for

    assert request_id_for([(b"accept", b"*/*"), (b"x-request-id", b"req-42")]) == "req-42"
    for bad in (b"", b"x" * 65, b"a\nb"):
        fresh = request_id_for([(b"x-request-id", bad)])
        assert len(fresh) == 32
        assert fresh != bad.decode("latin-1")
    assert len(request_id_for([])) == 32
