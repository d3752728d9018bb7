"""GraphiQL served from pinned local assets (no CDN, so it works air-gapped)."""

from __future__ import annotations

from pathlib import Path

from starlette.staticfiles import StaticFiles

__all__ = ["ASSETS_DIR", "ASSETS_PATH", "graphiql_assets", "graphiql_page"]

ASSETS_DIR = Path(__file__).parent / "static" / "graphiql"
ASSETS_PATH = "/_graphiql"

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="stylesheet" href="{assets}/graphiql.min.css">
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="{assets}/react.production.min.js"></script>
  <script src="{assets}/react-dom.production.min.js"></script>
  <script src="{assets}/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({{
      url: new URL("{endpoint}", window.location.href).toString(),
      headers: {{ "apollo-require-preflight": "true" }},
    }});
    const root = ReactDOM.createRoot(document.getElementById("graphiql"));
    root.render(React.createElement(GraphiQL, {{
      fetcher,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      visiblePlugin: "Documentation Explorer",
    }}));
  </script>
</body>
</html>
"""


def graphiql_page(*, title: str, endpoint: str = "/graphql") -> str:
    return _PAGE.format(title=title, endpoint=endpoint, assets=ASSETS_PATH)


def graphiql_assets() -> StaticFiles:
    return StaticFiles(directory=ASSETS_DIR)
