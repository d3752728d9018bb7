"""The plan LRU (design §7), keyed by ``(canonical hash, active labels)``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from gateway.plan import QueryPlan

__all__ = ["PlanCache"]

PlanKey = tuple[str, frozenset[str]]


class PlanCache:
    """Bounded LRU of plans; counts hits and misses for ``/metrics``."""

    def __init__(self, maxsize: int = 1000) -> None:
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._data: OrderedDict[PlanKey, QueryPlan] = OrderedDict()

    @property
    def size(self) -> int:
        return len(self._data)

    def get_or_build(self, key: PlanKey, build: Callable[[], QueryPlan]) -> QueryPlan:
        plan = self._data.get(key)
        if plan is not None:
            self.hits += 1
            self._data.move_to_end(key)
            return plan
        self.misses += 1
        plan = build()
        self._data[key] = plan
        if len(self._data) > self.maxsize:
            self._data.popitem(last=False)
        return plan
