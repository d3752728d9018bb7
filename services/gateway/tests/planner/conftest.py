"""Planner tests: make the ``qpkit`` helpers importable (tests use --import-mode=importlib)."""

from __future__ import annotations

import sys
from pathlib import Path

_ROOT = str(Path(__file__).parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
