"""The ``gateway`` console script's argument handling (serving itself is in test_serve)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from gwharness.evolving import reviews, users

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


def _broken_config(tmp_path: Path) -> Path:
    (tmp_path / "users.graphql").write_text(users().served_sdl)
    (tmp_path / "reviews.graphql").write_text(reviews("broken").served_sdl)
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "subgraphs:\n"
        "  users: {routing_url: 'http://users/graphql', schema: {file: users.graphql}}\n"
        "  reviews: {routing_url: 'http://reviews/graphql', schema: {file: reviews.graphql}}\n"
    )
    return config


def test_serve_with_subgraphs_that_do_not_compose_exits_2_with_the_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--config", str(_broken_config(tmp_path))]) == 2
    err = capsys.readouterr().err
    assert "[COMPOSITION_FAILED] the subgraphs do not compose" in err
    assert "[FIELD_TYPE_MISMATCH]" in err
    assert "[INVALID_FIELD_SHARING]" in err


def test_serve_reads_its_source_from_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GATEWAY_SUPERGRAPH_PATH", raising=False)
    monkeypatch.setenv("GATEWAY_SUPERGRAPH_CONFIG", str(_broken_config(tmp_path)))
    assert main(["serve"]) == 2
    assert "[COMPOSITION_FAILED]" in capsys.readouterr().err


def test_serve_gives_up_on_an_unreachable_subgraph_after_the_startup_deadline(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWAY_STARTUP_DEADLINE_S", "0")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert main(["serve", "--subgraph", f"users=http://127.0.0.1:{port}/graphql"]) == 2
    assert "[SUBGRAPH_UNREACHABLE] subgraph users at" in capsys.readouterr().err


def test_serve_takes_one_source_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATEWAY_SUPERGRAPH_PATH", str(tmp_path / "a.graphql"))
    monkeypatch.setenv("GATEWAY_SUBGRAPHS", '{"users": "http://users/graphql"}')
    assert main(["serve"]) == 2
    assert "[INVALID_SOURCE] give exactly one of" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["serve", "--supergraph", "a", "--subgraph", "users=http://users/graphql"])
    assert "not allowed with argument" in capsys.readouterr().err
