"""The feed scenario: a value interface and a union whose members differ by subgraph,
a union mixing entities and a value type, and shared fields whose types differ.

- posts: ``interface Content { id title }`` (Article, Video), ``union FeedItem =
  Article | Video | Ad`` (Ad is a value type), ``Article.tags: [String!]!``,
  ``Video.url @external`` provided by ``Query.featured``.
- media: ``interface Content`` (Video, Podcast), ``union FeedItem = Video | Podcast``,
  ``Video.title: String!`` where posts says ``String``; Video's ``url``.
- stats: Article, Video, Podcast without the interface; ``views: Int!``,
  ``Video.score @requires(duration)``, ``Article.tags: [String]`` and ``Query.trending``
  (which lists an article only stats knows).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from graphql import GraphQLError

from gwharness.composed import compose_subgraphs, fed2
from gwharness.subgraph import Subgraph

__all__ = ["ARTICLES", "PODCASTS", "VIDEOS", "feed_subgraphs", "feed_supergraph"]

ARTICLES: dict[str, dict[str, Any]] = {
    "a1": {"id": "a1", "title": "Hello", "body": "First post", "tags": ["intro", "news"]},
    "a2": {"id": "a2", "title": None, "body": "Untitled", "tags": []},
}
VIDEOS: dict[str, dict[str, Any]] = {
    "v1": {"id": "v1", "title": "Cats", "duration": 120, "url": "https://v/1"},
    "v2": {"id": "v2", "title": "Dogs", "duration": None, "url": None},
}
PODCASTS: dict[str, dict[str, Any]] = {
    "p1": {"id": "p1", "title": "Talk", "episodes": 12, "hosts": ["Ann", "Bob"]},
    "p2": {"id": "p2", "title": None, "episodes": None, "hosts": None},
}
AD = {"__typename": "Ad", "slogan": "Buy now"}
# stats knows a9, which no other subgraph knows, and not v2 nor p2.
VIEWS: dict[str, int] = {"a1": 100, "a2": 5, "a9": 1, "v1": 7, "p1": 3}
STATS_TAGS: dict[str, list[str] | None] = {"a1": ["intro", "news"], "a2": [], "a9": None}


def _typed(typename: str, record: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if record is None else {"__typename": typename, **record}


def _article(id_: str) -> dict[str, Any] | None:
    return _typed("Article", ARTICLES.get(id_))


def _video(id_: str) -> dict[str, Any] | None:
    return _typed("Video", VIDEOS.get(id_))


def _podcast(id_: str) -> dict[str, Any] | None:
    return _typed("Podcast", PODCASTS.get(id_))


# posts' feed, in order: a null item and the Ad value type among entities.
FEED: list[str | None] = ["a1", "v1", "ad", None, "a2", "v2"]


def _feed_item(id_: str | None) -> dict[str, Any] | None:
    if id_ is None:
        return None
    if id_ == "ad":
        return AD
    return _article(id_) or _video(id_)


def posts() -> Subgraph:
    return Subgraph(
        "posts",
        fed2(
            """
            interface Content { id: ID! title: String }
            type Article implements Content @key(fields: "id") {
              id: ID! title: String body: String! tags: [String!]! @shareable
            }
            type Video implements Content @key(fields: "id") {
              id: ID! title: String @shareable duration: Int url: String @external
            }
            type Ad { slogan: String! }
            union FeedItem = Article | Video | Ad
            type Query {
              feed: [FeedItem]! posts: [Content!]! featured: Video @provides(fields: "url")
            }
            """,
            "@key",
            "@shareable",
            "@external",
            "@provides",
        ),
        resolvers={
            "Query": {
                "feed": lambda _p: [_feed_item(i) for i in FEED],
                "posts": lambda _p: [_article("a1"), _video("v2"), _article("a2")],
                "featured": lambda _p: _video("v1"),
            }
        },
        entities={"Article": lambda r: _article(r["id"]), "Video": lambda r: _video(r["id"])},
    )


def media() -> Subgraph:
    def hosts(podcast: dict[str, Any]) -> list[str] | None:
        if podcast["id"] == "p2":
            raise GraphQLError(
                "hosts of p2 are being re-indexed", extensions={"code": "HOSTS_UNAVAILABLE"}
            )
        hosts_: list[str] | None = podcast["hosts"]
        return hosts_

    return Subgraph(
        "media",
        fed2(
            """
            interface Content { id: ID! title: String }
            type Video implements Content @key(fields: "id") {
              id: ID! title: String! @shareable url: String @shareable
            }
            type Podcast implements Content @key(fields: "id") {
              id: ID! title: String episodes: Int hosts: [String!]
            }
            union FeedItem = Video | Podcast
            type Query { library: [Content!]! playlist: [FeedItem!]! }
            """,
            "@key",
            "@shareable",
        ),
        resolvers={
            "Query": {
                "library": lambda _p: [_podcast("p1"), _video("v1"), _podcast("p2"), _video("v2")],
                "playlist": lambda _p: [_video("v2"), _podcast("p1")],
            },
            "Podcast": {"hosts": hosts},
        },
        entities={"Video": lambda r: _video(r["id"]), "Podcast": lambda r: _podcast(r["id"])},
    )


def stats() -> Subgraph:
    def counted(typename: str) -> Any:
        def resolve(rep: dict[str, Any]) -> dict[str, Any] | None:
            if rep["id"] not in VIEWS:
                return None
            out: dict[str, Any] = {"__typename": typename, "id": rep["id"]}
            out["views"] = VIEWS[rep["id"]]
            if typename == "Article":
                out["tags"] = STATS_TAGS[rep["id"]]
            if "duration" in rep:  # the requirement of Video.score
                out["score"] = None if rep["duration"] is None else rep["duration"] / 60
            return out

        return resolve

    article = counted("Article")
    return Subgraph(
        "stats",
        fed2(
            """
            type Article @key(fields: "id") { id: ID! views: Int! tags: [String] @shareable }
            type Video @key(fields: "id") {
              id: ID! duration: Int @external views: Int! score: Float @requires(fields: "duration")
            }
            type Podcast @key(fields: "id") { id: ID! views: Int! }
            type Query { trending: [Article!]! }
            """,
            "@key",
            "@shareable",
            "@external",
            "@requires",
        ),
        resolvers={
            "Query": {"trending": lambda _p: [article({"id": i}) for i in ("a2", "a9", "a1")]}
        },
        entities={"Article": article, "Video": counted("Video"), "Podcast": counted("Podcast")},
    )


def feed_subgraphs() -> list[Subgraph]:
    return [posts(), media(), stats()]


@cache
def feed_supergraph() -> str:
    """Composed once per process by our composer."""
    return compose_subgraphs(feed_subgraphs())
