"""``make typecheck-tests``: mypy --strict over the test suites, one mypy run per suite.

Usage: ``python -m tools.typecheck_tests SUITE...`` where a SUITE is a directory, checked with
its ``support/`` directory (if any) on MYPYPATH, or ``DIR=PATH[:PATH...]`` naming the
directories that the suite's conftests put on ``sys.path`` (tests are imported with
``--import-mode=importlib``, so helpers live in uniquely named modules on the path).

Suites cannot share a run: each has a ``conftest.py``, and with two helper directories on
MYPYPATH mypy sees two top-level ``conftest`` modules. A suite inside another one (the
gateway's ``planner/``, ``edge/``...) is therefore excluded from the outer suite's run and
checked in its own. Every run is made; the exit status is 1 if any of them failed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Suite:
    root: PurePosixPath
    mypypath: tuple[str, ...]


def parse_suite(entry: str, exists: bool) -> Suite:
    """``DIR`` (with ``DIR/support`` when ``exists``) or ``DIR=PATH:PATH``."""
    root, sep, paths = entry.partition("=")
    if sep:
        return Suite(PurePosixPath(root), tuple(p for p in paths.split(":") if p))
    support = f"{root}/support"
    return Suite(PurePosixPath(root), (support,) if exists else ())


def mypy_args(suite: Suite, suites: Sequence[Suite]) -> list[str]:
    """The mypy arguments for one suite: its root, minus the suites nested in it."""
    nested = sorted(
        str(other.root.relative_to(suite.root))
        for other in suites
        if other.root != suite.root and other.root.is_relative_to(suite.root)
    )
    args = [str(suite.root)]
    if nested:
        alternatives = "|".join(re.escape(name) for name in nested)
        args += ["--exclude", f"^{re.escape(str(suite.root))}/({alternatives})/"]
    return args


def main(argv: Sequence[str]) -> int:
    suites = [
        parse_suite(entry, os.path.isdir(f"{entry}/support")) for entry in argv if entry.strip()
    ]
    failed: list[str] = []
    for suite in suites:
        env = {**os.environ, "MYPYPATH": ":".join(suite.mypypath)}
        args = mypy_args(suite, suites)
        print(f"mypy {' '.join(args)}  (MYPYPATH={env['MYPYPATH']})", flush=True)
        if subprocess.run([sys.executable, "-m", "mypy", *args], env=env, check=False).returncode:
            failed.append(str(suite.root))
    if failed:
        print(f"type errors in: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
