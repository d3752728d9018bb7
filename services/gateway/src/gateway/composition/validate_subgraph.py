"""Checks that concern a single subgraph: keys, requires, provides, external, override.

Also computes which external fields a subgraph *provides* (they count as
resolved there for the sharing rule, like in Apollo's composition).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import CompositionError, Location
from .fieldset import FieldSetCheck, check_fieldset
from .model import Field, Subgraph, TypeDef

__all__ = ["SubgraphUsage", "validate_subgraph"]


@dataclass(slots=True)
class SubgraphUsage:
    provided: set[tuple[str, str]] = field(default_factory=set)  # external but provided
    used: set[tuple[str, str]] = field(default_factory=set)  # selected by key/requires/provides
    key_fields: set[tuple[str, str]] = field(default_factory=set)


@dataclass(slots=True)
class _Checker:
    subgraph: Subgraph
    errors: list[CompositionError] = field(default_factory=list)
    late: list[CompositionError] = field(default_factory=list)  # reported with merge errors
    usage: SubgraphUsage = field(default_factory=SubgraphUsage)

    def error(self, code: str, message: str, loc: Location | None, *, late: bool = False) -> None:
        name = self.subgraph.name
        error = CompositionError(code, f"[{name}] {message}", (name,), (loc,) if loc else ())
        (self.late if late else self.errors).append(error)

    def fieldset(
        self,
        prefix: str,
        code_base: str,
        owner: str,
        text: str,
        loc: Location | None,
        *,
        is_key: bool,
    ) -> FieldSetCheck:
        check = check_fieldset(self.subgraph, owner, text, is_key=is_key)
        for problem in check.problems:
            self.error(
                f"{code_base}_INVALID_FIELDS",
                f'{prefix} invalid @{code_base.lower()} fields "{text}": {problem}',
                loc,
            )
        if is_key and check.has_args:
            self.error(
                "KEY_FIELDS_HAS_ARGS",
                f'{prefix} key fields "{text}" select a field with arguments',
                loc,
            )
        if check.bad_type:
            self.error(
                "KEY_FIELDS_SELECT_INVALID_TYPE",
                f'{prefix} key fields "{text}" select a field of interface or union type, which '
                "is not allowed",
                loc,
            )
        self.usage.used.update(check.selected)
        return check


def validate_subgraph(
    subgraph: Subgraph,
) -> tuple[list[CompositionError], list[CompositionError], SubgraphUsage]:
    """Errors, errors Apollo only finds while merging (@override), and what fields are used."""
    checker = _Checker(subgraph)
    for typedef in subgraph.types.values():
        _check_keys(checker, typedef)
    for typedef in subgraph.types.values():
        for fdef in typedef.fields.values():
            _check_requires(checker, typedef, fdef)
            _check_provides(checker, typedef, fdef)
            _check_override(checker, typedef, fdef)
            _check_list_size(checker, typedef, fdef)
    _check_interface_keys(checker)
    if subgraph.fed2:
        _check_external_unused(checker)
    else:
        _drop_unused_externals(checker)
    return checker.errors, checker.late, checker.usage


def _check_keys(c: _Checker, typedef: TypeDef) -> None:
    for key in typedef.keys:
        check = c.fieldset(
            f'On type "{typedef.name}",', "KEY", typedef.name, key.fields, typedef.loc, is_key=True
        )
        c.usage.key_fields.update(check.selected)
    if typedef.interface_object and not typedef.keys:
        c.error(
            "INTERFACE_OBJECT_USAGE_ERROR",
            "The @interfaceObject directive can only be applied to entity types but type "
            f'"{typedef.name}" has no @key in this subgraph.',
            typedef.loc,
        )


def _check_requires(c: _Checker, typedef: TypeDef, fdef: Field) -> None:
    coord = f"{typedef.name}.{fdef.name}"
    if fdef.requires is None:
        return
    check = c.fieldset(
        f'On field "{coord}",',
        "REQUIRES",
        typedef.name,
        fdef.requires,
        fdef.loc,
        is_key=False,
    )
    if not c.subgraph.fed2 and not any(
        c.subgraph.types[o].fields[n].external for o, n in check.top
    ):
        # Federation 1 tolerated a @requires of local fields; Apollo's upgrade drops it.
        fdef.requires = None
    if c.subgraph.fed2:
        # Only the first level must be external: what is below comes with it.
        for owner, name in check.top:
            target = c.subgraph.types[owner].fields[name]
            if not target.external:
                c.error(
                    "REQUIRES_FIELDS_MISSING_EXTERNAL",
                    f'On field "{coord}", for @requires(fields: "{fdef.requires}"): '
                    f'field "{owner}.{name}" should not be part of a @requires since it '
                    "is already provided by this subgraph (it is not marked @external)",
                    fdef.loc,
                )


def _check_provides(c: _Checker, typedef: TypeDef, fdef: Field) -> None:
    coord = f"{typedef.name}.{fdef.name}"
    if fdef.provides is None:
        return
    base = c.subgraph.types.get(fdef.type.base)
    if base is None or base.kind not in ("object", "interface"):
        if not c.subgraph.fed2:  # Apollo's Federation 1 upgrade drops such a @provides
            fdef.provides = None
            return
        c.error(
            "PROVIDES_ON_NON_OBJECT_FIELD",
            f'Invalid @provides directive on field "{coord}": field has type '
            f'"{fdef.type}" which is not a Composite Type',
            fdef.loc,
        )
    else:
        check = c.fieldset(
            f'On field "{coord}",',
            "PROVIDES",
            base.name,
            fdef.provides,
            fdef.loc,
            is_key=False,
        )
        for owner, name in check.selected:
            target = c.subgraph.types[owner].fields[name]
            if target.external:
                c.usage.provided.add((owner, name))
            elif c.subgraph.fed2:
                c.error(
                    "PROVIDES_FIELDS_MISSING_EXTERNAL",
                    f'On field "{coord}", for @provides(fields: "{fdef.provides}"): '
                    f'field "{owner}.{name}" should not be part of a @provides since it '
                    "is already provided by this subgraph (it is not marked @external)",
                    fdef.loc,
                )


def _check_list_size(c: _Checker, typedef: TypeDef, fdef: Field) -> None:
    size = next((a for a in fdef.applied if a.name == "listSize"), None)
    if size is None or size.arg("sizedFields") is not None:
        return
    inner = fdef.type.inner() if fdef.type.kind == "non_null" else fdef.type
    if inner.kind != "list":
        c.error(
            "LIST_SIZE_APPLIED_TO_NON_LIST",
            f'"{typedef.name}.{fdef.name}" is not a list',
            fdef.loc,
        )


def _check_override(c: _Checker, typedef: TypeDef, fdef: Field) -> None:
    coord = f"{typedef.name}.{fdef.name}"
    if fdef.override is None:
        return
    if fdef.override == c.subgraph.name:
        c.error(
            "OVERRIDE_FROM_SELF_ERROR",
            f'Source and destination subgraphs "{c.subgraph.name}" are the same for '
            f'overridden field "{coord}"',
            fdef.loc,
            late=True,
        )
    if fdef.external:
        c.error(
            "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
            f'@override cannot be used on field "{coord}" on subgraph '
            f'"{c.subgraph.name}" since "{coord}" on "{c.subgraph.name}" is marked with '
            'directive "@external"',
            fdef.loc,
            late=True,
        )


def _check_interface_keys(c: _Checker) -> None:
    types = c.subgraph.types
    for iface in types.values():
        if iface.kind != "interface" or not iface.keys:
            continue
        for impl in types.values():
            if iface.name not in impl.interfaces or impl.kind != "object":
                continue
            own = {k.fields for k in impl.keys}
            for key in iface.keys:
                if key.fields not in own:
                    c.error(
                        "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                        f'Key @key(fields: "{key.fields}") on interface type "{iface.name}" is '
                        f'missing on implementation type "{impl.name}".',
                        impl.loc,
                    )


def _drop_unused_externals(c: _Checker) -> None:
    """Apollo's Federation 1 upgrade removes @external fields nothing uses."""
    for typedef in c.subgraph.types.values():
        for fdef in list(typedef.fields.values()):
            if fdef.external and (typedef.name, fdef.name) not in c.usage.used:
                del typedef.fields[fdef.name]


def _check_external_unused(c: _Checker) -> None:
    types = c.subgraph.types
    for typedef in types.values():
        for fdef in typedef.fields.values():
            if not fdef.external or (typedef.name, fdef.name) in c.usage.used:
                continue
            in_interface = any(
                fdef.name in types[i].fields for i in typedef.interfaces if i in types
            )
            if in_interface:
                continue
            c.error(
                "EXTERNAL_UNUSED",
                f'Field "{typedef.name}.{fdef.name}" is marked @external but is not used in any '
                "federation directive (@key, @provides, @requires) or to satisfy an interface; "
                "the field declaration has no use and should be removed (or the field should "
                "not be @external).",
                fdef.loc,
            )
