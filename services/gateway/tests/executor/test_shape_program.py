"""Compiled shape programs against the interpreter (``Shaper``), over normal and broken data.

The program either returns exactly what the interpreter returns (same JSON bytes, key
order included) or raises ``SlowPath``, and the executor then runs the interpreter;
the combination must equal the interpreter alone for every variant of the data: each
value nulled, removed, replaced by a wrong type, an unknown enum value or type name.
"""

from __future__ import annotations

import copy
import traceback
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from graphql import build_schema

from gateway.executor import shape_program as shape_program_module
from gateway.executor.errors import ResponseError
from gateway.executor.shape import SelShape, Shaper, shape_for
from gateway.executor.shape_program import INLINE_DEPTH, INLINE_TYPES, SlowPath, shape_program
from gateway.operation import prepare_operation

SCHEMA = build_schema(
    """
    interface Node { id: ID! }
    type Book implements Node {
      id: ID! title: String! tags: [String!]! color: Color rating: Int author: Author!
      related: [Node] shelves: [[Color!]] moods: [Color]
    }
    type Film implements Node { id: ID! title: String minutes: Int! cast: [[Author!]] }
    type Author { name: String! nick: String books: [Book!] }
    union Hit = Book | Film | Author
    enum Color { RED GREEN }
    type Query {
      nodes: [Node!]! hits: [Hit]! top: Book me: Author! colors: [Color!] ids: [ID]
      shelf: [Book]
    }
    """
)

QUERY = """
query Q($withTags: Boolean!, $skipCast: Boolean!) {
  __typename
  first: top { id title tags @include(if: $withTags) color rating shelves moods
    author { name nick } related { __typename id ... on Film { minutes } } }
  nodes {
    id
    __typename
    ... on Book { title author { name books { id color } } }
    ... on Film { name: title minutes cast @skip(if: $skipCast) { name } }
  }
  hits {
    __typename
    ... on Node { id }
    ... on Author { name nick }
    ... on Book { t: title related { __typename ... on Film { id } } }
  }
  me { name books { title } }
  again: me { __typename }
  shelf { id author { nick } }
  colors
  ids
}
"""

AUTHOR = {"name": "Ann", "nick": None, "books": [{"id": "b2", "color": "GREEN", "title": "Two"}]}
DATA: dict[str, Any] = {
    "first": {
        "id": "b1",
        "title": "One",
        "tags": ["x", "y"],
        "color": "RED",
        "rating": None,
        "shelves": [["RED"], None, []],
        "moods": ["GREEN", None],
        "author": AUTHOR,
        "related": [
            {"__typename": "Film", "id": "f1", "minutes": 90},
            None,
            {"__typename": "Book", "id": "b2"},
        ],
        "_qp0_extra": "planner-only",
    },
    "nodes": [
        {"__typename": "Book", "id": "b1", "title": "One", "author": AUTHOR},
        {
            "__typename": "Film",
            "id": "f1",
            "name": None,
            "minutes": 90,
            "cast": [[{"name": "Bo"}], None],
        },
    ],
    "hits": [
        {"__typename": "Author", "name": "Ann", "nick": "a"},
        None,
        {
            "__typename": "Book",
            "id": "b1",
            "t": "One",
            "related": [{"__typename": "Film", "id": "f2"}],
        },
        {"__typename": "Film", "id": "f1"},
    ],
    "me": AUTHOR,
    "again": {"name": "Ann"},
    "shelf": [None, {"id": "b3", "author": {"nick": "c"}}],
    "colors": ["RED", "GREEN"],
    "ids": ["1", None],
}


