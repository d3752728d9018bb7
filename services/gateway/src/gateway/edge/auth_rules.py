"""Authorization requirements read from the supergraph: ``@authenticated``,
``@requiresScopes(scopes: [[...]])`` and ``@policy(policies: [[...]])`` on types and fields.

Semantics follow Apollo's router. Within one ``scopes``/``policies`` argument the outer list is
an OR and each inner list an AND. Several requirements on one position (the field's own, its
return type's, an interface's implementations') must all hold.

``@policy`` has this meaning here: a policy string is granted by a ``PolicyEvaluator``; the
default, ``claims_policy_evaluator``, grants ``"claim:value"`` when the token's claim equals
``value`` or is a list (or space-separated string) containing it, and grants a bare
``"name"`` when the claim ``name`` is ``true``. Anonymous callers are granted nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graphql import (
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    FieldDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListValueNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    StringValueNode,
    ValueNode,
    parse,
)

from gateway.supergraph.errors import SupergraphError
from gateway.supergraph.links import Names, read_features
from servicekit.auth import Principal

__all__ = [
    "AuthorizationRules",
    "PolicyEvaluator",
    "Requirement",
    "claims_policy_evaluator",
]

# One directive argument: OR over AND-sets.
Alternatives = tuple[frozenset[str], ...]
PolicyEvaluator = Callable[[Principal | None, frozenset[str]], frozenset[str]]

_TYPE_DEFS = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
)


@dataclass(frozen=True, slots=True)
class Requirement:
    """What a caller needs for one position; the empty requirement allows everyone."""

    authenticated: bool = False
    scopes: tuple[Alternatives, ...] = ()  # every entry must be met
    policies: tuple[Alternatives, ...] = ()

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)

    def __and__(self, other: Requirement) -> Requirement:
        if not other:
            return self
        if not self:
            return other
        return Requirement(
            self.authenticated or other.authenticated,
            _union(self.scopes, other.scopes),
            _union(self.policies, other.policies),
        )

    def allows(self, principal: Principal | None, granted: frozenset[str]) -> bool:
        """Whether the caller (``None``: anonymous) with ``granted`` policies meets it."""
        if self.authenticated and principal is None:
            return False
        scopes = principal.scopes if principal is not None else frozenset()
        return all(any(s <= scopes for s in alt) for alt in self.scopes) and all(
            any(p <= granted for p in alt) for alt in self.policies
        )


def _union(a: tuple[Alternatives, ...], b: tuple[Alternatives, ...]) -> tuple[Alternatives, ...]:
    return a + tuple(x for x in b if x not in a)


def claims_policy_evaluator(
    principal: Principal | None, policies: frozenset[str]
) -> frozenset[str]:
    """Grant ``claim:value`` / ``claim`` policies from the token's claims (see module doc)."""
    if principal is None:
        return frozenset()
    granted: set[str] = set()
    for policy in policies:
        claim, sep, value = policy.partition(":")
        got = principal.claims.get(claim)
        if not sep:
            if got is True:
                granted.add(policy)
            continue
        if isinstance(got, str):
            if got == value or value in got.split():
                granted.add(policy)
        elif isinstance(got, list | tuple):
            if value in (str(v) for v in got):
                granted.add(policy)
        elif got is not None and str(got) == value:
            granted.add(policy)
    return frozenset(granted)


@dataclass(slots=True)
class AuthorizationRules:
    """Requirements per type and per ``(type, field)``, from the supergraph SDL."""

    types: dict[str, Requirement] = field(default_factory=dict)
    fields: dict[tuple[str, str], Requirement] = field(default_factory=dict)
    policy_names: frozenset[str] = frozenset()
    scope_names: frozenset[str] = frozenset()

    @classmethod
    def from_supergraph_sdl(cls, sdl: str | DocumentNode) -> AuthorizationRules:
        """Read the auth directives, following ``@link(as:, import:)`` renames."""
        doc = parse(sdl, no_location=True) if isinstance(sdl, str) else sdl
        rules = cls()
        try:
            names = Names(read_features(doc))
        except SupergraphError:  # not a linked schema: nothing to enforce
            return rules
        local = (
            names.directive("authenticated"),
            names.directive("requiresScopes"),
            names.directive("policy"),
        )
        if local == (None, None, None):
            return rules
        for definition in doc.definitions:
            if not isinstance(definition, _TYPE_DEFS):
                continue
            type_name = definition.name.value
            req = _requirement(definition.directives, *local)
            if req:
                rules.types[type_name] = rules.types.get(type_name, Requirement()) & req
            for fdef in getattr(definition, "fields", None) or ():
                assert isinstance(fdef, FieldDefinitionNode)
                freq = _requirement(fdef.directives, *local)
                if freq:
                    key = (type_name, fdef.name.value)
                    rules.fields[key] = rules.fields.get(key, Requirement()) & freq
        every = [*rules.types.values(), *rules.fields.values()]
        rules.policy_names = frozenset(
            p for r in every for alt in r.policies for s in alt for p in s
        )
        rules.scope_names = frozenset(p for r in every for alt in r.scopes for s in alt for p in s)
        return rules

    def __bool__(self) -> bool:
        return bool(self.types) or bool(self.fields)

    def type_requirement(self, type_name: str) -> Requirement:
        return self.types.get(type_name, _NONE)

    def field_requirement(self, type_name: str, field_name: str) -> Requirement:
        return self.fields.get((type_name, field_name), _NONE)

    def fingerprint(
        self, principal: Principal | None, granted: frozenset[str]
    ) -> tuple[bool, frozenset[str], frozenset[str]]:
        """What of the caller matters to filtering: a cache key for filtered documents/plans."""
        if principal is None:
            return (False, frozenset(), frozenset())
        return (True, principal.scopes & self.scope_names, granted & self.policy_names)


_NONE = Requirement()


def _alternatives(v: ValueNode | None) -> Alternatives | None:
    if not isinstance(v, ListValueNode):
        return None
    out: list[frozenset[str]] = []
    for inner in v.values:
        if isinstance(inner, ListValueNode):
            out.append(frozenset(s.value for s in inner.values if isinstance(s, StringValueNode)))
        elif isinstance(inner, StringValueNode):  # lenient: a flat list is one AND-set
            out.append(frozenset((inner.value,)))
    return tuple(out)


def _arg(d: DirectiveNode, name: str) -> ValueNode | None:
    for a in d.arguments or ():
        if a.name.value == name:
            return a.value
    return None


def _requirement(
    directives: Iterable[DirectiveNode] | None,
    authenticated: str | None,
    requires_scopes: str | None,
    policy: str | None,
) -> Requirement:
    req = _NONE
    for d in directives or ():
        name = d.name.value
        if name == authenticated:
            req = req & Requirement(authenticated=True)
        elif name == requires_scopes:
            alt = _alternatives(_arg(d, "scopes"))
            if alt is not None:
                req = req & Requirement(scopes=(alt,))
        elif name == policy:
            alt = _alternatives(_arg(d, "policies"))
            if alt is not None:
                req = req & Requirement(policies=(alt,))
    return req
