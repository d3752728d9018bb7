"""Background tasks that live as long as a block (an app's lifespan, a resource hook)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any

__all__ = ["running_in_background"]


@contextlib.asynccontextmanager
async def running_in_background(
    work: Coroutine[Any, Any, None], *, name: str
) -> AsyncIterator[None]:
    """Run ``work`` as a task for the block; on exit it is cancelled and awaited."""
    task = asyncio.create_task(work, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
