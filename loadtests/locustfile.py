"""Load scenarios through the gateway. Choose one with LOADTEST_SCENARIO (default: mixed).

- browse:   read-heavy joins across the three services (deliveries → payments)
- checkout: create and capture a payment (idempotency keys), schedule its delivery, follow it
- audit:    event search with filters and cursor pagination, plus saveEvent
- mixed:    a weighted blend (browse 6 : audit 3 : checkout 1)
- spike:    mixed under a step load shape (base → spike → base)
- soak:     mixed, long and steady (give it a long --run-time)
"""

from __future__ import annotations

import os
import random
import re
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import jwt
from locust import FastHttpUser, LoadTestShape, between, task

OPERATIONS = Path(__file__).parent / "operations"
ROOT = Path(__file__).resolve().parent.parent


@cache
def operation(name: str) -> str:
    """The document holding operation ``name`` (each .graphql file may hold several)."""
    for path in sorted(OPERATIONS.glob("*.graphql")):
        text = path.read_text()
        if re.search(rf"\b(query|mutation)\s+{name}\b", text):
            return text
    raise KeyError(f"no operation {name} in {OPERATIONS}")


def jwt_secret() -> str:
    secret = os.environ.get("LOADTEST_JWT_SECRET")
    if secret:
        return secret
    dev = ROOT / ".data" / "dev-jwt-secret"
    if dev.exists():
        return dev.read_text().strip()
    raise RuntimeError("set LOADTEST_JWT_SECRET (the platform's JWT secret) or run `make dev`")


def token(subject: str, scopes: str) -> str:
    now = int(time.time())
    claims = {"sub": subject, "email": subject, "scope": scopes, "iat": now, "exp": now + 7200}
    return jwt.encode(claims, jwt_secret(), algorithm="HS256")


class GraphQLUser(FastHttpUser):
    abstract = True
    scopes = "payments:write delivery:write"

    def on_start(self) -> None:
        self.email = f"load-{id(self):x}-{int(time.time() * 1000) % 100000}@example.com"
        self.auth = {"Authorization": f"Bearer {token(self.email, self.scopes)}"}

    def gql(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """Run one operation; a transport error or any GraphQL error marks the request failed."""
        body = {"query": operation(name), "operationName": name, "variables": variables or {}}
        with self.client.post(
            "/graphql", json=body, headers=self.auth, name=name, catch_response=True
        ) as response:
            try:
                payload = response.json()
            except ValueError:
                response.failure(f"HTTP {response.status_code}: not JSON")
                return None
            errors = payload.get("errors")
            if response.status_code != 200 or errors:
                code = (errors or [{}])[0].get("extensions", {}).get("code", "?")
                response.failure(f"HTTP {response.status_code} {code}: {errors}"[:300])
                return None
            response.success()
            data: dict[str, Any] | None = payload.get("data")
            return data


SCENARIO = os.environ.get("LOADTEST_SCENARIO", "mixed")
CITIES = [("Berlin", "DE"), ("Lyon", "FR"), ("Porto", "PT"), ("Oslo", "NO")]


def buy_and_ship(user: GraphQLUser) -> None:
    """Authorize and capture a payment, schedule its delivery, then read it back."""
    key = uuid.uuid4().hex
    amount = random.randint(100, 50_000)
    created = user.gql(
        "CreatePayment",
        {"input": {"amount": amount, "currency": "EUR", "description": "load"}, "key": key},
    )
    if not created:
        return
    payment_id = created["createPayment"]["id"]
    if not user.gql("CapturePayment", {"id": payment_id, "key": key + "-c"}):
        return
    city, country = random.choice(CITIES)
    address = {"line1": "1 Main St", "city": city, "postalCode": "10115", "country": country}
    user.gql(
        "ScheduleDelivery",
        {"paymentId": payment_id, "name": "Load Tester", "address": address, "key": key + "-d"},
    )
    user.gql("FollowPayment", {"id": payment_id})


class Checkout(GraphQLUser):
    weight = 1
    wait_time = between(0.05, 0.2)

    @task
    def checkout(self) -> None:
        buy_and_ship(self)


class Browse(GraphQLUser):
    weight = 6
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        super().on_start()
        buy_and_ship(self)  # something of this user's own to browse

    @task(3)
    def board(self) -> None:
        self.gql("DeliveryBoard", {"first": 20})

    @task(2)
    def my_payments(self) -> None:
        self.gql("MyPayments", {"first": 20})


class Audit(GraphQLUser):
    weight = 3
    wait_time = between(0.05, 0.2)

    @task(3)
    def search_and_page(self) -> None:
        page = self.gql(
            "SearchEvents", {"filter": {"component": "checkout"}, "first": 20, "after": None}
        )
        cursor = page and page["eventsConnection"]["pageInfo"]["endCursor"]
        if cursor:
            self.gql(
                "SearchEvents", {"filter": {"component": "checkout"}, "first": 20, "after": cursor}
            )

    @task(2)
    def text_search(self) -> None:
        self.gql("SearchEvents", {"filter": {"text": "timeout"}, "first": 20, "after": None})

    @task(1)
    def by_parameters(self) -> None:
        self.gql("EventsByParameters", {"component": "checkout", "date": "01-01-2020"})

    @task(2)
    def save(self) -> None:
        self.gql(
            "SaveEvent",
            {
                "email": self.email,
                "component": random.choice(["checkout", "search", "auth"]),
                "message": random.choice(["request timeout", "user signed in", "cart updated"]),
                "data": '{"source": "locust"}',
            },
        )


if SCENARIO == "spike":

    class SpikeShape(LoadTestShape):
        """Base load, a spike of 5x users, back to base; each phase a third of the run."""

        def tick(self) -> tuple[int, float] | None:
            users = int(os.environ.get("LOADTEST_USERS", "10"))
            total = float(os.environ.get("LOADTEST_SECONDS", "60"))
            elapsed = self.get_run_time()
            if elapsed > total:
                return None
            if total / 3 <= elapsed < 2 * total / 3:
                return users * 5, users * 5
            return users, users
