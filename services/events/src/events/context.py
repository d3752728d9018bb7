"""The events service's per-request context: settings and the entity loader."""

from __future__ import annotations

from functools import cached_property

from events.config import Settings
from events.loaders import EventLoader, TrailLoader, event_loader, trail_loader
from servicekit.context import RequestContext

__all__ = ["EventsContext"]


class EventsContext(RequestContext):
    @property
    def settings(self) -> Settings:
        settings = self.state.settings
        if not isinstance(settings, Settings):
            raise TypeError("the events schema runs only in the events app")
        return settings

    @cached_property
    def event_loader(self) -> EventLoader:
        # One loader per request: batching within the request, no cache across requests.
        return event_loader(self.sessions)

    @cached_property
    def trail_loader(self) -> TrailLoader:
        return trail_loader(self.sessions)
