"""The ``gateway`` console script's argument handling (serving itself is in test_serve)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.cli import main


def test_serve_without_a_supergraph_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GATEWAY_SUPERGRAPH_PATH", raising=False)
    assert main(["serve"]) == 2
    assert "--supergraph" in capsys.readouterr().err


def test_serve_with_a_missing_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--supergraph", str(tmp_path / "nope.graphql")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_serve_with_an_invalid_supergraph_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "s.graphql"
    path.write_text("type Query { a: Int }")
    assert main(["serve", "--supergraph", str(path)]) == 2
    assert "not a usable supergraph" in capsys.readouterr().err


def test_an_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["explode"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
