"""The gateway's app runs servicekit's timed garbage collector (servicekit/gc_timer.py)."""

from __future__ import annotations

import asyncio
import gc

import pytest
from gwharness.gatewayapp import running_gateway

from servicekit.gc_timer import SAFETY_THRESHOLD

from .test_http import SUPERGRAPH, hello_subgraph


@pytest.mark.asyncio(loop_scope="session")
async def test_the_gateway_collects_on_its_timer_and_reports_the_pauses() -> None:
    before = gc.get_threshold()
    async with running_gateway(SUPERGRAPH, [hello_subgraph()], gc_interval_s=0.01) as gw:
        text = ""
        for _ in range(200):  # until the first tick has run (no timing assumption)
            await asyncio.sleep(0.01)
            text = (await gw.http.get("/metrics")).text
            if 'gc_pause_seconds_count{generation="0",service="gateway"}' in text:
                break
        assert 'gc_pause_seconds_count{generation="0",service="gateway"}' in text
        assert 'gc_collected_objects_total{generation="0",service="gateway"}' in text
        assert gc.get_threshold()[0] == SAFETY_THRESHOLD
    assert gc.get_threshold() == before


@pytest.mark.asyncio(loop_scope="session")
async def test_an_interval_of_zero_keeps_cpython_collection() -> None:
    before = gc.get_threshold()
    async with running_gateway(SUPERGRAPH, [hello_subgraph()], gc_interval_s=0) as gw:
        assert gc.get_threshold() == before
        text = (await gw.http.get("/metrics")).text
        assert 'gc_pause_seconds_count{generation="0",service="gateway"}' not in text
