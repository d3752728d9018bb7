"""The fetch dependency graph (§4.4): steps, their inputs, and graph-level passes."""

from __future__ import annotations

from dataclasses import dataclass, field

from gateway.operation.tree import Conditions
from gateway.plan.nodes import ReqField, ReqFragment, ReqShape, Rewrite
from gateway.planner.selection import SelSet

__all__ = ["InputField", "Step", "StepGraph"]


@dataclass(slots=True)
class InputField:
    """One field of a step's representation inputs (built into a ``ReqField``)."""

    key: str
    source: str
    non_null: bool
    list_depth: int
    item_non_null: bool
    sub: dict[str, InputField] | None = None

    def freeze(self) -> ReqField:
        shape = None
        if self.sub is not None:
            shape = ReqShape(tuple(f.freeze() for f in self.sub.values()), ())
        return ReqField(
            self.key, self.source, self.non_null, self.list_depth, self.item_non_null, shape
        )


@dataclass(eq=False, slots=True)
class Step:
    """One future Fetch; mutable while planning only."""

    id: int
    graph: str
    kind: str  # "root" | "entity"
    merge_at: tuple[str, ...]  # response keys and "@"; () for root steps
    conditions: Conditions  # conditions common to everything in the step
    mutation_index: int | None
    requires_step: bool = False  # a post-requires step (S′ of §4.7)
    selection: SelSet = field(default_factory=SelSet)
    # per input type (supergraph type name): key and required fields, in order
    inputs: dict[str, dict[str, InputField]] = field(default_factory=dict)
    possible: dict[str, frozenset[str]] = field(default_factory=dict)  # input type -> objects
    input_rewrites: list[Rewrite] = field(default_factory=list)
    output_rewrites: list[Rewrite] = field(default_factory=list)
    parents: list[Step] = field(default_factory=list)
    children: list[Step] = field(default_factory=list)
    variables: set[str] = field(default_factory=set)  # client variables the fetch uses
    # (input type, field) of requirements read where every object at the path has them
    # whenever the parents run, whatever the conditions (see guarded_merge)
    settled_inputs: set[tuple[str, str]] = field(default_factory=set)
    # besides ``conditions``, the step runs only when one of these holds: every field it
    # was made for carries its own further conditions (empty: no such guard)
    any_of: tuple[Conditions, ...] = ()

    def add_parent(self, parent: Step) -> None:
        if parent is self or parent in self.parents:
            return
        self.parents.append(parent)
        parent.children.append(self)

    def remove_parent(self, parent: Step) -> None:
        if parent in self.parents:
            self.parents.remove(parent)
            parent.children.remove(self)

    def requires_shape(self) -> ReqShape | None:
        """The representation projection of an entity step."""
        if self.kind != "entity":
            return None
        frags = tuple(
            ReqFragment(t, self.possible[t], tuple(f.freeze() for f in fields.values()))
            for t, fields in self.inputs.items()
        )
        return ReqShape((), frags)

    def __repr__(self) -> str:
        return f"Step#{self.id}({self.graph} {'.'.join(self.merge_at)})"


def _descendants(step: Step) -> set[int]:
    seen: set[int] = set()
    todo = list(step.children)
    while todo:
        s = todo.pop()
        if s.id not in seen:
            seen.add(s.id)
            todo.extend(s.children)
    return seen


@dataclass(slots=True)
class StepGraph:
    """All steps of one plan, in creation order."""

    steps: list[Step] = field(default_factory=list)

    def new(
        self,
        graph: str,
        kind: str,
        merge_at: tuple[str, ...],
        conditions: Conditions,
        mutation_index: int | None,
        *,
        requires_step: bool = False,
    ) -> Step:
        step = Step(
            len(self.steps), graph, kind, merge_at, conditions, mutation_index, requires_step
        )
        self.steps.append(step)
        return step

    def is_ancestor(self, maybe_ancestor: Step, step: Step) -> bool:
        """Whether ``step`` (transitively) depends on ``maybe_ancestor``."""
        return step.id in _descendants(maybe_ancestor)

    def transitive_reduction(self) -> None:
        """Drop P→C when C already depends on P through another parent (§4.5.1)."""
        for step in self.steps:
            for parent in list(step.parents):
                others = [p for p in step.parents if p is not parent]
                if any(p is parent or p.id in _descendants(parent) for p in others):
                    step.remove_parent(parent)

    def remove_empty(self) -> None:
        """Drop entity steps that select nothing (§4.5.2), re-parenting their children."""
        for step in list(self.steps):
            step.selection.prune()
            if step.kind != "entity" or not step.selection.is_empty():
                continue
            self.drop(step, waiting_for=list(step.parents))

    def drop(self, step: Step, *, waiting_for: list[Step]) -> None:
        """Take ``step`` out of the plan; what depended on it waits for ``waiting_for``."""
        for child in list(step.children):
            child.remove_parent(step)
            for p in waiting_for:
                child.add_parent(p)
        for p in list(step.parents):
            step.remove_parent(p)
        self.steps.remove(step)
