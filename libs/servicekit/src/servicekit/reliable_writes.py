"""The background work every service with reliable writes runs: purging expired
idempotency keys and relaying its outbox to the event log."""

from __future__ import annotations

from sqlalchemy import Table

from servicekit.app import ResourceHook
from servicekit.idempotency import purge_task
from servicekit.outbox import events_relay_hook
from servicekit.settings import ReliableWritesSettings

__all__ = ["reliable_write_hooks"]


def reliable_write_hooks(
    settings: ReliableWritesSettings,
    *,
    idempotency_table: Table,
    outbox_table: Table,
    component: str,
) -> list[ResourceHook]:
    """``create_app(resources=...)`` hooks: the key purge (unless its interval is 0) and
    the outbox relay (when ``events_url`` is set)."""
    hooks: list[ResourceHook] = []
    if settings.idempotency_purge_interval_seconds > 0:
        hooks.append(
            purge_task(
                idempotency_table, interval_seconds=settings.idempotency_purge_interval_seconds
            )
        )
    if settings.events_url:
        hooks.append(
            events_relay_hook(
                outbox_table,
                url=settings.events_url,
                component=component,
                batch_size=settings.outbox_batch_size,
                idle_seconds=settings.outbox_idle_seconds,
                backoff_cap_seconds=settings.outbox_backoff_cap_seconds,
                max_rejections=settings.outbox_max_rejections,
                retention_seconds=settings.outbox_retention_seconds,
            )
        )
    return hooks
