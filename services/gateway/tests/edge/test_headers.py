"""Header propagation rules and the merge of subgraph response headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.edge.errors import EdgeConfigError
from gateway.edge.headers import HeaderRules, merge_cache_control, merge_response_headers

CLIENT = {
    "Authorization": "Bearer t",
    "Cookie": "session=1",
    "X-Tenant": "acme",
    "X-Feature-A": "on",
    "X-Feature-B": "off",
    "traceparent": "00-abc-def-01",
    "tracestate": "k=v",
    "Connection": "keep-alive",
    "Content-Length": "12",
    "Host": "gateway",
}


def test_by_default_authorization_and_trace_context_are_forwarded() -> None:
    assert HeaderRules().for_subgraph("payments", CLIENT) == {
        "authorization": "Bearer t",
        "traceparent": "00-abc-def-01",
        "tracestate": "k=v",
    }


def test_rules_propagate_rename_default_insert_and_remove() -> None:
    rules = HeaderRules.from_config(
        {
            "all": [
                {"propagate": {"named": "Authorization"}},
                {"propagate": {"matching": "^x-feature-"}},
                {"insert": {"name": "X-Gateway", "value": "edge"}},
            ],
            "subgraphs": {
                "payments": [
                    {"propagate": {"named": "x-tenant", "rename": "x-tenant-id"}},
                    {"propagate": {"named": "x-region", "default": "eu"}},
                    {"remove": {"named": "authorization"}},
                    {"remove": {"matching": "-b$"}},
                ]
            },
        }
    )
    assert rules.for_subgraph("events", CLIENT) == {
        "authorization": "Bearer t",
        "x-feature-a": "on",
        "x-feature-b": "off",
        "x-gateway": "edge",
        "traceparent": "00-abc-def-01",
        "tracestate": "k=v",
    }
    assert rules.for_subgraph("payments", CLIENT) == {
        "x-feature-a": "on",
        "x-gateway": "edge",
        "x-tenant-id": "acme",
        "x-region": "eu",
        "traceparent": "00-abc-def-01",
        "tracestate": "k=v",
    }


def test_hop_by_hop_headers_are_never_forwarded_and_trace_context_always_is() -> None:
    rules = HeaderRules.from_config(
        {
            "all": [
                {"propagate": {"matching": ".*"}},
                {"insert": {"name": "connection", "value": "close"}},
                {"remove": {"named": "traceparent"}},
            ]
        }
    )
    out = rules.for_subgraph("x", CLIENT)
    assert not {"connection", "content-length", "host"} & out.keys()
    assert out["traceparent"] == "00-abc-def-01"
    assert out["cookie"] == "session=1"


def test_no_rules_at_all_forwards_only_trace_context() -> None:
    assert HeaderRules.from_config({"all": []}).for_subgraph("x", CLIENT) == {
        "traceparent": "00-abc-def-01",
        "tracestate": "k=v",
    }


def test_repeated_client_headers_are_joined() -> None:
    pairs = [("x-tag", "a"), ("X-Tag", "b")]
    rules = HeaderRules.from_config({"all": [{"propagate": {"named": "x-tag"}}]})
    assert rules.for_subgraph("x", pairs) == {"x-tag": "a, b"}


def test_rules_load_from_json_and_yaml(tmp_path: Path) -> None:
    from_json = HeaderRules.from_json('{"subgraphs": {"a": [{"propagate": {"named": "x-a"}}]}}')
    assert from_json.for_subgraph("a", {"x-a": "1"}) == {"x-a": "1"}
    path = tmp_path / "headers.yaml"
    path.write_text("all:\n  - propagate: {named: x-b}\nresponse:\n  set_cookie_from: [delivery]\n")
    from_yaml = HeaderRules.from_file(path)
    assert from_yaml.for_subgraph("a", {"x-b": "2", "authorization": "t"}) == {"x-b": "2"}
    assert from_yaml.set_cookie_from == {"delivery"}


@pytest.mark.parametrize(
    "config",
    [
        [],
        {"unknown": []},
        {"all": {}},
        {"all": [{"forward": {"named": "a"}}]},
        {"all": [{"propagate": {}}]},
        {"all": [{"propagate": {"named": "a", "matching": "b"}}]},
        {"all": [{"propagate": {"matching": "("}}]},
        {"all": [{"propagate": {"matching": "a", "rename": "b"}}]},
        {"all": [{"remove": {"named": "a", "default": "b"}}]},
        {"all": [{"insert": {"name": "a"}}]},
        {"subgraphs": []},
        {"response": {"set_cookie_from": "delivery"}},
    ],
)
def test_bad_rules_are_config_errors(config: object) -> None:
    with pytest.raises(EdgeConfigError):
        HeaderRules.from_config(config)  # type: ignore[arg-type]


def test_bad_json_is_a_config_error() -> None:
    with pytest.raises(EdgeConfigError):
        HeaderRules.from_json("{")


# --- responses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        (["max-age=60, public", "public, max-age=30"], "public, max-age=30"),
        (["max-age=60, public", "private, max-age=120"], "private, max-age=60"),
        (["max-age=60", "no-store"], "no-store"),
        (["max-age=60", None], "no-store"),  # a subgraph that said nothing may not be cached
        (
            ["public, max-age=60, s-maxage=300", "public, max-age=90"],
            "public, max-age=60, s-maxage=90",
        ),
        (
            ["max-age=10, must-revalidate", "no-cache, max-age=5"],
            "no-cache, max-age=5, must-revalidate",
        ),
        (['max-age="20"'], "max-age=20"),
    ],
)
def test_the_most_restrictive_cache_control_wins(
    values: list[str | None], expected: str | None
) -> None:
    assert merge_cache_control(values) == expected


def test_set_cookie_only_from_allowed_subgraphs_and_propagated_headers() -> None:
    merged = merge_response_headers(
        [
            ("payments", [("Set-Cookie", "p=1"), ("Cache-Control", "max-age=10"), ("X-Cost", "3")]),
            ("delivery", [("set-cookie", "d=1"), ("set-cookie", "d=2"), ("x-cost", "9")]),
        ],
        set_cookie_from=["delivery"],
        propagate=["X-Cost"],
    )
    assert merged == [
        ("x-cost", "3"),
        ("cache-control", "no-store"),
        ("set-cookie", "d=1"),
        ("set-cookie", "d=2"),
    ]


def test_rules_carry_the_response_policy() -> None:
    rules = HeaderRules.from_config({"response": {"set_cookie_from": ["a"], "propagate": ["x-id"]}})
    merged = rules.merge_responses(
        [("a", {"set-cookie": "s=1", "cache-control": "max-age=5", "x-id": "r1"}),
         ("b", {"set-cookie": "t=1", "cache-control": "max-age=7"})]
    )  # fmt: skip
    assert merged == [("x-id", "r1"), ("cache-control", "max-age=5"), ("set-cookie", "s=1")]
