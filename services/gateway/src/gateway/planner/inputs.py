"""Representation inputs of entity steps: ``__typename``, the key and requirements (§4.4)."""

from __future__ import annotations

from gateway.operation.tree import Field, Fragment, Selection
from gateway.plan.nodes import SetValue
from gateway.planner.steps import InputField, Step
from gateway.supergraph.model import Supergraph

__all__ = ["Inputs"]


class Inputs:
    """Adds key and requirement fields to a step's representation inputs."""

    def __init__(self, sg: Supergraph, alias_of: dict[tuple[tuple[str, ...], str], str]) -> None:
        self.sg = sg
        self.alias_of = alias_of  # (response path, signature) -> key used in the data

    def add(
        self,
        step: Step,
        type_name: str,
        path: tuple[str, ...],
        fields: tuple[Field, ...],
        *,
        key: bool,
    ) -> None:
        """Add ``fields`` (read at ``path`` in the data) to the inputs typed ``type_name``."""
        target = step.inputs.get(type_name)
        if target is None:
            target = {"__typename": InputField("__typename", "__typename", True, 0, False)}
            step.inputs[type_name] = target
            possible = set(self.sg.possible_types(type_name))
            if self.sg.is_abstract(type_name):
                possible.add(type_name)  # representations coming from an interface object
            step.possible[type_name] = frozenset(possible)
            name = self.interface_object_name(type_name, step.graph)
            if name is not None:
                step.input_rewrites.append(SetValue((f"... on {type_name}", "__typename"), name))
        self.merge(target, type_name, path, fields, key=key)

    def interface_object_name(self, type_name: str, graph: str) -> str | None:
        """The interface object that stands for ``type_name`` in ``graph``, if any.

        A graph that holds an entity interface as an ``@interfaceObject`` knows neither the
        implementations nor any name but the interface's. The working data may say ``Book``
        even at a position first reached through that graph (a real graph wrote the concrete
        type since), so every representation sent there is renamed to the interface.
        """
        if self.sg.is_interface_object(type_name, graph):
            return type_name
        t = self.sg.types.get(type_name)
        if t is None or t.kind != "object" or self.sg.has_type(type_name, graph):
            return None
        return next((i for i in t.interfaces if self.sg.is_interface_object(i, graph)), None)

    def merge(
        self,
        target: dict[str, InputField],
        parent: str,
        path: tuple[str, ...],
        fields: tuple[Selection, ...],
        *,
        key: bool,
    ) -> None:
        """Merge ``fields`` into ``target``; key fields are always required (non-null)."""
        for f in fields:
            if isinstance(f, Fragment):
                self.merge(target, parent, path, f.selections, key=key)
                continue
            info = self.sg.field(parent, f.name)
            source = self.alias_of.get((path, f.name + f.args_text), f.name)
            type_text = info.type_text if info is not None else "String"
            depth = type_text.count("[")
            inner = type_text.lstrip("[")
            item = target.get(f.name)
            if item is None:
                item = InputField(
                    key=f.name,
                    source=source,
                    non_null=key or type_text.endswith("!"),
                    list_depth=depth,
                    item_non_null=depth > 0 and inner.split("]")[0].endswith("!"),
                )
                target[f.name] = item
            if f.selections and info is not None:
                if item.sub is None:
                    item.sub = {}
                sub_path = (*path, source, *("@",) * depth)
                self.merge(item.sub, info.base_type, sub_path, f.selections, key=key)
