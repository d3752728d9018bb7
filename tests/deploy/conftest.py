"""Deployment tests: the checkers live in the repository's ``tools`` package."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# `tools` is a plain folder at the repository root, not an installed package.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
