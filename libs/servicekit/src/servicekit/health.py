"""Liveness and readiness.

``/healthz`` answers while the process runs and never touches a dependency (so a
database outage does not restart every pod). ``/readyz`` runs every registered
check with a timeout and answers 503 naming the checks that failed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response

from servicekit.responses import json_response

__all__ = ["Check", "Readiness", "health_router"]

Check = Callable[[], Awaitable[None]]


class Readiness:
    def __init__(self, *, timeout_seconds: float = 2.0) -> None:
        self.timeout = timeout_seconds
        self._checks: dict[str, Check] = {}

    def add(self, name: str, check: Check) -> None:
        self._checks[name] = check

    async def run(self) -> tuple[bool, dict[str, str]]:
        async def one(check: Check) -> str:
            started = time.perf_counter()
            try:
                await asyncio.wait_for(check(), self.timeout)
            except TimeoutError:
                return f"timeout after {self.timeout:g}s"
            except Exception as err:  # a failing check is reported, not raised
                return f"failed: {type(err).__name__}"
            return f"ok ({(time.perf_counter() - started) * 1000:.1f} ms)"

        names = list(self._checks)
        results = await asyncio.gather(*(one(self._checks[n]) for n in names))
        report = dict(zip(names, results, strict=True))
        return all(r.startswith("ok") for r in results), report


def health_router(readiness: Readiness) -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return json_response({"status": "ok"})

    @router.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        ready, checks = await readiness.run()
        failing = [name for name, result in checks.items() if not result.startswith("ok")]
        body: dict[str, object] = {"status": "ready" if ready else "unavailable", "checks": checks}
        if failing:
            body["failing"] = failing
        return json_response(body, status_code=200 if ready else 503)

    return router
