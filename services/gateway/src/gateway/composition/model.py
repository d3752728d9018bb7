"""The normalized view of one subgraph that the merge works on.

Federation directives are resolved to their meaning here (keys, external,
shareable, ...), whatever the subgraph called them (`@key`, `@primaryKey`
via `import: [{name: "@key", as: "@primaryKey"}]`, `@federation__key`).
Directives that are carried into the supergraph (`@tag`, `@inaccessible`,
the auth and cost directives, `@deprecated`, composed custom directives)
are kept as `Applied` values with their canonical name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .errors import Location

__all__ = [
    "Applied",
    "EnumValue",
    "Field",
    "InputValue",
    "Key",
    "Kind",
    "Subgraph",
    "TypeDef",
    "TypeRef",
]

Kind = Literal["object", "interface", "union", "enum", "input", "scalar"]


@dataclass(frozen=True, slots=True)
class TypeRef:
    """A GraphQL type reference: `name`, `[of]` (list) or `of!` (non-null)."""

    kind: Literal["named", "list", "non_null"]
    name: str = ""
    of: TypeRef | None = None

    @property
    def base(self) -> str:
        return self.name if self.of is None else self.of.base

    def inner(self) -> TypeRef:
        assert self.of is not None
        return self.of

    def rename(self, mapping: dict[str, str]) -> TypeRef:
        if self.of is None:
            return TypeRef("named", mapping.get(self.name, self.name))
        return TypeRef(self.kind, of=self.of.rename(mapping))

    def __str__(self) -> str:
        if self.kind == "named":
            return self.name
        if self.kind == "list":
            return f"[{self.inner()}]"
        return f"{self.inner()}!"


@dataclass(frozen=True, slots=True)
class Applied:
    """A carried directive application: canonical name and printed arguments."""

    name: str
    args: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        if not self.args:
            return f"@{self.name}"
        return f"@{self.name}({', '.join(f'{k}: {v}' for k, v in self.args)})"

    def arg(self, name: str) -> str | None:
        return next((v for k, v in self.args if k == name), None)


@dataclass(slots=True)
class InputValue:
    """A field argument or an input-object field."""

    name: str
    type: TypeRef
    default: str | None = None
    description: str | None = None
    applied: list[Applied] = field(default_factory=list)
    loc: Location | None = None


@dataclass(frozen=True, slots=True)
class Key:
    fields: str
    resolvable: bool = True


@dataclass(slots=True)
class Field:
    name: str
    type: TypeRef
    args: dict[str, InputValue] = field(default_factory=dict)
    description: str | None = None
    applied: list[Applied] = field(default_factory=list)
    external: bool = False
    shareable: bool = False
    requires: str | None = None
    provides: str | None = None
    override: str | None = None
    override_label: str | None = None
    loc: Location | None = None


@dataclass(slots=True)
class EnumValue:
    name: str
    description: str | None = None
    applied: list[Applied] = field(default_factory=list)
    loc: Location | None = None


@dataclass(slots=True)
class TypeDef:
    kind: Kind
    name: str
    description: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    input_fields: dict[str, InputValue] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    keys: list[Key] = field(default_factory=list)
    extension: bool = False
    shareable: bool = False
    interface_object: bool = False
    applied: list[Applied] = field(default_factory=list)
    loc: Location | None = None

    @property
    def is_entity(self) -> bool:
        return bool(self.keys)


@dataclass(slots=True)
class Subgraph:
    """One subgraph, normalized: root types are renamed to Query/Mutation/Subscription."""

    name: str
    url: str
    fed2: bool
    types: dict[str, TypeDef] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # operation -> canonical root name
    # composed custom directives: canonical name -> (link url or None, printed definition)
    composed: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    executable_directives: dict[str, str] = field(default_factory=dict)  # name -> definition

    def applied_names(self) -> set[str]:
        """Names of every carried directive applied somewhere in this subgraph."""
        names: set[str] = set()
        for t in self.types.values():
            names.update(a.name for a in t.applied)
            for f in t.fields.values():
                names.update(a.name for a in f.applied)
                for arg in f.args.values():
                    names.update(a.name for a in arg.applied)
            for v in t.input_fields.values():
                names.update(a.name for a in v.applied)
            for e in t.values.values():
                names.update(a.name for a in e.applied)
        return names
