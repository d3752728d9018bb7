"""Logging: JSON lines on stdout in containers, readable lines on a terminal.

A request id lives in a context variable so every line logged while serving a
request carries it, and the app factory writes one summary line per request.
"""

from __future__ import annotations

import contextvars
import logging
import random
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson

__all__ = ["configure_logging", "get_logger", "new_request_id", "request_id_for", "request_id_var"]

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)


def new_request_id() -> str:
    """32 hex digits for a request without an ``X-Request-Id``: unique for correlation,
    not a secret, so no ``os.urandom`` (a getrandom() system call per request)."""
    return f"{random.getrandbits(128):032x}"


def request_id_for(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The client's ``X-Request-Id`` when it is short printable text, else a new id."""
    for name, value in headers:
        if name == b"x-request-id":
            text = value.decode("latin-1")
            if 0 < len(text) <= 64 and text.isprintable():
                return text
            break
    return new_request_id()


# Attributes every LogRecord has; anything else was passed through `extra=`. uvicorn adds
# `color_message` (the message again, with terminal escapes) to some lines: never a field.
_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__.keys()
    | {"message", "asctime", "color_message"}
)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = request_id_var.get()
        if request_id is not None:
            payload["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(payload, default=str).decode()


class ConsoleFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extras = " ".join(
            f"{key}={value}"
            for key, value in record.__dict__.items()
            if key not in _STANDARD_ATTRS and not key.startswith("_")
        )
        request_id = request_id_var.get()
        prefix = f"{datetime.now().strftime('%H:%M:%S')} {record.levelname:<7} {record.name}"
        line = f"{prefix} {record.getMessage()}"
        if request_id:
            line += f" [{request_id}]"
        if extras:
            line += f"  {extras}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(*, level: str = "INFO", fmt: str = "auto") -> None:
    """Route the root logger (and uvicorn's) to stdout in the chosen format."""
    use_json = fmt == "json" or (fmt == "auto" and not sys.stdout.isatty())
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if use_json else ConsoleFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # The app writes its own per-request summary line; uvicorn's access log would double it.
    logging.getLogger("uvicorn.access").disabled = True
    # Neither format prints the process, thread or multiprocessing name: a LogRecord asks
    # for them anyway (os.getpid() is a system call on every record) unless told not to.
    logging.logProcesses = False
    logging.logThreads = False
    logging.logMultiprocessing = False


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name)
