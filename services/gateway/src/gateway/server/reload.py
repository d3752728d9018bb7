"""Live reload: poll the supergraph source and swap in a new ``Gateway`` when it changed.

Every ``interval`` seconds the ``Reloader`` asks the source for its inputs (subgraph SDLs
fetched with a timeout, or the file). Unchanged inputs (same hash) cost nothing more. Changed
ones are composed and loaded in a worker thread, a whole new ``Gateway`` is built beside the
one serving, and ``holder["gateway"]`` is replaced in one assignment: a request reads the
holder once, so requests in flight finish on the gateway they started with.

A failure (a subgraph unreachable, composition errors, an unusable SDL) keeps the old
supergraph, is logged once per distinct reason with its code (``gateway.supergraph``
logger; URLs without userinfo) and counted in ``gateway_supergraph_reloads_total``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping

from gateway.server.assemble import GatewayFactory
from gateway.server.metrics import GatewayMetrics
from gateway.server.runtime import Gateway
from gateway.sources import Loaded, SourceError, SupergraphSource

__all__ = ["Reloader", "announce"]

_log = logging.getLogger("gateway.supergraph")


def announce(loaded: Loaded, metrics: GatewayMetrics, *, source: str, reloaded: bool) -> None:
    """Log and export the supergraph now being served."""
    metrics.set_supergraph(loaded.sdl_hash, loaded.loaded_at)
    _log.info(
        "supergraph reloaded" if reloaded else "supergraph loaded",
        extra={
            "graphs": list(loaded.supergraph.graph_names),
            "sha256": loaded.sdl_hash,
            "source": source,
        },
    )


class Reloader:
    """Polls ``source`` and swaps ``holder["gateway"]`` when it yields a new supergraph."""

    def __init__(
        self,
        *,
        source: SupergraphSource,
        factory: GatewayFactory,
        holder: MutableMapping[str, Gateway],
        metrics: GatewayMetrics,
        interval: float,
    ) -> None:
        self.source = source
        self.factory = factory
        self.holder = holder
        self.metrics = metrics
        self.interval = interval
        self._last_failure: str | None = None

    async def run(self) -> None:
        """Poll forever (cancelled by the lifespan at shutdown)."""
        while True:
            await asyncio.sleep(self.interval)
            await self.check()

    async def check(self) -> str:
        """One poll; returns the outcome: ``reloaded``, ``unchanged`` or ``failed``."""
        try:
            loaded = await self.source.poll()
            if loaded is not None:
                # Built off to the side (planner, caches, executor, URLs), then one swap.
                gateway = await asyncio.to_thread(self.factory.build, loaded.supergraph)
        except SourceError as err:
            return self._failed(err.code, str(err))
        except Exception:  # a bug must not stop polling nor replace the serving gateway
            _log.exception("supergraph reload failed unexpectedly; keeping the current one")
            return self._count("failed")
        if loaded is None:
            return self._count("unchanged")
        self.holder["gateway"] = gateway
        self._last_failure = None
        announce(loaded, self.metrics, source=self.source.description, reloaded=True)
        return self._count("reloaded")

    def _failed(self, code: str, reason: str) -> str:
        if reason != self._last_failure:  # once per distinct reason, not once per poll
            self._last_failure = reason
            _log.warning(
                "supergraph reload failed; keeping the current one",
                extra={"code": code, "reason": reason, "source": self.source.description},
            )
        return self._count("failed")

    def _count(self, outcome: str) -> str:
        self.metrics.supergraph_reloads.labels(outcome).inc()
        return outcome
