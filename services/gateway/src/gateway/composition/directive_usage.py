"""Where each directive may be applied, and how often (GraphQL's own rules).

Checks every directive application of a subgraph against its definition:
the federation directives (by their canonical meaning, whatever their local
name), the built-in ones and those the subgraph defines itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    Node,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
)

__all__ = ["directive_problems"]

_ACCESS = ("FIELD_DEFINITION", "OBJECT", "INTERFACE", "SCALAR", "ENUM")
_EVERYWHERE = (
    "FIELD_DEFINITION",
    "OBJECT",
    "INTERFACE",
    "UNION",
    "ARGUMENT_DEFINITION",
    "SCALAR",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
)
# canonical name -> (locations, repeatable)
KNOWN: dict[str, tuple[tuple[str, ...], bool]] = {
    "key": (("OBJECT", "INTERFACE"), True),
    "requires": (("FIELD_DEFINITION",), False),
    "provides": (("FIELD_DEFINITION",), False),
    "external": (("OBJECT", "FIELD_DEFINITION"), False),
    "tag": ((*_EVERYWHERE, "SCHEMA"), True),
    "extends": (("OBJECT", "INTERFACE"), False),
    "shareable": (("OBJECT", "FIELD_DEFINITION"), True),
    "inaccessible": (_EVERYWHERE, False),
    "override": (("FIELD_DEFINITION",), False),
    "composeDirective": (("SCHEMA",), True),
    "interfaceObject": (("OBJECT",), False),
    "authenticated": (_ACCESS, False),
    "requiresScopes": (_ACCESS, False),
    "policy": (_ACCESS, False),
    "context": (("OBJECT", "INTERFACE", "UNION"), True),
    "fromContext": (("ARGUMENT_DEFINITION",), False),
    "cost": (
        (
            "ARGUMENT_DEFINITION",
            "ENUM",
            "FIELD_DEFINITION",
            "INPUT_FIELD_DEFINITION",
            "OBJECT",
            "SCALAR",
        ),
        False,
    ),
    "listSize": (("FIELD_DEFINITION",), False),
    "deprecated": (
        ("FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INPUT_FIELD_DEFINITION", "ENUM_VALUE"),
        False,
    ),
    "specifiedBy": (("SCALAR",), False),
    "oneOf": (("INPUT_OBJECT",), False),
    "link": (("SCHEMA",), True),
}
_TYPE_LOCATIONS: dict[type[Node], str] = {
    SchemaDefinitionNode: "SCHEMA",
    SchemaExtensionNode: "SCHEMA",
    ObjectTypeDefinitionNode: "OBJECT",
    ObjectTypeExtensionNode: "OBJECT",
    InterfaceTypeDefinitionNode: "INTERFACE",
    InterfaceTypeExtensionNode: "INTERFACE",
    UnionTypeDefinitionNode: "UNION",
    UnionTypeExtensionNode: "UNION",
    EnumTypeDefinitionNode: "ENUM",
    EnumTypeExtensionNode: "ENUM",
    InputObjectTypeDefinitionNode: "INPUT_OBJECT",
    InputObjectTypeExtensionNode: "INPUT_OBJECT",
    ScalarTypeDefinitionNode: "SCALAR",
    ScalarTypeExtensionNode: "SCALAR",
}


def _elements(document: DocumentNode) -> Iterator[tuple[str, Node]]:
    """Every element that can carry directives, with its directive location."""
    for node in document.definitions:
        location = _TYPE_LOCATIONS.get(type(node))
        if location is None:
            continue
        yield location, node
        for child in getattr(node, "fields", None) or ():
            if isinstance(child, InputValueDefinitionNode):
                yield "INPUT_FIELD_DEFINITION", child
            elif isinstance(child, FieldDefinitionNode):
                yield "FIELD_DEFINITION", child
                for arg in child.arguments or ():
                    yield "ARGUMENT_DEFINITION", arg
        for value in getattr(node, "values", None) or ():
            yield "ENUM_VALUE", value


def directive_problems(
    document: DocumentNode, canonical: dict[str, str]
) -> list[tuple[str, str, DirectiveNode]]:
    """(code, message, application) for every misplaced or wrongly repeated directive.

    `canonical` maps local directive names to federation meanings; unknown
    directives are reported elsewhere.
    """
    defined: dict[str, tuple[tuple[str, ...], bool]] = {
        d.name.value: (tuple(loc.value for loc in d.locations), d.repeatable)
        for d in document.definitions
        if isinstance(d, DirectiveDefinitionNode)
    }
    problems: list[tuple[str, str, DirectiveNode]] = []
    for location, element in _elements(document):
        counts: dict[str, int] = {}
        for directive in getattr(element, "directives", None) or ():
            name = directive.name.value
            meaning = canonical.get(name, name)
            rule = (
                KNOWN.get(meaning) if meaning in canonical.values() or name not in defined else None
            )
            rule = rule or defined.get(name)
            if rule is None:
                continue
            locations, repeatable = rule
            if location not in locations:
                message = f'Directive "@{name}" may not be used on {location}.'
                problems.append(("INVALID_GRAPHQL", message, directive))
            counts[name] = counts.get(name, 0) + 1
            if counts[name] == 2 and meaning == "shareable":
                # Repeatable only so a type and its extensions may each say it.
                message = f"Invalid duplicate application of @{name} on the same declaration."
                problems.append(("INVALID_SHAREABLE_USAGE", message, directive))
            elif counts[name] == 2 and not repeatable:
                message = f'The directive "@{name}" can only be used once at this location.'
                problems.append(("INVALID_GRAPHQL", message, directive))
    return problems
