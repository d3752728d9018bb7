"""``payments-service serve|migrate|token|outbox``."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import FastAPI

from payments.config import Settings
from payments.main import create_app
from payments.models import outbox
from servicekit.cli import service_main
from servicekit.settings import ServiceSettings

__all__ = ["main"]


def _app(settings: ServiceSettings) -> FastAPI:
    assert isinstance(settings, Settings)
    return create_app(settings)


def main(argv: Sequence[str] | None = None) -> int:
    return service_main(
        settings_factory=Settings,
        app_factory=_app,
        migrations_package="payments.migrations",
        outbox_table=outbox,
        argv=argv,
    )
