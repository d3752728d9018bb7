"""The fixed preamble of a join v0.3 supergraph, so scenario supergraphs stay short."""

from __future__ import annotations

__all__ = ["join_v03", "join_v04"]

_PREAMBLE = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)
{ %(roots)s }

directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION
  | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean)
  repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!)
  repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false)
  repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import])
  repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }
"""


def join_v03(graphs: list[str], body: str, *, mutation: bool = False) -> str:
    """A join v0.3 supergraph over ``graphs`` (names; enum values are upper-cased)."""
    roots = "query: Query" + (" mutation: Mutation" if mutation else "")
    values = "\n".join(
        f'  {g.upper()} @join__graph(name: "{g}", url: "http://{g}/graphql")' for g in graphs
    )
    return _PREAMBLE % {"roots": roots} + f"enum join__Graph {{\n{values}\n}}\n" + body


def join_v04(graphs: list[str], body: str, *, mutation: bool = False) -> str:
    """Like ``join_v03`` with join v0.4: ``@join__field(overrideLabel:)``."""
    text = join_v03(graphs, body, mutation=mutation)
    text = text.replace("join/v0.3", "join/v0.4")
    return text.replace(
        "override: String, usedOverridden: Boolean)",
        "override: String, usedOverridden: Boolean, overrideLabel: String)",
    )
