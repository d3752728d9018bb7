"""``tools.typecheck_tests``: one mypy run per suite, nested suites left out of the outer run."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

import pytest
from tools.typecheck_tests import Suite, main, mypy_args, parse_suite


def test_an_entry_names_its_mypypath_or_defaults_to_its_support_dir() -> None:
    assert parse_suite("a/tests", exists=True) == Suite(
        PurePosixPath("a/tests"), ("a/tests/support",)
    )
    assert parse_suite("a/tests", exists=False) == Suite(PurePosixPath("a/tests"), ())
    assert parse_suite("a/tests=a/tests/e2e:a/tests/kit", exists=True) == Suite(
        PurePosixPath("a/tests"), ("a/tests/e2e", "a/tests/kit")
    )


def test_a_nested_suite_is_excluded_from_the_outer_run_only() -> None:
    suites = [parse_suite(e, exists=False) for e in ("g/tests", "g/tests/e2e", "g/tests/planner")]
    outer = mypy_args(suites[0], suites)
    assert outer[:2] == ["g/tests", "--exclude"]
    exclude = re.compile(outer[2])
    assert exclude.search("g/tests/e2e/conftest.py")
    assert exclude.search("g/tests/planner/qpkit/__init__.py")
    assert not exclude.search("g/tests/executor/test_merge.py")
    assert not exclude.search("g/tests/e2e_more/test_x.py")
    assert mypy_args(suites[1], suites) == ["g/tests/e2e"]
    # A sibling whose name merely starts like another suite is not nested in it.
    assert mypy_args(parse_suite("tests", exists=False), suites) == ["tests"]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.slow
def test_nested_suites_with_their_own_conftest_type_check_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two conftest.py files and a helper module on the inner suite's path: one mypy run over
    # both would see two top-level "conftest" modules.
    _write(tmp_path / "pyproject.toml", "[tool.mypy]\nstrict = true\n")
    _write(tmp_path / "t/conftest.py", "")
    _write(tmp_path / "t/test_outer.py", "def test_outer() -> None:\n    assert True\n")
    _write(tmp_path / "t/inner/conftest.py", "")
    _write(tmp_path / "t/inner/kit.py", "def answer() -> int:\n    return 42\n")
    _write(
        tmp_path / "t/inner/test_inner.py",
        "from kit import answer\n\n\ndef test_inner() -> None:\n    assert answer() == 42\n",
    )
    monkeypatch.chdir(tmp_path)
    assert main(["t", "t/inner=t/inner"]) == 0

    _write(tmp_path / "t/inner/test_bad.py", "from kit import answer\n\nx: str = answer()\n")
    assert main(["t", "t/inner=t/inner"]) == 1
    assert "type errors in: t/inner" in capsys.readouterr().err
