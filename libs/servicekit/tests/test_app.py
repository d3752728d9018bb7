"""The app factory over real HTTP semantics (ASGI transport) with a tiny real schema."""

from collections.abc import AsyncIterator

import httpx
import pytest
import strawberry
from pydantic_settings import SettingsConfigDict

from servicekit.app import ServiceState, create_app
from servicekit.context import RequestContext
from servicekit.errors import BadUserInput
from servicekit.graphql import build_schema
from servicekit.settings import DatabaseSettings

SECRET = "test-secret-for-hs256-that-is-long-enough-0123"


class DemoSettings(DatabaseSettings):
    model_config = SettingsConfigDict(env_prefix="DEMO_", extra="ignore", frozen=True)
    service_name = "demo"


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, text: str) -> str:
        if not text:
            raise BadUserInput("text must not be empty", argument="text")
        if text == "boom":
            raise RuntimeError("password=hunter2 at db.internal:5432")
        return text

    @strawberry.field
    def whoami(self, info: strawberry.Info[RequestContext, None]) -> str:
        return info.context.require_principal().subject


async def _context(request: object, state: ServiceState) -> RequestContext:
    return await RequestContext.build(request, state)  # type: ignore[arg-type]


@pytest.fixture
async def client(postgres_server_url: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = DemoSettings(database_url=f"{postgres_server_url}/postgres", jwt_secret=SECRET)
    app = create_app(
        settings, schema=build_schema(settings=settings, query=Query), context_getter=_context
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        yield c


async def _post(client: httpx.AsyncClient, body: bytes, **headers: str) -> httpx.Response:
    return await client.post(
        "/graphql", content=body, headers={"content-type": "application/json", **headers}
    )


async def test_a_query_answers(client: httpx.AsyncClient) -> None:
    response = await _post(client, b'{"query": "{ echo(text: \\"hi\\") }"}')
    assert response.status_code == 200
    assert response.json() == {"data": {"echo": "hi"}}
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b"{not json", 400, "BAD_REQUEST"),
        (b"{}", 400, "BAD_REQUEST"),
        (b'{"query": "{ echo(text: "}', 200, "GRAPHQL_PARSE_FAILED"),
        (b'{"query": "{ nothing }"}', 200, "GRAPHQL_VALIDATION_FAILED"),
        (
            b'{"query": "query($t: String!) { echo(text: $t) }", "variables": {"t": 5}}',
            200,
            "BAD_USER_INPUT",
        ),
        (b'{"query": "{ echo(text: \\"\\") }"}', 200, "BAD_USER_INPUT"),
    ],
)
async def test_bad_requests_get_a_coded_graphql_error(
    client: httpx.AsyncClient, body: bytes, status: int, code: str
) -> None:
    response = await _post(client, body)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == code
    assert "Traceback" not in response.text


async def test_unexpected_errors_are_masked_with_the_request_id(client: httpx.AsyncClient) -> None:
    response = await _post(
        client, b'{"query": "{ echo(text: \\"boom\\") }"}', **{"x-request-id": "req-42"}
    )
    error = response.json()["errors"][0]
    assert error["message"] == "Internal server error"
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"}
    assert "hunter2" not in response.text


async def test_a_bad_token_is_unauthenticated_and_a_good_one_names_the_caller(
    client: httpx.AsyncClient,
) -> None:
    from servicekit.auth import issue_token

    body = b'{"query": "{ whoami }"}'
    bad = await _post(client, body, authorization="Bearer forged.token.here")
    assert bad.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    anonymous = await _post(client, body)
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    token = issue_token(secret=SECRET, subject="carol")
    good = await _post(client, body, authorization=f"Bearer {token}")
    assert good.json() == {"data": {"whoami": "carol"}}


async def test_oversized_bodies_are_refused_before_parsing(client: httpx.AsyncClient) -> None:
    huge = b'{"query": "{ echo(text: \\"' + b"x" * 2_000_000 + b'\\") }"}'
    response = await _post(client, huge)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_health_readiness_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"].startswith("ok")
    await _post(client, b'{"query": "query Hello { echo(text: \\"x\\") }"}')
    metrics = (await client.get("/metrics")).text
    assert 'graphql_requests_total{operation="Hello",outcome="ok",service="demo"} 1.0' in metrics
    assert "db_pool_connections_in_use" in metrics


async def test_readiness_names_the_failing_check() -> None:
    settings = DemoSettings(database_url="postgresql://nobody@127.0.0.1:1/none")
    app = create_app(
        settings, schema=build_schema(settings=settings, query=Query), context_getter=_context
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c,
    ):
        response = await c.get("/readyz")
        assert response.status_code == 503
        assert response.json()["failing"] == ["database"]
        assert (await c.get("/healthz")).status_code == 200


async def test_graphiql_is_served_from_local_assets(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "/_graphiql/graphiql.min.js" in page.text
    assert "unpkg" not in page.text
    assert "jsdelivr" not in page.text
    asset = await client.get("/_graphiql/graphiql.min.js")
    assert asset.status_code == 200
    assert len(asset.content) > 1_000_000


async def test_the_engine_factory_speaks_to_real_postgres(postgres_server_url: str) -> None:
    from sqlalchemy import text

    from servicekit.database import create_engine

    engine = create_engine(
        DemoSettings(database_url=f"{postgres_server_url}/postgres", db_statement_cache=False)
    )
    async with engine.connect() as conn:
        assert (await conn.execute(text("SELECT 41 + 1"))).scalar_one() == 42
    await engine.dispose()
