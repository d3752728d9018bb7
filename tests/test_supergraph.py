"""The committed supergraph is what composing the committed subgraph SDLs gives today."""

from pathlib import Path

from gateway.composition import CompositionSuccess, compose
from gateway.composition.config import load_config

ROOT = Path(__file__).resolve().parent.parent
SUPERGRAPH = ROOT / "supergraph" / "supergraph.graphql"


def test_the_committed_supergraph_is_current() -> None:
    result = compose(load_config(ROOT / "supergraph" / "supergraph.yaml"))
    assert isinstance(result, CompositionSuccess), [str(e) for e in result.errors]
    assert SUPERGRAPH.read_text() == result.supergraph_sdl, "run `make supergraph` and commit"
