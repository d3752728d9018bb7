"""Static cost model: ``@cost`` / ``@listSize`` weights read from the supergraph SDL.

The formula (an upper bound, computed before planning; see ``docs/edge.md``)::

    cost(selection set) = sum of cost(selection)          # fragments on several types: summed
    cost(field)         = weight(field) + sum(weight(arg) for each argument given)
                          + multiplier(field) * cost(field's selection set)
    weight(field)       = @cost on the field, else @cost on its return type,
                          else 10 for a mutation root field, 1 for an object/interface/union,
                          0 for a scalar or enum
    multiplier(field)   = 1 unless the field returns a list; for a list: the largest slicing
                          argument given (literal or variable), else @listSize(assumedSize),
                          else the default list size. With @listSize(sizedFields: [...]) the
                          multiplier applies to those child fields instead of the field itself.

The cost spec's directives may be renamed by ``@link(as:/import:)``; names are resolved
through the supergraph's feature table, never hard-coded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    FloatValueNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    IntValueNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    StringValueNode,
    UnionTypeDefinitionNode,
    ValueNode,
    parse,
)

from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.links import Names, read_features

__all__ = ["CostModel", "ListSize"]

_TYPE_DEFS = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    EnumTypeDefinitionNode,
    UnionTypeDefinitionNode,
)


@dataclass(frozen=True, slots=True)
class ListSize:
    """One ``@listSize`` application."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()


@dataclass(slots=True)
class CostModel:
    """Weights per type, field and argument, plus list sizes; defaults where none is given."""

    default_list_size: int = 10
    mutation_field_weight: float = 10.0
    type_weights: dict[str, float] = field(default_factory=dict)
    field_weights: dict[tuple[str, str], float] = field(default_factory=dict)
    arg_weights: dict[tuple[str, str, str], float] = field(default_factory=dict)
    list_sizes: dict[tuple[str, str], ListSize] = field(default_factory=dict)

    @classmethod
    def from_supergraph_sdl(
        cls, sdl: str | DocumentNode, *, default_list_size: int = 10
    ) -> CostModel:
        """Read ``@cost``/``@listSize`` applications (absent spec: all defaults)."""
        doc = parse(sdl, no_location=True) if isinstance(sdl, str) else sdl
        model = cls(default_list_size=default_list_size)
        try:
            names = Names(read_features(doc))
        except SupergraphError:  # a plain schema (no @link) simply has no cost spec
            return model
        cost_name = names.directive("cost")
        list_name = names.directive("cost", "listSize")
        if cost_name is None:
            return model
        for definition in doc.definitions:
            if not isinstance(definition, _TYPE_DEFS):
                continue
            type_name = definition.name.value
            weight = _weight(definition.directives, cost_name)
            if weight is not None:
                model.type_weights[type_name] = weight
            for fdef in getattr(definition, "fields", None) or ():
                if not isinstance(fdef, FieldDefinitionNode):
                    continue  # input fields: weights of input objects are not modelled
                fname = fdef.name.value
                w = _weight(fdef.directives, cost_name)
                if w is not None:
                    model.field_weights[(type_name, fname)] = w
                for adef in fdef.arguments or ():
                    aw = _weight(adef.directives, cost_name)
                    if aw is not None:
                        model.arg_weights[(type_name, fname, adef.name.value)] = aw
                size = _list_size(fdef.directives, list_name)
                if size is not None:
                    model.list_sizes[(type_name, fname)] = size
        return model

    def list_multiplier(self, type_name: str, field_name: str, arguments: Mapping[str, Any]) -> int:
        """How many items a list field is assumed to return (see the module docstring)."""
        size = self.list_sizes.get((type_name, field_name))
        if size is None:
            return self.default_list_size
        given = [
            v
            for a in size.slicing_arguments
            if isinstance(v := arguments.get(a), int) and not isinstance(v, bool)
        ]
        if given:
            return max(0, *given)
        if size.assumed_size is not None:
            return size.assumed_size
        return self.default_list_size


def _arg(d: DirectiveNode, name: str) -> ValueNode | None:
    for a in d.arguments or ():
        if a.name.value == name:
            return a.value
    return None


def _weight(directives: Iterable[DirectiveNode] | None, name: str) -> float | None:
    for d in directives or ():
        if d.name.value != name:
            continue
        v = _arg(d, "weight")
        # cost v0.1 types weight as Int; some composers emit it as a string
        if isinstance(v, IntValueNode | FloatValueNode | StringValueNode):
            try:
                return float(v.value)
            except ValueError:
                return None
    return None


def _strings(v: ValueNode | None) -> tuple[str, ...]:
    if isinstance(v, ListValueNode):
        return tuple(i.value for i in v.values if isinstance(i, StringValueNode))
    if isinstance(v, StringValueNode):
        return (v.value,)
    return ()


def _list_size(directives: Iterable[DirectiveNode] | None, name: str | None) -> ListSize | None:
    if name is None:
        return None
    for d in directives or ():
        if d.name.value != name:
            continue
        assumed = _arg(d, "assumedSize")
        return ListSize(
            assumed_size=int(assumed.value) if isinstance(assumed, IntValueNode) else None,
            slicing_arguments=_strings(_arg(d, "slicingArguments")),
            sized_fields=_strings(_arg(d, "sizedFields")),
        )
    return None
