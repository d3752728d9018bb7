"""The per-request context: the caller, the loaders, the service layer."""

from __future__ import annotations

from fastapi import Request

from delivery.crypto import PiiCipher
from delivery.loaders import Loaders
from delivery.service import DeliveryService
from servicekit.app import ServiceState
from servicekit.context import RequestContext

__all__ = ["CIPHER", "SERVICE", "Context"]

# Keys of ServiceState.extras, filled by delivery.main's lifespan hook.
SERVICE = "delivery.service"
CIPHER = "delivery.cipher"


class Context(RequestContext):
    def __init__(self, *, request: Request, state: ServiceState) -> None:
        super().__init__(request=request, state=state)
        self.cipher: PiiCipher = state.extras[CIPHER]
        self.service: DeliveryService = state.extras[SERVICE]
        self.loaders = Loaders(state.sessions(), self.cipher)
