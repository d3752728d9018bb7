"""Timed garbage collection: the schedule, cyclic garbage found, thresholds, an app's task."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import strawberry
from pydantic_settings import SettingsConfigDict

from servicekit.app import ServiceState, create_app
from servicekit.gc_timer import SAFETY_THRESHOLD, TimedCollector
from servicekit.graphql import build_schema
from servicekit.settings import ServiceSettings


@pytest.fixture
def automatic_gc_off() -> Iterator[None]:
    """Only the collector under test may find the garbage."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


def test_generations_follow_the_tick_schedule() -> None:
    seen: list[int] = []
    collector = TimedCollector(1.0, lambda generation, _found, _s: seen.append(generation))
    for _ in range(120):
        collector.tick()
    assert [i + 1 for i, g in enumerate(seen) if g == 2] == [60, 120]
    assert [i + 1 for i, g in enumerate(seen) if g == 1] == [
        10,
        20,
        30,
        40,
        50,
        70,
        80,
        90,
        100,
        110,
    ]
    assert seen.count(0) == 120 - 2 - 10


class _Node:
    def __init__(self) -> None:
        self.other: Any = None


@pytest.mark.usefixtures("automatic_gc_off")
def test_a_tick_frees_cyclic_garbage() -> None:
    found: list[tuple[int, int]] = []
    collector = TimedCollector(1.0, lambda generation, n, _s: found.append((generation, n)))
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # a cycle: reference counting alone never frees it
    gone = weakref.ref(a)
    del a, b
    assert gone() is not None
    assert collector.tick() >= 2
    assert gone() is None
    assert found[0][0] == 0
    assert found[0][1] >= 2


@pytest.mark.asyncio(loop_scope="session")
async def test_running_collectors_raise_the_threshold_and_the_last_one_restores_it() -> None:
    before = gc.get_threshold()
    first = asyncio.create_task(TimedCollector(0.01).run())
    second = asyncio.create_task(TimedCollector(0.01).run())
    await asyncio.sleep(0.05)
    assert gc.get_threshold() == (SAFETY_THRESHOLD, *before[1:])
    first.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await first
    assert gc.get_threshold()[0] == SAFETY_THRESHOLD  # the second one still runs
    second.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await second
    assert gc.get_threshold() == before


def test_a_non_positive_interval_is_refused() -> None:
    with pytest.raises(ValueError, match="interval_s"):
        TimedCollector(0)


class _Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GCDEMO_", extra="ignore", frozen=True)
    service_name = "gcdemo"


@strawberry.type
class _Query:
    @strawberry.field
    def ok(self) -> bool:
        return True


async def _context(_request: object, state: ServiceState) -> ServiceState:
    return state


async def _metrics_until(client: httpx.AsyncClient, series: str) -> str:
    text = ""
    for _ in range(200):  # until the first tick has run (no timing assumption)
        text = (await client.get("/metrics")).text
        if series in text:
            break
        await asyncio.sleep(0.01)
    return text


@contextlib.asynccontextmanager
async def _service(gc_interval_s: float) -> AsyncIterator[httpx.AsyncClient]:
    settings = _Settings(gc_interval_s=gc_interval_s)
    schema = build_schema(settings=settings, query=_Query)
    app = create_app(settings, schema=schema, context_getter=_context)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client,
    ):
        yield client


PAUSES = 'gc_pause_seconds_count{generation="0",service="gcdemo"}'


@pytest.mark.asyncio(loop_scope="session")
async def test_a_service_collects_on_its_timer_and_reports_the_pauses() -> None:
    before = gc.get_threshold()
    async with _service(gc_interval_s=0.01) as client:
        text = await _metrics_until(client, PAUSES)
        assert PAUSES in text
        assert 'gc_collected_objects_total{generation="0",service="gcdemo"}' in text
        assert gc.get_threshold()[0] == SAFETY_THRESHOLD
    assert gc.get_threshold() == before


@pytest.mark.asyncio(loop_scope="session")
async def test_an_interval_of_zero_keeps_cpython_collection() -> None:
    before = gc.get_threshold()
    async with _service(gc_interval_s=0) as client:
        assert gc.get_threshold() == before
        assert PAUSES not in (await client.get("/metrics")).text


def test_every_service_collects_every_second_by_default() -> None:
    assert _Settings().gc_interval_s == 1.0
