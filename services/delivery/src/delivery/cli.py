"""``delivery-service serve|migrate|token|outbox|rotate-pii-key|generate-pii-key``.

The shared commands come from :func:`servicekit.cli.service_main`; the two PII
key commands are delivery's own and are handled here before delegating.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from fastapi import FastAPI

from delivery.config import Settings
from delivery.crypto import PiiCipher, generate_key
from delivery.errors import PiiKeyError
from delivery.main import create_app
from delivery.models import outbox
from delivery.rotation import RotationResult, rotate_pii_key
from servicekit.cli import service_main
from servicekit.database import create_engine, create_sessionmaker
from servicekit.logs import configure_logging
from servicekit.settings import ConfigurationError, ServiceSettings

__all__ = ["main", "rotate"]

_OWN_COMMANDS = ("rotate-pii-key", "generate-pii-key")


def _app(settings: ServiceSettings) -> FastAPI:
    assert isinstance(settings, Settings)
    return create_app(settings)


async def rotate(settings: Settings, cipher: PiiCipher) -> RotationResult:
    """What ``rotate-pii-key`` does, on its own engine."""
    engine = create_engine(settings)
    try:
        return await rotate_pii_key(
            create_sessionmaker(engine), cipher=cipher, batch_size=settings.rotation_batch_size
        )
    finally:
        await engine.dispose()


def _own_command(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="delivery-service")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "rotate-pii-key",
        help="re-encrypt every delivery's personal data under DELIVERY_PII_ACTIVE_KEY",
    )
    commands.add_parser("generate-pii-key", help="print a fresh base64 key for DELIVERY_PII_KEYS")
    args = parser.parse_args(argv)
    if args.command == "generate-pii-key":
        print(generate_key())  # noqa: T201 - the key is the command's output
        return 0
    try:
        settings = Settings()
        configure_logging(level=settings.log_level, fmt=settings.log_format)
        if not settings.database_url:
            raise ConfigurationError(f"{settings.env_name('database_url')} is not set")
        cipher = PiiCipher.from_settings(settings)  # bad key material fails before any I/O
        result = asyncio.run(rotate(settings, cipher))
    except (ConfigurationError, PiiKeyError) as err:
        print(f"error: {err}", file=sys.stderr)  # noqa: T201
        return 2
    print(  # noqa: T201 - the command's report
        f"re-encrypted {result.rotated} deliveries under key {result.active_key_id!r}; "
        f"{result.remaining} remaining"
    )
    return 0 if result.remaining == 0 else 1


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in _OWN_COMMANDS:
        return _own_command(args)
    if args and args[0] in {"-h", "--help"}:
        print("delivery-specific commands: " + ", ".join(_OWN_COMMANDS))  # noqa: T201
    return service_main(
        settings_factory=Settings,
        app_factory=_app,
        migrations_package="delivery.migrations",
        outbox_table=outbox,
        argv=args,
    )


if __name__ == "__main__":
    raise SystemExit(main())
