"""Every end-to-end scenario runs on the given supergraph and on our own composition.

``supergraph_source`` is an autouse, module-scoped parameter: each module's tests run
once with ``given`` (the hand-written supergraph "composed elsewhere") and once with
``composed`` (composed here from the subgraphs' ``_service { sdl }``; see
``gwharness/gatewayapp.py``). New scenario modules get both without doing anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from gwharness.gatewayapp import SOURCES, SourceKind
from gwharness.gatewayapp import supergraph_source as use_source

# Finishers of the module- and class-scoped fixtures set up under the current source.
_UNDER_SOURCE: list[Callable[[], None]] = []


@pytest.fixture(scope="module", autouse=True, params=SOURCES)
def supergraph_source(request: pytest.FixtureRequest) -> Iterator[SourceKind]:
    source: SourceKind = request.param
    with use_source(source):
        yield source
        # A module's own shared gateway (a module-scoped fixture) does not name this
        # parameter, so pytest would keep it for the other source: finish it here.
        while _UNDER_SOURCE:
            _UNDER_SOURCE.pop()()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    if (
        fixturedef.scope in ("module", "class")
        and fixturedef.argname != "supergraph_source"
        and "supergraph_source" in request.fixturenames
    ):
        _UNDER_SOURCE.append(functools.partial(fixturedef.finish, request))
    yield
