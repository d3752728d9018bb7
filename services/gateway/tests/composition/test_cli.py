"""`gateway compose` (gateway.composition.cli:run): rover-style config and live subgraphs."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from composition_testkit import fed2

from gateway.composition import CompositionSuccess, SubgraphSource, compose
from gateway.composition.cli import run

ACCOUNTS = fed2('type Query { me: User }\ntype User @key(fields: "id") { id: ID! name: String }')
REVIEWS = fed2('type User @key(fields: "id") { id: ID! reviews: [String] }')


class _Subgraphs(BaseHTTPRequestHandler):
    """Answers `{ _service { sdl } }` for /accounts and /reviews; anything else is a 500."""

    sdls: ClassVar[dict[str, str]] = {"/accounts": ACCOUNTS, "/reviews": REVIEWS}
    queries: ClassVar[list[str]] = []  # shared on purpose: the tests read what was asked

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.queries.append(body["query"])
        sdl = self.sdls.get(self.path)
        status, payload = (200, {"data": {"_service": {"sdl": sdl}}}) if sdl else (500, {})
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Subgraphs)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _expected() -> str:
    result = compose(
        [
            SubgraphSource("accounts", "http://accounts/graphql", ACCOUNTS),
            SubgraphSource("reviews", "http://reviews/graphql", REVIEWS),
        ]
    )
    assert isinstance(result, CompositionSuccess)
    return result.supergraph_sdl


def test_compose_from_a_config_with_a_file_and_inline_sdl(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "accounts.graphql").write_text(ACCOUNTS)
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "federation_version: =2.9.3\n"
        "subgraphs:\n"
        "  reviews:\n"
        "    routing_url: http://reviews/graphql\n"
        "    schema:\n"
        f"      sdl: {json.dumps(REVIEWS)}\n"
        "  accounts:\n"
        "    routing_url: http://accounts/graphql\n"
        "    schema:\n"
        "      file: ./schemas/accounts.graphql\n"
    )
    out = tmp_path / "supergraph.graphql"
    assert run(["compose", "--config", str(config), "--out", str(out)]) == 0
    assert out.read_text() == _expected()


def test_compose_prints_to_stdout_without_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "subgraphs:\n"
        "  accounts:\n"
        "    routing_url: http://accounts/graphql\n"
        f"    schema: {{sdl: {json.dumps(ACCOUNTS)}}}\n"
        "  reviews:\n"
        "    routing_url: http://reviews/graphql\n"
        f"    schema: {{sdl: {json.dumps(REVIEWS)}}}\n"
    )
    assert run(["--config", str(config)]) == 0
    assert capsys.readouterr().out == _expected()


def test_compose_fetches_live_subgraphs(
    server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "supergraph.graphql"
    code = run(
        [
            "compose",
            "--subgraph",
            f"accounts={server}/accounts",
            "--subgraph",
            f"reviews={server}/reviews",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert f'@join__graph(name: "accounts", url: "{server}/accounts")' in out.read_text()
    assert _Subgraphs.queries[-1] == "query SubgraphSdl { _service { sdl } }"


def test_a_config_may_point_at_a_subgraph_url(server: str, tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text(
        "subgraphs:\n"
        "  accounts:\n"
        "    routing_url: http://accounts/graphql\n"
        f"    schema: {{subgraph_url: {server}/accounts}}\n"
        "  reviews:\n"
        f"    schema: {{subgraph_url: {server}/reviews}}\n"
    )
    out = tmp_path / "s.graphql"
    assert run(["compose", "--config", str(config), "--out", str(out)]) == 0
    text = out.read_text()
    assert '@join__graph(name: "accounts", url: "http://accounts/graphql")' in text
    assert f'@join__graph(name: "reviews", url: "{server}/reviews")' in text


def test_composition_errors_exit_1_with_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "supergraph.yaml"
    bad = fed2("type Query { me: Int }")
    config.write_text(
        "subgraphs:\n"
        "  a:\n    routing_url: http://a\n"
        f"    schema: {{sdl: {json.dumps(bad)}}}\n"
        "  b:\n    routing_url: http://b\n"
        f"    schema: {{sdl: {json.dumps(bad)}}}\n"
    )
    assert run(["compose", "--config", str(config)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error: [INVALID_FIELD_SHARING]" in captured.err
    assert "composition failed with 1 error(s)" in captured.err


@pytest.mark.parametrize(
    "config",
    [
        "subgraphs: []\n",
        "not: [valid\n",
        "subgraphs:\n  a:\n    routing_url: http://a\n    schema: {graphref: g@v}\n",
        "subgraphs:\n  a:\n    schema: {sdl: 'type Query { a: Int }'}\n",
        "subgraphs:\n  a:\n    routing_url: http://a\n    schema: {file: missing.graphql}\n",
    ],
)
def test_a_bad_config_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    path = tmp_path / "supergraph.yaml"
    path.write_text(config)
    assert run(["compose", "--config", str(path)]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_an_unreachable_or_failing_subgraph_exits_2(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["compose", "--subgraph", f"x={server}/nothing-here"]) == 2
    assert "could not fetch the SDL" in capsys.readouterr().err
    assert run(["compose", "--subgraph", "no-equals-sign"]) == 2


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["compose"]) == 2
    assert run(["compose", "--help"]) == 0
    assert "--config" in capsys.readouterr().out


def test_a_failed_fetch_never_prints_the_urls_credentials(
    server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with_credentials = server.replace("http://", "http://deploy:s3cret-token@") + "/nowhere"
    assert run(["compose", "--subgraph", f"accounts={with_credentials}"]) == 2
    err = capsys.readouterr().err
    assert f"{server}/nowhere" in err  # what failed
    assert "500" in err  # and how
    assert "s3cret-token" not in err
