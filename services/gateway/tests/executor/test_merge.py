"""deep_merge, rewrites and representation collection, on plain data."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from gateway.executor import apply_rewrites, deep_merge
from gateway.executor.collect import collect, concrete_paths, objects_at, parsed_key, static_prefix
from gateway.executor.fetch import ExecutionState, _merge_entities
from gateway.plan import (
    MISSING,
    Fetch,
    RenameKey,
    ReqField,
    ReqFragment,
    ReqShape,
    SetValue,
    project,
)

ABSTRACT = frozenset({"Node", "Media"})


def possible(name: str) -> frozenset[str]:
    return {"Media": frozenset({"Book", "Film"})}.get(name, frozenset({name}))


def test_deep_merge_recurses_into_objects_and_lists() -> None:
    target: dict[str, Any] = {"a": {"x": 1}, "l": [{"id": 1}, {"id": 2}], "k": 1}
    deep_merge(target, {"a": {"y": 2}, "l": [{"n": "a"}, {"n": "b"}], "k": 2}, ABSTRACT)
    assert target == {
        "a": {"x": 1, "y": 2},
        "l": [{"id": 1, "n": "a"}, {"id": 2, "n": "b"}],
        "k": 2,
    }


def test_deep_merge_never_overwrites_with_null_but_fills_absent_keys() -> None:
    target: dict[str, Any] = {"a": 1}
    deep_merge(target, {"a": None, "b": None}, ABSTRACT)
    assert target == {"a": 1, "b": None}


def test_deep_merge_keeps_the_target_list_on_a_length_mismatch() -> None:
    target: dict[str, Any] = {"l": [{"id": 1}]}
    deep_merge(target, {"l": [{"n": 1}, {"n": 2}]}, ABSTRACT)
    assert target == {"l": [{"id": 1}]}


def test_deep_merge_never_replaces_a_concrete_typename_with_an_abstract_one() -> None:
    target: dict[str, Any] = {"__typename": "Book", "id": "1"}
    deep_merge(target, {"__typename": "Node", "rating": 5}, ABSTRACT)
    assert target == {"__typename": "Book", "id": "1", "rating": 5}


def test_set_value_rewrites_only_matching_types() -> None:
    reps: list[dict[str, Any]] = [
        {"__typename": "Book", "id": "1"},
        {"__typename": "Film", "id": "2"},
    ]
    for rep in reps:
        apply_rewrites(rep, (SetValue(("... on Book", "__typename"), "Node"),), possible)
    assert reps == [{"__typename": "Node", "id": "1"}, {"__typename": "Film", "id": "2"}]


def test_rename_key_follows_paths_through_lists_and_abstract_conditions() -> None:
    item: dict[str, Any] = {
        "__typename": "Book",
        "related": [{"_qp0_price": 1}, {"_qp0_price": 2}],
    }
    apply_rewrites(item, (RenameKey(("... on Media", "related", "_qp0_price"), "price"),), possible)
    assert item == {"__typename": "Book", "related": [{"price": 1}, {"price": 2}]}


def _fetch(requires: ReqShape) -> Fetch:
    return Fetch("g", "query{x}", None, "query", (), requires, 1)


KEY = ReqShape(
    (),
    (
        ReqFragment(
            "Product",
            frozenset({"Product"}),
            (
                ReqField("__typename", "__typename", True, 0, False, None),
                ReqField("upc", "upc", True, 0, False, None),
                ReqField("price", "_qp0_price", False, 0, False, None),
            ),
        ),
    ),
)


def test_collect_agrees_with_the_reference_projection() -> None:
    data: dict[str, Any] = {
        "top": [
            {"__typename": "Product", "upc": "1", "_qp0_price": 3},
            None,
            {"__typename": "Product", "upc": None},
            {"__typename": "Other", "upc": "9"},
            {"__typename": "Product", "upc": "1", "_qp0_price": 3},
            {"__typename": "Product", "upc": "2", "_qp0_price": None},
            {"__typename": "Product", "upc": "3"},  # its requirement's producer failed
        ]
    }
    reps = collect(data, ("top", "@"), _fetch(KEY), possible)
    top = data["top"]
    assert reps.json() == (
        b'[{"__typename":"Product","upc":"1","price":3},'
        b'{"__typename":"Product","upc":"2","price":null}]'
    )
    assert [[id(e) for e in p] for p in reps.positions] == [[id(top[0]), id(top[4])], [id(top[5])]]
    for entity in top:
        if isinstance(entity, dict) and project(KEY, entity) is MISSING:
            assert all(entity is not e for p in reps.positions for e in p)


def test_objects_at_skips_nulls_scalars_and_missing_keys_and_flattens_lists_below() -> None:
    a, b, c, d = {"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": "d"}
    data: dict[str, Any] = {
        "top": [
            {"p": a},
            None,
            {"p": None},
            {"q": 1},
            "scalar",
            {"p": [b, None, [c]]},  # a list below the last key: its items, at any depth
            [{"p": d}],  # a list item that is a list: not walked on by one "@"
        ]
    }
    assert objects_at(data, ("top", "@", "p")) == [a, b, c]
    # ...but at the end of the path, list items at any depth are the objects.
    top = data["top"]
    assert objects_at(data, ("top", "@")) == [top[0], top[2], top[3], top[5], top[6][0]]
    assert objects_at(data, ("nothing", "@", "p")) == []
    assert objects_at({"top": [{"p": a}, {"p": b}]}, ("top", "@", "p")) == [a, b]


def test_concrete_paths_and_static_prefixes() -> None:
    inner = {"id": 1}
    data = {"a": [{"b": [None, inner]}, {"b": []}]}
    assert concrete_paths(data, ("a", "@", "b", "@"), {id(inner)}) == {
        id(inner): [("a", 0, "b", 1)]
    }
    assert static_prefix(("a", "@", "b", "@")) == ("a",)
    assert static_prefix(("a", "b")) == ("a", "b")


SIMPLE_KEY = ReqShape(
    (),
    (
        ReqFragment(
            "Product",
            frozenset({"Product", "Book"}),
            (
                ReqField("__typename", "__typename", True, 0, False, None),
                ReqField("upc", "upc", True, 0, False, None),
                ReqField("sku", "sku", True, 0, False, None),
            ),
        ),
    ),
)


def test_the_simple_key_fast_path_agrees_with_the_reference_projection() -> None:
    rows: list[Any] = []
    for i in range(40):
        kind = ("Product", "Book", "Other", None)[i % 4]
        row: dict[str, Any] = {"upc": str(i % 7), "sku": i % 3}
        if kind is not None:
            row["__typename"] = kind
        if i % 5 == 0:
            row["sku"] = None
        if i % 11 == 0:
            del row["upc"]
        rows.append(row if i % 13 else None)
    data = {"top": [rows[:20], rows[20:]]}
    got = collect(data, ("top", "@", "@"), _fetch(SIMPLE_KEY), possible)
    expected_keys: list[bytes] = []
    expected_positions: list[list[int]] = []
    for entity in (e for part in data["top"] for e in part if e is not None):
        rep = project(SIMPLE_KEY, entity)
        if rep is MISSING:
            continue
        key = orjson.dumps(rep)
        if key not in expected_keys:
            expected_keys.append(key)
            expected_positions.append([])
        expected_positions[expected_keys.index(key)].append(id(entity))
    assert got.json() == b"[" + b",".join(expected_keys) + b"]"
    assert [[id(e) for e in p] for p in got.positions] == expected_positions
    assert len(expected_keys) > 5  # the data exercises deduplication and skipping


def _reference(requires: ReqShape, entities: list[dict[str, Any]]) -> tuple[bytes, list[list[int]]]:
    """The general projection, entity by entity: representations JSON and positions."""
    keys: list[bytes] = []
    positions: list[list[int]] = []
    for entity in entities:
        rep = project(requires, entity)
        if rep is MISSING:
            continue
        key = orjson.dumps(rep)
        if key not in keys:
            keys.append(key)
            positions.append([])
        positions[keys.index(key)].append(id(entity))
    return b"[" + b",".join(keys) + b"]", positions


def test_the_column_path_of_simple_keys_agrees_with_the_reference_projection() -> None:
    # Every entity complete and of a wanted type: the keys are read column by column.
    unique: list[dict[str, Any]] = [
        {"__typename": ("Product", "Book")[i % 2], "upc": str(i), "sku": i} for i in range(9)
    ]
    repeated: list[dict[str, Any]] = [
        {"__typename": "Product", "upc": str(i % 3), "sku": 1, "x": i} for i in range(9)
    ]
    twin = {"__typename": "Book", "upc": "s", "sku": 2}
    for rows in (unique, repeated, [twin, *unique[:3], dict(twin)], []):
        data = {"top": [{"p": row} for row in rows]}
        got = collect(data, ("top", "@", "p"), _fetch(SIMPLE_KEY), possible)
        expected_json, expected_positions = _reference(SIMPLE_KEY, rows)
        assert got.json() == expected_json
        assert [[id(e) for e in p] for p in got.positions] == expected_positions
    assert len(_reference(SIMPLE_KEY, repeated)[1]) == 3  # deduplicated, in first-seen order


def _simple(types: frozenset[str], *keys: str) -> ReqShape:
    fields = (
        ReqField("__typename", "__typename", True, 0, False, None),
        *(ReqField(key, key, True, 0, False, None) for key in keys),
    )
    return ReqShape((), (ReqFragment("Product", types, fields),))


def test_every_simple_key_form_agrees_with_the_reference_projection() -> None:
    # One or two wanted types, no, one or two keys; complete, duplicated, foreign-typed,
    # incomplete and null-keyed entities.
    complete: list[dict[str, Any]] = [
        {"__typename": ("Product", "Book")[i % 2], "upc": str(i % 4), "sku": i % 3}
        for i in range(12)
    ]
    mixed: list[dict[str, Any]] = [
        *complete,
        {"__typename": "Other", "upc": "1", "sku": 1},
        {"__typename": "Product", "upc": "1"},
        {"__typename": "Product", "upc": None, "sku": 1},
        {"upc": "1", "sku": 1},
        {"__typename": "Product", "upc": "1", "sku": 1},
    ]
    products = [row for row in complete if row["__typename"] == "Product"]
    for requires in (
        _simple(frozenset({"Product"})),  # no key: the general projection
        _simple(frozenset({"Product", "Book"})),
        _simple(frozenset({"Product"}), "upc"),
        _simple(frozenset({"Product"}), "upc", "sku"),
        _simple(frozenset({"Product", "Book"}), "upc"),
        _simple(frozenset({"Product", "Book"}), "upc", "sku"),
    ):
        for rows in (complete, mixed, products, products[:1], []):
            data = {"top": rows}
            got = collect(data, ("top", "@"), _fetch(requires), possible)
            expected_json, expected_positions = _reference(requires, rows)
            assert got.json() == expected_json
            assert [[id(e) for e in p] for p in got.positions] == expected_positions


def test_entity_results_reach_every_position_as_private_objects() -> None:
    one, two, one_again = (
        {"__typename": "Product", "upc": "1", "sku": 1},
        {"__typename": "Product", "upc": "2", "sku": 2, "name": "kept"},
        {"__typename": "Product", "upc": "1", "sku": 1, "stock": {"n": 0}},
    )
    data = {"top": [one, two, one_again]}
    fetch = _fetch(SIMPLE_KEY)
    reps = collect(data, ("top", "@"), fetch, possible)
    assert len(reps) == 2
    state = ExecutionState(
        plan=None,  # type: ignore[arg-type]  # not read by the merge
        transport=None,  # type: ignore[arg-type]
        variables={},
        coerced={},
        abstract_types=ABSTRACT,
        possible=possible,
    )
    items: list[Any] = [
        {"stock": {"n": 5, "where": ["a"]}, "name": "Table"},
        {"name": None, "color": "RED"},  # flat: merged as it is; a null never overwrites
    ]
    _merge_entities(state, fetch, items, reps)
    assert one["stock"] == {"n": 5, "where": ["a"]}
    assert one["name"] == "Table"
    assert one_again["stock"] == {"n": 5, "where": ["a"]}  # deep-merged into its own dict
    assert two == {"__typename": "Product", "upc": "2", "sku": 2, "name": "kept", "color": "RED"}
    # Later merges into one position must not show up at the other one.
    one["stock"]["where"].append("b")
    assert one_again["stock"]["where"] == ["a"]
    assert one["stock"] is items[0]["stock"]  # the first position got the item itself


def test_objects_at_is_walked_again_after_a_merge_above_the_path() -> None:
    state = ExecutionState(
        plan=None,  # type: ignore[arg-type]  # not read here
        transport=None,  # type: ignore[arg-type]
        variables={},
        coerced={},
        abstract_types=ABSTRACT,
        possible=possible,
    )
    product: dict[str, Any] = {"upc": "1", "author": None}
    state.data = {"top": [product]}
    below = ("top", "@", "author")
    assert state.objects_at(below) == []
    at_top = state.objects_at(("top", "@"))
    assert at_top == [product]
    # A merge into the objects at top.@ (an entity fetch there) can add authors...
    deep_merge(product, {"author": {"id": "a"}}, ABSTRACT)
    state.merged_at(("top", "@"))
    assert state.objects_at(below) == [{"id": "a"}]
    # ...but not new objects at top.@ itself, whose walk is kept.
    assert state.objects_at(("top", "@")) is at_top
    state.merged_at(())  # a root fetch: everything is walked again
    assert state.objects_at(("top", "@")) is not at_top


def _containers(value: Any) -> list[int]:
    """ids of every dict and list below ``value`` (itself excluded)."""
    found: list[int] = []
    children = value.values() if isinstance(value, dict) else value
    for child in children:
        if isinstance(child, dict | list):
            found.append(id(child))
            found.extend(_containers(child))
    return found


@pytest.mark.parametrize(
    ("upcs", "items"),
    [
        # each representation once, nested items: the bulk update path
        (["1", "2"], [{"stock": {"n": 1}}, {"stock": {"n": 2}, "tags": ["x"]}]),
        # duplicates with flat items: the bulk update path
        (["1", "2", "1", "1"], [{"name": "A", "n": 1}, {"name": "B", "n": None}]),
        # duplicates with nested items: copies for later uses
        (["1", "2", "1"], [{"stock": {"n": 1}}, {"name": "B"}]),
        # a key the entity already has: deep_merge (a null never overwrites)
        (["1", "2"], [{"sku": None, "name": "A"}, {"sku": 9}]),
        # duplicates with scalars over keys the entities have: dict.update is deep_merge's
        (["1", "2", "1"], [{"sku": 7, "name": "A"}, {"sku": 9}]),
        # ... but not with a null (never overwrites) or an abstract __typename (never replaces)
        (["1", "2", "1"], [{"sku": None, "name": "A"}, {"sku": 9}]),
        (["1", "2", "1"], [{"__typename": "Media", "name": "A"}, {"name": "B"}]),
        # an entity the subgraph did not find
        (["1", "2", "2"], [None, {"name": "B"}]),
    ],
)
def test_entity_merging_agrees_with_deep_merge_into_private_copies(
    upcs: list[str], items: list[Any]
) -> None:
    data = {"top": [{"__typename": "Product", "upc": u, "sku": int(u)} for u in upcs]}
    expected = orjson.loads(orjson.dumps(data))
    order = list(dict.fromkeys(upcs))
    for entity in expected["top"]:
        item = items[order.index(entity["upc"])]
        if isinstance(item, dict):
            deep_merge(entity, orjson.loads(orjson.dumps(item)), ABSTRACT)
    fetch = _fetch(SIMPLE_KEY)
    reps = collect(data, ("top", "@"), fetch, possible)
    state = ExecutionState(
        plan=None,  # type: ignore[arg-type]  # not read by the merge
        transport=None,  # type: ignore[arg-type]
        variables={},
        coerced={},
        abstract_types=ABSTRACT,
        possible=possible,
    )
    _merge_entities(state, fetch, items, reps)
    assert orjson.dumps(data) == orjson.dumps(expected)  # same values, same key order
    shared = [c for entity in data["top"] for c in _containers(entity)]
    assert len(shared) == len(set(shared))  # no dict or list reachable from two positions


def test_keys_are_read_through_the_objects_orjson_parses_them_into() -> None:
    # Lookups by those objects match on identity (orjson's key cache); answers built by
    # other means (the tests above: interned literals) match by comparison.
    parsed_key.cache_clear()  # a key parsed earlier may have left orjson's cache since
    parsed = orjson.loads(b'[{"__typename": "Product", "upc": "1"}]')
    assert all(parsed_key(key) is key for key in parsed[0])
    reps = collect(
        {"top": parsed}, ("top", "@"), _fetch(_simple(frozenset({"Product"}), "upc")), possible
    )
    assert reps.json() == b'[{"__typename":"Product","upc":"1"}]'
