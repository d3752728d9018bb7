"""GraphiQL in real headless Chromium against a real ``gateway serve`` process.

The page must load from the gateway's bundled assets only (every request Chromium makes is
recorded and must stay on loopback; other hosts do not even resolve), and the docs explorer
must list the schema's root fields. Driven over the DevTools protocol; the screenshot is
kept in the test's tmp dir (``GRAPHIQL_SCREENSHOT`` copies it elsewhere). Skips when
``/usr/bin/chromium`` is missing (CI installs it with apt).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from base64 import b64decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
ws_client = pytest.importorskip("websockets.sync.client", reason="needs websockets")

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt-get install -y chromium)"
)

SUPERGRAPH = (Path(__file__).parent.parent / "edge" / "supergraph.graphql").read_text()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait(check: Any, what: str, timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout  # a guard against hanging, not a performance check
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def gateway_url(tmp_path: Path) -> Iterator[str]:
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(SUPERGRAPH)
    port = _free_port()
    env = {**os.environ, "ENV": "dev", "GATEWAY_LOG_FORMAT": "json"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--supergraph", str(supergraph),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        assert process.poll() is None, "gateway exited early"
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    try:
        _wait(healthy, "the gateway")
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class _Page:
    """A minimal DevTools-protocol client for one page target."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        call_id = next(self.ids)
        self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == call_id:
                assert "error" not in message, message
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[str]:
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
         "--window-size=1400,900", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    active = profile / "DevToolsActivePort"
    try:
        port = _wait(lambda: active.exists() and active.read_text().split("\n")[0], "DevTools")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_graphiql_loads_offline_and_the_explorer_lists_root_fields(
    gateway_url: str, chromium: str, tmp_path: Path
) -> None:
    targets = httpx.get(f"{chromium}/json/list", timeout=10).json()
    ws_url = next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"]
    with ws_client.connect(ws_url, max_size=None, open_timeout=30) as ws:
        _drive(_Page(ws), gateway_url, tmp_path)


def _drive(page: _Page, gateway_url: str, tmp_path: Path) -> None:
    page.call("Network.enable")
    page.call("Page.enable")
    page.call("Page.navigate", url=f"{gateway_url}/graphql")

    explorer = "document.querySelector('.graphiql-doc-explorer')"
    _wait(lambda: page.evaluate(f"!!{explorer} && {explorer}.innerText.includes('Query')"), "docs")
    # Open the query root type: the explorer then lists its fields.
    page.evaluate(
        f"[...{explorer}.querySelectorAll('a')].find(a => a.textContent === 'Query').click()"
    )
    text = _wait(
        lambda: (t := page.evaluate(f"{explorer}.innerText")) and "hello" in t and t, "fields"
    )
    for field in ("me", "users", "posts", "search", "hello", "badge"):
        assert f"\n{field}" in text or text.startswith(field), field
    shot = b64decode(page.call("Page.captureScreenshot", format="png")["data"])
    (tmp_path / "graphiql.png").write_bytes(shot)
    if target := os.environ.get("GRAPHIQL_SCREENSHOT"):
        shutil.copy(tmp_path / "graphiql.png", target)
    assert shot.startswith(b"\x89PNG")

    requested = [
        e["params"]["request"]["url"]
        for e in page.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert any(url.endswith("/_graphiql/graphiql.min.js") for url in requested)
    outside = [u for u in requested if not u.startswith((gateway_url, "data:", "blob:"))]
    assert outside == []
    failed = [e for e in page.events if e.get("method") == "Network.loadingFailed"]
    assert failed == []
