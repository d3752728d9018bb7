#!/usr/bin/env bash
# Refresh the pinned GraphiQL assets in libs/servicekit (run by hand; never at build time).
set -euo pipefail
dest="$(cd "$(dirname "$0")/.." && pwd)/libs/servicekit/src/servicekit/static/graphiql"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent graphiql@3.8.3 react@18.3.1 react-dom@18.3.1 >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
cp graphiql-3.8.3/package/graphiql.min.js graphiql-3.8.3/package/graphiql.min.css "$dest/"
cp react-18.3.1/package/umd/react.production.min.js "$dest/"
cp react-dom-18.3.1/package/umd/react-dom.production.min.js "$dest/"
echo "GraphiQL assets refreshed in $dest"
