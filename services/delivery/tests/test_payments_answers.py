"""How delivery reads payments' answers: only a clear answer counts, the rest fails closed."""

from __future__ import annotations

from typing import Any

import pytest

from delivery.payments_client import PaymentInfo, parse_answer
from servicekit.errors import DependencyUnavailable, Unauthenticated

PID = "6f1c0e7a-0000-4000-8000-000000000000"


def _error(code: str | None) -> dict[str, Any]:
    return {"message": "m", "extensions": {"code": code} if code else {}}


def test_a_payment_is_read_from_its_entity() -> None:
    document = {"data": {"_entities": [{"id": PID, "status": "CAPTURED", "payerEmail": "a@x"}]}}
    assert parse_answer(document, payment_id=PID, status_code=200) == PaymentInfo(
        id=PID, status="CAPTURED", payer_email="a@x"
    )


@pytest.mark.parametrize("code", ["NOT_FOUND", "FORBIDDEN"])
def test_not_found_or_not_yours_means_no_payment(code: str) -> None:
    document = {"data": {"_entities": [None]}, "errors": [_error(code)]}
    assert parse_answer(document, payment_id=PID, status_code=200) is None


def test_a_refused_token_is_unauthenticated() -> None:
    document = {"data": {"_entities": [None]}, "errors": [_error("UNAUTHENTICATED")]}
    with pytest.raises(Unauthenticated):
        parse_answer(document, payment_id=PID, status_code=200)


@pytest.mark.parametrize(
    "document",
    [
        {"data": {"_entities": [None]}, "errors": [_error("INTERNAL_SERVER_ERROR")]},
        {"data": {"_entities": [None]}, "errors": [_error(None)]},
        {"data": {"_entities": [None]}, "errors": [_error("NOT_FOUND"), _error("OTHER")]},
        {"data": None, "errors": [_error("GRAPHQL_VALIDATION_FAILED")]},
        {"message": "Bad gateway"},
        ["not", "an", "object"],
        {"data": {"_entities": [{"id": "another-id", "status": "CAPTURED", "payerEmail": "a"}]}},
        {"data": {"_entities": [{"id": PID, "status": None, "payerEmail": "a"}]}},
        {"data": {"_entities": []}},
        {"data": {"_entities": [None]}},
        {"data": {"_entities": [None, None]}, "errors": [_error("NOT_FOUND")]},
    ],
)
def test_anything_unclear_fails_closed(document: Any) -> None:
    with pytest.raises(DependencyUnavailable):
        parse_answer(document, payment_id=PID, status_code=200)