def _variants(value: Any) -> Iterator[Any]:
    """The data with one value broken, for every value of the tree (a copy each time)."""
    replacements: list[Any] = [None, "BLUE", 7, {}, [], {"__typename": "Nope"}]

    def places(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            yield (*path, key)
            if isinstance(child, dict | list):
                yield from places(child, (*path, key))

    for path in list(places(value, ())):
        for replacement in [*replacements, "Node", "Author", "missing"]:
            broken = copy.deepcopy(value)
            parent = broken
            for step in path[:-1]:
                parent = parent[step]
            if replacement == "missing":
                if isinstance(parent, dict):
                    del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
            yield broken


def _root(variables: dict[str, bool]) -> SelShape:
    operation = prepare_operation(SCHEMA, QUERY)
    return shape_for(SCHEMA, operation, variables, {})


def _interpreted(root: SelShape, data: Any) -> tuple[bytes, list[ResponseError]]:
    errors: list[ResponseError] = []
    return orjson.dumps(Shaper(errors=errors, covered=()).shape(root, data)), errors


def _executor_way(root: SelShape, data: Any) -> tuple[bytes, list[ResponseError]]:
    try:
        return orjson.dumps(shape_program(root)(data)), []
    except SlowPath:
        return _interpreted(root, data)


ASSIGNMENTS = [
    {"withTags": True, "skipCast": False},
    {"withTags": False, "skipCast": True},
]


# Objects and lists nested deeper than INLINE_DEPTH, and abstract positions with more than
# INLINE_TYPES possible types, call programs of their own: the smaller limits make every
# position of the corpus go through those too.
LIMITS = [(INLINE_DEPTH, INLINE_TYPES), (0, INLINE_TYPES), (1, INLINE_TYPES), (2, 1)]


@pytest.fixture(params=LIMITS, ids=lambda limits: "inline{}-types{}".format(*limits))
def inline_limits(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    depth, types = request.param
    monkeypatch.setattr(shape_program_module, "INLINE_DEPTH", depth)
    monkeypatch.setattr(shape_program_module, "INLINE_TYPES", types)


@pytest.mark.parametrize("variables", ASSIGNMENTS)
def test_the_program_shapes_normal_data_like_the_interpreter(
    variables: dict[str, bool], inline_limits: None
) -> None:
    root = _root(variables)
    compiled = orjson.dumps(shape_program(root)(copy.deepcopy(DATA)))  # no SlowPath here
    assert (compiled, []) == _interpreted(root, copy.deepcopy(DATA))
    assert b"planner-only" not in compiled
    assert (b'"tags"' in compiled) is variables["withTags"]
    assert (b'"cast"' in compiled) is not variables["skipCast"]


def test_parsed_data_is_read_by_the_parsers_own_key_objects() -> None:
    # orjson caches the keys it makes; the programs close over those objects, so their
    # lookups in subgraph answers match on identity (an optimisation, never a condition).
    root = _root(ASSIGNMENTS[0])
    program = shape_program(root)
    parsed = orjson.loads(orjson.dumps(DATA))
    assert orjson.dumps(program(parsed)) == _interpreted(root, copy.deepcopy(DATA))[0]
    read = [cell.cell_contents for cell in program.__closure__ or ()]
    assert any(key is cell for key in parsed for cell in read)
    assert not any(key is cell for key in DATA for cell in read)  # literals: equal only


@pytest.mark.parametrize("variables", ASSIGNMENTS)
def test_every_broken_variant_gives_the_interpreters_data_and_errors(
    variables: dict[str, bool], inline_limits: None
) -> None:
    root = _root(variables)  # one program for all variants, as in the executor (per plan)
    fallbacks = 0
    variants = list(_variants(DATA))
    for broken in variants:
        expected = _interpreted(root, copy.deepcopy(broken))
        got = _executor_way(root, copy.deepcopy(broken))
        assert got == expected, broken
        fallbacks += bool(expected[1])
    # The corpus exercises both ways: some variants are still normal, most are not.
    assert 0 < fallbacks < len(variants)


def test_an_interface_object_answer_without_a_concrete_type_takes_the_interpreter() -> None:
    root = _root(ASSIGNMENTS[0])
    data = copy.deepcopy(DATA)
    data["nodes"][0]["__typename"] = "Node"
    with pytest.raises(SlowPath):
        shape_program(root)(data)
    shaped, errors = _interpreted(root, data)
    # Book-only fields are selected on Node: without the type the item (non-null), then
    # the non-null list, then the whole data are null; one error explains them all.
    assert [(e.message, e.path) for e in errors] == [
        ("Could not determine the runtime type of Query.nodes.", ("nodes", 0)),
    ]
    assert shaped == b"null"


def test_slow_paths_do_not_pile_up_tracebacks() -> None:
    # A reused exception object would grow its traceback on every raise and keep the
    # frames of earlier requests (and their data) alive.
    root = _root(ASSIGNMENTS[0])
    program = shape_program(root)
    depths = []
    for _ in range(3):
        broken = copy.deepcopy(DATA)
        broken["nodes"][1]["minutes"] = None  # non-null, inside a list inside a dispatch
        with pytest.raises(SlowPath) as caught:
            program(broken)
        depths.append(len(traceback.extract_tb(caught.value.__traceback__)))
    assert depths[0] > 1
    assert depths == [depths[0]] * 3


NESTED_SCHEMA = build_schema(
    """
    interface Node { id: ID! related: [Node] }
    type Book implements Node { id: ID! related: [Node] }
    type Film implements Node { id: ID! related: [Node] }
    type Query { top: Node }
    """
)


def _nested_selection(depth: int) -> str:
    inner = "id" if depth == 0 else _nested_selection(depth - 1)
    if depth == 0:
        return inner
    return f"id ... on Book {{ related {{ {inner} }} }} ... on Film {{ related {{ {inner} }} }}"


def test_nested_abstract_positions_do_not_multiply_the_generated_code() -> None:
    # Branching inline at every level would copy each level once per possible type
    # (2^depth here); below the first branching the positions call shared dispatches.
    sizes = []
    for depth in (2, 6):
        operation = prepare_operation(NESTED_SCHEMA, f"{{ top {{ {_nested_selection(depth)} }} }}")
        program = shape_program(shape_for(NESTED_SCHEMA, operation, {}, {}))
        sizes.append(len(program.__code__.co_code))
    assert sizes[0] == sizes[1]


def test_unknown_type_names_from_a_subgraph_are_not_kept() -> None:
    # Any string a subgraph sends as __typename must not grow the caches kept with the
    # plan; INLINE_TYPES 1 forces the dispatch, which keeps a program per type seen.
    for types in [INLINE_TYPES, 1]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(shape_program_module, "INLINE_TYPES", types)
            root = _root(ASSIGNMENTS[0])
            program = shape_program(root)
            for n in range(5):
                data = copy.deepcopy(DATA)
                data["hits"][0]["__typename"] = f"Nope{n}"
                with pytest.raises(SlowPath):
                    program(data)
                assert _interpreted(root, data)[1]  # the interpreter reports the bad type
        hits = next(f for f in root.fields_for("Query") or () if f.key == "hits").child
        assert hits is not None
        assert "Book" in hits._by_type  # the known types are kept
        kept = [*hits.programs, *hits._by_type]
        assert not any(name.startswith("Nope") for name in kept if name is not None)


def test_the_generic_fields_are_not_found_by_a_type_name_from_data() -> None:
    # The interpreter looks up a non-string __typename as "": that must stay an invalid
    # type even after an untyped (interface object) answer made the generic fields.
    root = shape_for(SCHEMA, prepare_operation(SCHEMA, "{ nodes { id } }"), {}, {})
    untyped = {"nodes": [{"id": "b1"}]}
    bad = {"nodes": [{"__typename": 7, "id": "b1"}]}
    for data in (bad, untyped, bad, untyped):
        errors: list[ResponseError] = []
        shaped = Shaper(errors=errors, covered=()).shape(root, copy.deepcopy(data))
        if data is untyped:
            assert (shaped, errors) == (untyped, [])
        else:
            assert shaped is None
            assert [e.message for e in errors] == [
                "Subgraph returned an invalid type for Query.nodes."
            ]
