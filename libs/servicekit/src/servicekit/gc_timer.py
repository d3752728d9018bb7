"""Garbage collection on a timer instead of on allocation counts.

CPython collects generation 0 after every 700 net allocations of container objects.
With many requests in flight most young objects are live request data (parsed
answers, ORM rows, the response being built), so each collection walks and promotes
them and the older generations walk them again. In the gateway that was about 11% of
its CPU on the heavy benchmark query; in the delivery subgraph, whose SQLAlchemy and
Strawberry objects do form cycles, the cyclic garbage reached generation 2 and
CPython ran a full collection every few seconds (``docs/benchmarks.md``, "GC on a
timer"). Collecting on a timer bounds cyclic garbage by time instead, for a fraction
of the cost. A high allocation threshold stays as a safety net for a burst between
two ticks.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator, Callable

from servicekit.background import running_in_background

__all__ = ["SAFETY_THRESHOLD", "TimedCollector", "collecting_on_timer"]

# Net new container objects between two ticks before CPython collects by itself anyway
# (the gateway's heavy benchmark peaks at about 50 000 with 50 requests in flight).
SAFETY_THRESHOLD = 200_000

Observer = Callable[[int, int, float], None]  # generation, objects collected, seconds


class TimedCollector:
    """Collects generation 0 every ``interval_s``, 1 every 10th tick, 2 every 60th."""

    MIDDLE_EVERY = 10
    FULL_EVERY = 60

    def __init__(self, interval_s: float, observe: Observer | None = None) -> None:
        if interval_s <= 0:
            raise ValueError("interval_s must be > 0")
        self.interval_s = interval_s
        self.ticks = 0
        self._observe = observe

    def tick(self) -> int:
        """One timed collection; the number of unreachable objects it found."""
        self.ticks += 1
        if self.ticks % self.FULL_EVERY == 0:
            generation = 2
        elif self.ticks % self.MIDDLE_EVERY == 0:
            generation = 1
        else:
            generation = 0
        started = time.perf_counter()
        found = gc.collect(generation)
        if self._observe is not None:
            self._observe(generation, found, time.perf_counter() - started)
        return found

    async def run(self) -> None:
        """Tick until cancelled; the last collector to stop restores CPython's thresholds."""
        _raise_threshold()
        try:
            while True:
                await asyncio.sleep(self.interval_s)
                self.tick()
        finally:
            _restore_threshold()


@contextlib.asynccontextmanager
async def collecting_on_timer(interval_s: float, observe: Observer | None) -> AsyncIterator[None]:
    """A :class:`TimedCollector` task for the body of an app's lifespan; ``interval_s`` 0
    leaves CPython's collection alone."""
    if interval_s <= 0:
        yield
        return
    async with running_in_background(TimedCollector(interval_s, observe).run(), name="gc-timer"):
        yield


# Several apps may run in one process (tests): the thresholds are process-wide.
_running: list[tuple[int, ...]] = []  # CPython's thresholds, once per running collector


def _raise_threshold() -> None:
    previous = _running[0] if _running else gc.get_threshold()
    _running.append(previous)
    gc.set_threshold(SAFETY_THRESHOLD, *previous[1:])


def _restore_threshold() -> None:
    previous = _running.pop()
    if not _running:
        gc.set_threshold(*previous)
