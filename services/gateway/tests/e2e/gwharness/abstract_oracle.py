"""Monolithic resolvers for the zoo's, the feed's and the gallery's API schemas over the same data as
their subgraphs, for the differential check (design §8)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema

from gwharness import feed, gallery, zoo

__all__ = [
    "FEED_ARGS",
    "ZOO_ARGS",
    "install_feed_resolvers",
    "install_gallery_resolvers",
    "install_zoo_resolvers",
]

ZOO_ARGS: dict[tuple[str, str], list[str]] = {
    ("Query", "animal"): ['(id: "d1")', '(id: "c2")', '(id: "zz")'],
}
FEED_ARGS: dict[tuple[str, str], list[str]] = {}


def _install(schema: GraphQLSchema, resolvers: dict[str, dict[str, Any]]) -> None:
    for type_name, fields in resolvers.items():
        gql_type = schema.type_map[type_name]
        assert isinstance(gql_type, GraphQLObjectType)
        for name, fn in fields.items():
            gql_type.fields[name].resolve = fn


def install_zoo_resolvers(schema: GraphQLSchema) -> None:
    animals = zoo.ANIMALS

    def vet(field: str) -> Any:
        return lambda a, _i: zoo.VET.get(a["id"], {}).get(field)

    animal_fields = {
        "greeting": lambda a, _i: f"Hello, {a['name']}!",
        "vaccinated": vet("vaccinated"),
        "checkups": vet("checkups"),
    }
    _install(
        schema,
        {
            "Query": {
                "animals": lambda _p, _i: list(animals.values()),
                "animal": lambda _p, _i, id: animals.get(id),
                "dogOfTheDay": lambda _p, _i: animals["d2"],
                "kennels": lambda _p, _i: [
                    {"number": n, "occupant": None if a is None else animals[a]}
                    for n, a in zoo.KENNELS
                ],
                "patients": lambda _p, _i: [animals["d2"], animals["c1"]],
            },
            "Dog": {**animal_fields, "breed": lambda d, _i: zoo.BREEDS.get(d["id"])},
            "Cat": animal_fields,
        },
    )


def install_feed_resolvers(schema: GraphQLSchema) -> None:
    def article(id_: str) -> dict[str, Any]:
        # a9 is known to stats only: every posts field of it is null.
        return {"__typename": "Article", **feed.ARTICLES.get(id_, {"id": id_})}

    def video(id_: str) -> dict[str, Any]:
        return {"__typename": "Video", **feed.VIDEOS[id_]}

    def podcast(id_: str) -> dict[str, Any]:
        return {"__typename": "Podcast", **feed.PODCASTS[id_]}

    def item(id_: str | None) -> dict[str, Any] | None:
        if id_ is None:
            return None
        if id_ == "ad":
            return feed.AD
        return article(id_) if id_.startswith("a") else video(id_)

    def views(entity: dict[str, Any], _info: Any) -> int | None:
        return feed.VIEWS.get(entity["id"])

    def tags(a: dict[str, Any], _info: Any) -> list[str] | None:
        known = feed.ARTICLES.get(a["id"])
        return known["tags"] if known is not None else feed.STATS_TAGS.get(a["id"])

    def score(v: dict[str, Any], _info: Any) -> float | None:
        if v["id"] not in feed.VIEWS or v["duration"] is None:
            return None
        return float(v["duration"] / 60)

    def hosts(p: dict[str, Any], _info: Any) -> list[str] | None:
        if p["id"] == "p2":
            raise GraphQLError("hosts of p2 are being re-indexed")
        value: list[str] | None = p["hosts"]
        return value

    _install(
        schema,
        {
            "Query": {
                "feed": lambda _p, _i: [item(i) for i in feed.FEED],
                "posts": lambda _p, _i: [article("a1"), video("v2"), article("a2")],
                "featured": lambda _p, _i: video("v1"),
                "library": lambda _p, _i: [podcast("p1"), video("v1"), podcast("p2"), video("v2")],
                "playlist": lambda _p, _i: [video("v2"), podcast("p1")],
                "trending": lambda _p, _i: [article(i) for i in ("a2", "a9", "a1")],
            },
            "Article": {"views": views, "tags": tags},
            "Video": {"views": views, "score": score},
            "Podcast": {"views": views, "hosts": hosts},
        },
    )


def install_gallery_resolvers(schema: GraphQLSchema) -> None:
    def listed(ids: list[str]) -> Any:
        return lambda _p, _i: [gallery.SHOP[i] for i in ids]

    def name(product: dict[str, Any], _info: Any) -> str | None:
        return gallery.NAMES.get(product["id"])

    _install(
        schema,
        {
            "Query": {
                "picks": listed(gallery.PICKS),
                "shelf": listed(gallery.SHELF),
                "printed": listed(gallery.PRINTED),
            },
            "Book": {"name": name},
            "Game": {"name": name},
        },
    )
