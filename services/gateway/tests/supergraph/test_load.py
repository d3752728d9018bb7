"""Loading supergraphs: join versions, feature links and renames, ownership, Fed1 placement."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.supergraph import SupergraphError, load_supergraph

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "supergraphs"
PLATFORM = (FIXTURES / "platform.graphql").read_text()
FED1 = (FIXTURES / "fed1.graphql").read_text()
RENAMED = (FIXTURES / "renamed-v0.5.graphql").read_text()


@pytest.mark.parametrize("minor", [2, 3, 4, 5])
def test_join_v0_2_to_v0_5_load_with_the_same_model(minor: int) -> None:
    sdl = PLATFORM.replace("join/v0.3", f"join/v0.{minor}")
    sg = load_supergraph(sdl)
    assert sg.join_version == (0, minor)
    assert sg.resolvers("Payment", "status") == ("payments",)
    assert sg.resolvers("Payment", "shippable") == ("delivery",)


def test_graph_names_urls_and_declaration_order() -> None:
    sg = load_supergraph(PLATFORM)
    assert [(g.enum_value, g.name, g.url) for g in sg.graphs] == [
        ("DELIVERY", "delivery", "http://localhost:5003/graphql"),
        ("EVENTS", "events", "http://localhost:5001/graphql"),
        ("PAYMENTS", "payments", "http://localhost:5002/graphql"),
    ]


def test_field_ownership_keys_and_requires() -> None:
    sg = load_supergraph(PLATFORM)
    status = sg.field("Payment", "status")
    assert status is not None
    assert set(status.in_graphs) == {"delivery", "payments"}  # delivery has it, external
    assert status.in_graphs["delivery"].external
    assert sg.resolvers("Payment", "id") == ("delivery", "events", "payments")
    shippable = sg.field("Payment", "shippable")
    assert shippable is not None
    assert shippable.in_graphs["delivery"].requires_text == "status"
    assert [k.fields_text for k in sg.keys("Payment", "events")] == ["id"]
    assert sg.entity_graphs("Delivery") == ("delivery", "events")
    assert sg.keys("Event", "events") == ()


def test_link_as_and_import_renames_are_followed() -> None:
    sg = load_supergraph(RENAMED)
    assert sg.join_version == (0, 5)
    assert sg.graph_names == ("catalog", "reviews-v2")
    assert sg.resolvers("Product", "name") == ("catalog",)
    assert sg.field("Product", "internalCode") is not None
    assert sg.field("Product", "internalCode").inaccessible  # type: ignore[union-attr]


def test_a_join_field_without_graph_resolves_nowhere_directly() -> None:
    sg = load_supergraph(RENAMED)
    assert sg.resolvers("Product", "reviewCount") == ()
    assert sg.resolvers("Node", "reviewCount") == ("reviews-v2",)
    assert sg.interface_object_graphs("Node") == ("reviews-v2",)
    assert sg.possible_types_in("Node", "catalog") == ("Product",)
    assert sg.possible_types_in("Node", "reviews-v2") == ()
    assert "Node" in sg.inconsistent_abstracts


def test_context_arguments_are_recorded() -> None:
    sg = load_supergraph(RENAMED)
    discount = sg.field("Product", "discount")
    assert discount is not None
    assert discount.in_graphs["catalog"].context_arguments


def test_fed1_owner_and_extension_placement() -> None:
    sg = load_supergraph(FED1)
    assert sg.join_version == (0, 1)
    user = sg.type("User")
    assert user.owner == "accounts"
    assert sg.resolvers("User", "name") == ("accounts",)  # no @join__field: the owner
    assert sg.resolvers("User", "id") == ("accounts", "reviews")  # key fields are local
    assert sg.resolvers("User", "reviews") == ("reviews",)
    loud = sg.field("User", "loud")
    assert loud is not None
    assert loud.in_graphs["reviews"].requires_text == "name"


def test_fed1_value_types_go_where_they_are_reachable() -> None:
    sg = load_supergraph(FED1)
    assert set(sg.type("Meta").in_graphs) == {"reviews"}
    assert sg.resolvers("Meta", "score") == ("reviews",)
    assert set(sg.type("Query").in_graphs) == {"accounts", "reviews"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("join/v0.3", "join/v0.9"), "unsupported join version"),
        (('@link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)', ""), "join"),
        (
            (
                '@link(url: "https://specs.apollo.dev/link/v1.0")',
                '@link(url: "https://specs.apollo.dev/link/v1.0")\n'
                '  @link(url: "https://example.com/magic/v1.0", for: EXECUTION)',
            ),
            "unsupported feature",
        ),
        (("enum join__Graph {", "enum Other {"), "join__Graph"),
    ],
)
def test_unservable_supergraphs_are_refused(change: tuple[str, str], message: str) -> None:
    sdl = PLATFORM.replace(*change)
    with pytest.raises(SupergraphError, match=message):
        load_supergraph(sdl)


def test_a_security_feature_we_know_is_accepted() -> None:
    sdl = PLATFORM.replace(
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        '@link(url: "https://specs.apollo.dev/link/v1.0")\n'
        '  @link(url: "https://specs.apollo.dev/tag/v0.3")',
    )
    assert load_supergraph(sdl).graph_names == ("delivery", "events", "payments")


def test_core_v0_1_with_for_is_refused() -> None:
    sdl = FED1.replace(
        '@core(feature: "https://specs.apollo.dev/join/v0.1")',
        '@core(feature: "https://specs.apollo.dev/join/v0.1", for: EXECUTION)',
    )
    with pytest.raises(SupergraphError, match=r"core v0\.1"):
        load_supergraph(sdl)


def test_syntax_errors_are_supergraph_errors() -> None:
    with pytest.raises(SupergraphError, match="cannot parse"):
        load_supergraph("type {")


def test_override_labels_are_collected() -> None:
    sdl = (
        PLATFORM.replace(
            'shippable: Boolean! @join__field(graph: DELIVERY, requires: "status")',
            'shippable: Boolean! @join__field(graph: DELIVERY, requires: "status", '
            'overrideLabel: "percent(5)") @join__field(graph: PAYMENTS, override: "delivery", '
            'overrideLabel: "percent(5)")',
        )
        .replace("join/v0.3", "join/v0.4")
        .replace("usedOverridden: Boolean)", "usedOverridden: Boolean, overrideLabel: String)")
    )
    sg = load_supergraph(sdl)
    assert sg.override_labels == frozenset({"percent(5)"})
    assert sg.resolvers("Payment", "shippable") == ("payments",)
    assert sg.resolvers("Payment", "shippable", frozenset()) == ("delivery",)
