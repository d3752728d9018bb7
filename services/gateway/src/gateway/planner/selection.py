"""Mutable selection sets of a step while planning, and their printed forms."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SelField", "SelFrag", "SelSet"]


@dataclass(slots=True)
class SelField:
    """A field in a subgraph operation."""

    key: str  # response key in this operation (an alias when it differs from name)
    name: str
    args: str  # printed arguments, e.g. "(id: $id)"; "" without arguments
    directives: str  # printed directives, e.g. " @include(if: $v)"; "" without
    sub: SelSet | None  # None for leaves
    type_text: str = ""  # the field's type in this subgraph (H8: fragments must agree)

    def print(self) -> str:
        alias = f"{self.key}: " if self.key != self.name else ""
        text = alias + self.name + self.args + self.directives
        if self.sub is not None:
            text += " " + self.sub.print()
        return text


@dataclass(slots=True)
class SelFrag:
    """An inline fragment in a subgraph operation."""

    type_condition: str | None
    directives: str
    sub: SelSet

    def print(self) -> str:
        on = f"... on {self.type_condition}" if self.type_condition else "..."
        return on + self.directives + " " + self.sub.print()


@dataclass(slots=True)
class SelSet:
    """An ordered selection set; fields are keyed by (response key, directives)."""

    items: dict[tuple[str, str, str], SelField | SelFrag] = field(default_factory=dict)

    def get_field(
        self,
        key: str,
        name: str,
        args: str,
        directives: str,
        *,
        composite: bool,
        type_text: str = "",
    ) -> SelField:
        """The field with this response key and directives, created when absent."""
        k = ("f", key, directives)
        found = self.items.get(k)
        if isinstance(found, SelField):
            if composite and found.sub is None:
                found.sub = SelSet()
            return found
        sub = SelSet() if composite else None
        created = SelField(key, name, args, directives, sub, type_text)
        self.items[k] = created
        return created

    def get_fragment(self, type_condition: str | None, directives: str) -> SelFrag:
        """The inline fragment with this condition and directives, created when absent."""
        k = ("t", type_condition or "", directives)
        found = self.items.get(k)
        if isinstance(found, SelFrag):
            return found
        created = SelFrag(type_condition, directives, SelSet())
        self.items[k] = created
        return created

    def conflicts(self, key: str, name: str, args: str) -> bool:
        """Whether another field (other name or arguments) already answers under ``key``."""
        return any(
            isinstance(i, SelField) and i.key == key and (i.name, i.args) != (name, args)
            for i in self.items.values()
        )

    def has_key(self, key: str) -> bool:
        """Whether some field already answers under ``key``."""
        return any(k[0] == "f" and k[1] == key for k in self.items)

    def is_empty(self) -> bool:
        """No selection at all (fragments count only when non-empty)."""
        return all(isinstance(i, SelFrag) and i.sub.is_empty() for i in self.items.values())

    def prune(self) -> None:
        """Drop empty fragments."""
        for k, item in list(self.items.items()):
            if isinstance(item, SelFrag):
                item.sub.prune()
                if item.sub.is_empty():
                    del self.items[k]
            elif item.sub is not None:
                item.sub.prune()

    def print(self) -> str:
        return "{ " + " ".join(i.print() for i in self.items.values()) + " }"
