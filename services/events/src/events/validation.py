"""Input checks shared by the queries and mutations.

Every failure is a :class:`servicekit.errors.BadUserInput` (``BAD_USER_INPUT``) naming the
argument, raised before anything touches the database.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from events.models import (
    MAX_COMPONENT_LENGTH,
    MAX_DATA_BYTES,
    MAX_EMAIL_LENGTH,
    MAX_ENVIRONMENT_LENGTH,
    MAX_MESSAGE_LENGTH,
)
from servicekit.errors import BadUserInput

__all__ = [
    "MAX_TEXT_LENGTH",
    "as_utc",
    "check_data_size",
    "check_email",
    "check_email_filter",
    "check_first",
    "check_label",
    "check_message",
    "check_optional_label",
    "check_text",
    "parse_json_string",
    "parse_legacy_date",
]

MAX_TEXT_LENGTH = 1_000

# Deliberately simple: one @, no spaces, a dot in the domain. Real validation is delivery.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_LEGACY_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_LABEL_LIMITS = {"environment": MAX_ENVIRONMENT_LENGTH, "component": MAX_COMPONENT_LENGTH}


def check_email(value: str | None, *, argument: str) -> str:
    if value is None or not value.strip():
        raise BadUserInput(f"{argument} is required", argument=argument)
    value = value.strip()
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.match(value):
        raise BadUserInput(f"{argument} is not a valid email address", argument=argument)
    return value


def check_email_filter(value: str | None, *, argument: str) -> str | None:
    """An email filter: absent or empty means no filter; no format check (it only matches)."""
    if value is None or value == "":
        return None
    if len(value) > MAX_EMAIL_LENGTH:
        raise BadUserInput(
            f"{argument} is longer than {MAX_EMAIL_LENGTH} characters", argument=argument
        )
    return value.strip()


def check_label(value: str | None, *, argument: str) -> str:
    """``environment`` and ``component``: required, non-blank, at most 64 characters."""
    if value is None or not value.strip():
        raise BadUserInput(f"{argument} is required", argument=argument)
    limit = _LABEL_LIMITS[argument.rsplit(".", 1)[-1]]
    if len(value) > limit:
        raise BadUserInput(f"{argument} is longer than {limit} characters", argument=argument)
    return value


def check_optional_label(value: str | None, *, argument: str) -> str | None:
    """A filter on a label: absent or empty means no filter; too long is an error."""
    if value is None or value == "":
        return None
    if len(value) > MAX_ENVIRONMENT_LENGTH:
        raise BadUserInput(
            f"{argument} is longer than {MAX_ENVIRONMENT_LENGTH} characters", argument=argument
        )
    return value


def check_text(value: str | None, *, argument: str) -> str | None:
    if value is None or value == "":
        return None
    if len(value) > MAX_TEXT_LENGTH:
        raise BadUserInput(
            f"{argument} is longer than {MAX_TEXT_LENGTH} characters", argument=argument
        )
    return value


def check_message(value: str | None, *, argument: str) -> str:
    if value is None:
        raise BadUserInput(f"{argument} is required", argument=argument)
    if len(value) > MAX_MESSAGE_LENGTH:
        raise BadUserInput(
            f"{argument} is longer than {MAX_MESSAGE_LENGTH} characters", argument=argument
        )
    return value


def check_data_size(value: Any, *, argument: str) -> Any:
    size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
    if size > MAX_DATA_BYTES:
        raise BadUserInput(
            f"{argument} is {size} bytes serialized; the limit is {MAX_DATA_BYTES}",
            argument=argument,
        )
    return value


def parse_json_string(raw: str | None, *, argument: str) -> Any:
    """The original ``JSONString``: a string holding JSON (``None`` when absent)."""
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (TypeError, ValueError) as err:
        raise BadUserInput(f"{argument} is not valid JSON: {err}", argument=argument) from None
    return check_data_size(value, argument=argument)


def check_first(value: int | None, *, default: int, maximum: int, argument: str = "first") -> int:
    if value is None:
        return default
    if value < 0 or value > maximum:
        raise BadUserInput(f"{argument} must be between 0 and {maximum}", argument=argument)
    return value


def parse_legacy_date(value: str | None, *, argument: str = "date") -> datetime | None:
    """``1-1-2018`` or ``01-01-2018`` (day-month-year): the start of that day, UTC."""
    if value is None or value == "":
        return None
    match = _LEGACY_DATE.match(value.strip())
    if match is None:
        raise BadUserInput(f"{argument} must be day-month-year, e.g. 01-01-2018", argument=argument)
    day, month, year = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        raise BadUserInput(f"{argument} is not a calendar date", argument=argument) from None


def as_utc(value: datetime | None) -> datetime | None:
    """Filters given without an offset are read as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
