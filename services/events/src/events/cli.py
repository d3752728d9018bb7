"""``events-service serve|migrate|token``."""

from __future__ import annotations

import sys

from events.config import Settings
from events.main import create_app
from servicekit.cli import service_main

__all__ = ["main"]


def main() -> int:
    return service_main(
        settings_factory=Settings,
        app_factory=create_app,
        migrations_package="events.migrations",
    )


if __name__ == "__main__":
    sys.exit(main())
