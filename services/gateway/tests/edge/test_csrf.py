"""CSRF prevention: simple requests need a preflight header."""

from __future__ import annotations

import pytest

from gateway.edge.csrf import check_csrf, is_preflighted
from gateway.edge.errors import CsrfRejected


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Content-Type": "text/plain"},
        {"content-type": "text/plain;charset=utf-8"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"content-type": "Multipart/Form-Data; boundary=x"},
        {"content-type": ""},
        {"content-type": "text/plain", "x-apollo-operation-name": ""},
        {"apollo-require-preflight": "   "},
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_simple_requests_are_refused(method: str, headers: dict[str, str]) -> None:
    with pytest.raises(CsrfRejected) as err:
        check_csrf(method, headers)
    body = err.value.to_json()
    assert body["extensions"] == {"code": "BAD_REQUEST", "reason": "CSRF_PREVENTION"}
    assert "x-apollo-operation-name, apollo-require-preflight" in body["message"]
    assert err.value.status == 400


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "application/json"},
        {"Content-Type": "application/graphql-response+json; charset=utf-8"},
        {"content-type": "text/plain", "Apollo-Require-Preflight": "true"},
        {"x-apollo-operation-name": "Hello"},
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_preflighted_requests_pass(method: str, headers: dict[str, str]) -> None:
    check_csrf(method, headers)
    assert is_preflighted(headers)


def test_the_required_headers_are_configurable() -> None:
    headers = {"x-requested-with": "fetch"}
    with pytest.raises(CsrfRejected):
        check_csrf("GET", headers)
    check_csrf("GET", headers, required_headers=["X-Requested-With"])


def test_header_pairs_are_accepted_and_every_content_type_must_be_safe() -> None:
    pairs = [("content-type", "application/json"), ("content-type", "text/plain")]
    assert not is_preflighted(pairs)
    assert is_preflighted([("content-type", "application/json")])


def test_disabled_or_options_never_refuses() -> None:
    check_csrf("GET", {}, enabled=False)
    check_csrf("OPTIONS", {})
