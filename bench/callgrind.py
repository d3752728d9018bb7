"""Instruction counts of one code section under callgrind (repeatable on a shared machine).

``instructions(argv)`` re-runs ``python -m bench.executor argv`` under
``valgrind --tool=callgrind --instr-atstart=no``: start-up runs uninstrumented, and the
child switches instrumentation on only around the measured requests (``measured()``),
through callgrind's client requests, which a tiny C helper compiled here with the
system compiler issues (``valgrind/callgrind.h``, from the valgrind package).
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["instructions", "measured"]

_ENV = "BENCH_CALLGRIND_DIR"
_HELPER = r"""
#include <valgrind/callgrind.h>
void section_start(void) { CALLGRIND_START_INSTRUMENTATION; CALLGRIND_ZERO_STATS; }
void section_stop(void) { CALLGRIND_DUMP_STATS_AT("measured"); CALLGRIND_STOP_INSTRUMENTATION; }
"""


@contextmanager
def measured() -> Iterator[None]:
    """Count this block's instructions when running under ``instructions()``; else no-op."""
    where = os.environ.get(_ENV)
    if where is None:
        yield
        return
    helper = ctypes.CDLL(str(Path(where) / "section.so"))
    helper.section_start()
    try:
        yield
    finally:
        helper.section_stop()


def instructions(argv: list[str]) -> int:
    """Instructions executed inside ``measured()`` by ``python -m bench.executor argv``."""
    with tempfile.TemporaryDirectory() as where:
        source = Path(where) / "section.c"
        source.write_text(_HELPER)
        subprocess.run(
            ["cc", "-shared", "-fPIC", "-O1", "-o", str(Path(where) / "section.so"), str(source)],
            check=True,
        )
        env = {**os.environ, _ENV: where, "PYTHONHASHSEED": "0"}
        subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--instr-atstart=no",
                f"--callgrind-out-file={where}/out.%p",
                sys.executable,
                "-m",
                "bench.executor",
                *argv,
            ],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for dump in Path(where).glob("out.*"):
            text = dump.read_text(errors="replace")
            if "Client Request: measured" in text:
                found = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
                if found:
                    return int(found.group(1))
    raise SystemExit("callgrind wrote no dump of the measured section")
