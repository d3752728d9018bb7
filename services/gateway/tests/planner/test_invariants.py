"""Invariants: fetches validate against their subgraph views; plan text is deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from qpkit import fixture

from gateway.operation import prepare_operation
from gateway.plan import Fetch, display_plan
from gateway.planner import Planner, fetch_errors
from gateway.supergraph import load_supergraph

PLATFORM = fixture("platform.graphql")

QUERIES = [
    "query Board { deliveries { address payment { amountCents shippable events { message } } } }",
    "{ payments { id status delivery { address events { component } } events { id } } }",
    "query ($id: ID!) { delivery(id: $id) { payment { shippable amountCents } } }",
    'mutation { capturePayment(id: "1") { shippable } scheduleDelivery(paymentId: "1", '
    'address: "x") { payment { status } } }',
]

_SCRIPT = """
import sys
from gateway.operation import prepare_operation
from gateway.plan import Fetch, display_plan
from gateway.planner import Planner
from gateway.supergraph import load_supergraph
sg = load_supergraph(open(sys.argv[1]).read())
planner = Planner(sg)
for q in sys.argv[2:]:
    print(display_plan(planner.plan(prepare_operation(sg.api_schema, q))))
"""


def test_every_emitted_fetch_validates_against_its_subgraph() -> None:
    sg = load_supergraph(PLATFORM)
    planner = Planner(sg)
    for query in QUERIES:
        plan = planner.plan(prepare_operation(sg.api_schema, query))
        assert fetch_errors(sg, plan) == [], query


def test_a_broken_fetch_is_reported() -> None:
    """The validator is not vacuous: a fetch naming an unknown field is reported."""
    sg = load_supergraph(PLATFORM)
    plan = Planner(sg).plan(prepare_operation(sg.api_schema, "{ deliveries { address } }"))
    assert isinstance(plan.node, Fetch)
    assert fetch_errors(sg, plan) == []
    broken = replace(plan.node, operation="query { deliveries { nope } }")
    assert fetch_errors(sg, broken)


@pytest.mark.slow
def test_plan_text_is_identical_across_processes_and_hash_seeds() -> None:
    """A child process with a fixed hash seed prints what this (randomly seeded) one does."""
    path = Path(__file__).resolve().parents[1] / "fixtures" / "supergraphs" / "platform.graphql"
    seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(path), *QUERIES],
        env={**os.environ, "PYTHONHASHSEED": seed},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    sg = load_supergraph(PLATFORM)
    planner = Planner(sg)
    here = "".join(
        display_plan(planner.plan(prepare_operation(sg.api_schema, q))) + "\n" for q in QUERIES
    )
    assert done.stdout == here
