"""Differential check against Apollo's `@apollo/composition` (npm).

Every folder under `differential/` is a subgraph set (one `<name>.graphql` per
subgraph). Both composers compose it; we compare success or failure, the
error codes, the API schemas and, per type and field, the join information.
Known, accepted differences are listed in `docs/composition-differences.md`
and in `KNOWN` below with their reason.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    ConstDirectiveNode,
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    lexicographic_sort_schema,
    parse,
    print_ast,
    print_schema,
)

from gateway.composition import CompositionFailure, SubgraphSource, compose
from gateway.composition.api import api_schema_document

HERE = Path(__file__).parent
NODE_DIR = HERE / "node"
SCENARIOS = sorted(p for p in (HERE / "differential").iterdir() if p.is_dir())

# Scenario -> why our output may differ from Apollo's (see docs/composition-differences.md).
KNOWN: dict[str, str] = {}


def _sources(folder: Path) -> list[SubgraphSource]:
    return [
        SubgraphSource(p.stem, f"http://{p.stem}/graphql", p.read_text(encoding="utf-8"))
        for p in sorted(folder.glob("*.graphql"))
    ]


def _install_apollo() -> None:
    if (NODE_DIR / "node_modules" / "@apollo" / "composition").is_dir():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot run Apollo's composition")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(
            "npm could not install @apollo/composition (registry unreachable?): "
            + done.stderr[-500:]
        )


@pytest.fixture(scope="module")
def apollo() -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: cannot run Apollo's composition")
    _install_apollo()
    payload = {
        folder.name: [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in _sources(folder)]
        for folder in SCENARIOS
    }
    done = subprocess.run(
        [node, "compose.mjs"],
        cwd=NODE_DIR,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _args(directive: ConstDirectiveNode) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((a.name.value, print_ast(a.value)) for a in directive.arguments or ()))


def _joins(sdl: str) -> dict[str, Any]:
    """Per type: its join__type/implements/unionMember set; per field or value: its join set."""
    out: dict[str, Any] = {}
    for node in parse(sdl, no_location=True).definitions:
        if not isinstance(node, TypeDefinitionNode) or node.name.value.startswith(
            ("join__", "link__")
        ):
            continue

        def joins(directives: tuple[ConstDirectiveNode, ...] | None) -> list[str]:
            found = [
                f"{d.name.value}{_args(d)}"
                for d in directives or ()
                if d.name.value.startswith("join__")
            ]
            return sorted(found)

        out[node.name.value] = joins(node.directives)
        members: list[Any] = []
        if isinstance(
            node,
            ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode | InputObjectTypeDefinitionNode,
        ):
            members = list(node.fields or ())
        elif isinstance(node, EnumTypeDefinitionNode):
            members = list(node.values or ())
        elif isinstance(node, UnionTypeDefinitionNode):
            members = []
        for member in members:
            out[f"{node.name.value}.{member.name.value}"] = joins(member.directives)
    return out


def _our_api(sdl: str) -> str:
    return print_schema(lexicographic_sort_schema(build_ast_schema(api_schema_document(sdl))))


def _types_only(printed: str) -> str:
    """Reprint with one printer, and drop directive definitions (Apollo's declares @defer)."""
    printed = print_schema(lexicographic_sort_schema(build_ast_schema(parse(printed))))
    document = parse(printed, no_location=True)
    kept = [d for d in document.definitions if isinstance(d, TypeDefinitionNode)]
    # graphql-js prints an ID default "1" as 1 (astFromValue); graphql-core keeps "1".
    return re.sub(r'(: ID!? = )"(-?\d+)"', r"\1\2", "\n\n".join(print_ast(d) for d in kept))


@pytest.mark.slow
@pytest.mark.parametrize("folder", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_composes_like_apollo(folder: Path, apollo: dict[str, Any]) -> None:
    if folder.name in KNOWN:
        pytest.xfail(KNOWN[folder.name])
    theirs = apollo[folder.name]
    ours = compose(_sources(folder))
    if isinstance(ours, CompositionFailure):
        assert not theirs["ok"], f"we failed, Apollo composed: {[str(e) for e in ours.errors]}"
        assert sorted(set(ours.codes)) == sorted(set(theirs["codes"])), theirs["messages"]
        # Satisfiability errors explain the failing query; ours read exactly like Apollo's.
        ours_paths = sorted(e.message for e in ours.errors if e.code == "SATISFIABILITY_ERROR")
        their_paths = sorted(
            m
            for c, m in zip(theirs["codes"], theirs["messages"], strict=True)
            if c == "SATISFIABILITY_ERROR"
        )
        assert ours_paths == their_paths
        return
    assert theirs["ok"], f"we composed, Apollo failed: {theirs['messages']}"
    if "/join/v0.5" in theirs["supergraph"]:  # Apollo emits older join versions for old subgraphs
        assert ours.supergraph_sdl == theirs["supergraph"] + "\n"
    assert _types_only(_our_api(ours.supergraph_sdl)) == _types_only(theirs["api"])
    assert _types_only(_our_api(ours.supergraph_sdl)) == _types_only(_our_api(theirs["supergraph"]))
    assert _joins(ours.supergraph_sdl) == _joins(theirs["supergraph"])
