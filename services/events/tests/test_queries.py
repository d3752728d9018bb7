"""events, eventsByParameters and event: filters, ordering and bounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from events_testkit import GraphQL, add_events
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2018, 1, 1, tzinfo=UTC)


@pytest.fixture
async def seeded(sessions: Sessions) -> list[int]:
    """Six events a day apart from 30-12-2017 on, in a component no other test uses."""
    rows: list[dict[str, object]] = [
        {"email": "ada@example.com", "environment": "prod", "message": "Payment FAILED: card"},
        {"email": "ada@example.com", "environment": "dev", "message": "payment ok"},
        {"email": "bob@example.com", "environment": "prod", "message": "login ok"},
        {"email": "bob@example.com", "environment": "prod", "message": "100% done_now"},
        {"email": "ada@example.com", "environment": "prod", "message": "logout"},
        {"email": "cy@example.com", "environment": "test", "message": "payment retried"},
    ]
    for index, row in enumerate(rows):
        row["component"] = "qtest"
        row["created_at"] = T0 + timedelta(days=index - 2)
    return await add_events(sessions, rows)


def messages(body: dict[str, object]) -> list[str]:
    data = body["data"]
    assert isinstance(data, dict), body
    (events,) = data.values()
    return [event["message"] for event in events]


async def test_events_answers_the_original_plain_list_newest_first(
    gql: GraphQL, seeded: list[int]
) -> None:
    body = await gql('{ events(filter: {component: "qtest"}) { id email message createdAt } }')
    events = body["data"]["events"]
    assert [int(event["id"]) for event in events] == list(reversed(seeded))
    stamps = [datetime.fromisoformat(event["createdAt"]) for event in events]
    assert stamps == sorted(stamps, reverse=True)


async def test_events_without_arguments_still_works(gql: GraphQL, seeded: list[int]) -> None:
    body = await gql("{ events { id email environment component message data createdAt } }")
    ids = [int(event["id"]) for event in body["data"]["events"]]
    assert set(seeded) <= set(ids)


async def test_events_first_bounds_the_list(gql: GraphQL, seeded: list[int]) -> None:
    body = await gql('{ events(filter: {component: "qtest"}, first: 2) { id } }')
    assert [int(e["id"]) for e in body["data"]["events"]] == [seeded[5], seeded[4]]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        pytest.param('email: "ada@example.com"', ["logout", "payment ok", "Payment FAILED: card"],
                     id="email"),
        pytest.param('environment: "prod", email: "bob@example.com"',
                     ["100% done_now", "login ok"], id="environment-and-email"),
        pytest.param('text: "PAYMENT"', ["payment retried", "payment ok", "Payment FAILED: card"],
                     id="text-is-case-insensitive-substring"),
        pytest.param('text: "100%"', ["100% done_now"], id="percent-is-literal"),
        pytest.param('text: "e_n"', ["100% done_now"], id="underscore-is-literal"),
        pytest.param('date: "1-1-2018"', ["payment retried", "logout", "100% done_now",
                                          "login ok"], id="date-on-or-after-that-day"),
        pytest.param('date: "03-01-2018", environment: "prod"', ["logout"],
                     id="padded-date-with-environment"),
        pytest.param("", ["payment retried", "logout", "100% done_now", "login ok",
                          "payment ok", "Payment FAILED: card"], id="no-parameters-no-filter"),
    ],
)  # fmt: skip
async def test_events_by_parameters_filters_like_the_original(
    gql: GraphQL, seeded: list[int], arguments: str, expected: list[str]
) -> None:
    separator = ", " if arguments else ""
    query = f'{{ eventsByParameters(component: "qtest"{separator}{arguments}) {{ message }} }}'
    assert messages(await gql(query)) == expected


async def test_filter_since_and_until(gql: GraphQL, seeded: list[int]) -> None:
    body = await gql(
        """{ events(filter: {component: "qtest", since: "2017-12-31T00:00:00+00:00",
                             until: "2018-01-02T00:00:00"}) { message } }"""
    )
    assert messages(body) == ["login ok", "payment ok"]


async def test_event_by_unknown_or_malformed_id_is_null(gql: GraphQL) -> None:
    body = await gql('{ a: event(id: "999999999") { id } }')
    assert body == {"data": {"a": None}}
    body = await gql('{ b: event(id: "not-a-number") { id } }')
    assert body == {"data": {"b": None}}
