"""Shared test setup for the gateway: makes the ``gwharness`` helpers importable."""

from __future__ import annotations

import sys
from pathlib import Path

# Test modules are imported with --import-mode=importlib, so helpers live in a
# uniquely named package put on the path here rather than in a ``tests`` package.
_HARNESS_ROOT = str(Path(__file__).parent / "e2e")
if _HARNESS_ROOT not in sys.path:
    sys.path.insert(0, _HARNESS_ROOT)
