"""Errors of the delivery service.

Hierarchy::

    servicekit.errors.AppError        client-visible (code in extensions)
    ├── BadUserInput / NotFound / Unauthenticated / Forbidden / InvalidState
    └── DependencyUnavailable         payments did not answer (fail closed)
    DeliveryError                     internal; never shown to clients (masked)
    └── PiiKeyError                   PII key material missing, malformed or wrong

Client-visible errors are servicekit's; this module only adds the internal ones.
"""

from __future__ import annotations

__all__ = ["DeliveryError", "PiiKeyError"]


class DeliveryError(RuntimeError):
    """Base of the delivery service's internal errors."""


class PiiKeyError(DeliveryError):
    """PII key material is missing, malformed, or does not match a stored ciphertext."""
