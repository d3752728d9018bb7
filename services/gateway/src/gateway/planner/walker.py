"""Walk the normalized operation over the query graph, building the step graph (§4.2–4.7).

Choices are made per position: local edges first; the remaining fields are grouped by the
destination graph that covers most of them at the fewest jumps (ties: key-edge order, which
follows graph declaration order); root fields go to the cheapest resolving graph, preferring
one already fetched. ``@requires`` fields get a post-requires step whose inputs are the key
and the requirement, planned from the position that holds the key (§4.7).
"""

from __future__ import annotations

from dataclasses import replace

from graphql import (
    ArgumentNode,
    DirectiveNode,
    ListValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    print_ast,
)
from graphql import Node as Node_

from gateway.operation.printer import condition_directives
from gateway.operation.tree import Conditions, Field, Fragment, NormalizedOperation, Selection
from gateway.planner.context import Ctx
from gateway.planner.errors import PlanningError, UnsupportedFeature
from gateway.planner.fieldsets import FieldSets
from gateway.planner.inputs import Inputs
from gateway.planner.paths import FETCH_COST, Paths
from gateway.planner.roots import root_fields, run_mutation, run_query
from gateway.planner.selection import SelFrag
from gateway.planner.steps import Step, StepGraph
from gateway.query_graph.graph import Edge, EdgeKind, Node, QueryGraph
from gateway.supergraph.model import Supergraph

__all__ = ["Walker"]


def _dirs_text(conditions: Conditions, directives: tuple[DirectiveNode, ...]) -> str:
    if not conditions and not directives:
        return ""
    nodes = (*condition_directives(conditions), *directives)
    return "".join(" " + print_ast(d) for d in nodes)


def _args_text(f: Field) -> str:
    if not f.arguments:
        return ""
    return "(" + ", ".join(print_ast(a) for a in f.arguments) + ")"


def _variables(nodes: tuple[Node_, ...], out: set[str]) -> None:
    """Names of the variables used anywhere in argument/directive AST nodes."""
    for n in nodes:
        if isinstance(n, VariableNode):
            out.add(n.name.value)
        elif isinstance(n, ArgumentNode | ObjectFieldNode):
            _variables((n.value,), out)
        elif isinstance(n, DirectiveNode):
            _variables(tuple(n.arguments or ()), out)
        elif isinstance(n, ListValueNode):
            _variables(tuple(n.values), out)
        elif isinstance(n, ObjectValueNode):
            _variables(tuple(n.fields), out)


def _composite(f: Field) -> bool:
    """Whether the field needs a sub-selection (literal conditions may have emptied it)."""
    if f.selections:
        return True
    return f.field_def is not None and is_composite_type(get_named_type(f.field_def.type))


def _field_names(selections: tuple[Selection, ...]) -> set[str]:
    """Names of the top-level fields, fragments looked through."""
    out: set[str] = set()
    for s in selections:
        out |= _field_names(s.selections) if isinstance(s, Fragment) else {s.name}
    return out


def _holds_conflict(step: Step, type_name: str, f: Field) -> bool:
    """Whether the step's ``... on type_name`` selection has another field under f's key."""
    frag = step.selection.items.get(("t", type_name, ""))
    return isinstance(frag, SelFrag) and frag.sub.conflicts(f.response_key, f.name, _args_text(f))


def _ambiguous_keys(selections: tuple[Selection, ...]) -> set[str]:
    """Response keys given to different fields (name or arguments) across fragments."""
    seen: dict[str, set[tuple[str, str]]] = {}

    def walk(sels: tuple[Selection, ...]) -> None:
        for sel in sels:
            if isinstance(sel, Fragment):
                walk(sel.selections)
            else:
                seen.setdefault(sel.response_key, set()).add((sel.name, sel.args_text))

    walk(selections)
    return {key for key, signatures in seen.items() if len(signatures) > 1}


class Walker:
    """Builds the step graph of one operation under one label set."""

    def __init__(
        self, sg: Supergraph, qg: QueryGraph, paths: Paths, op: NormalizedOperation
    ) -> None:
        self.sg = sg
        self.qg = qg
        self.paths = paths
        self.op = op
        self.fieldsets = FieldSets(sg)
        self.steps = StepGraph()
        self.keys_at: dict[tuple[str, ...], dict[str, str]] = {}  # path -> key -> signature
        self.alias_of: dict[tuple[tuple[str, ...], str], str] = {}  # (path, signature) -> key
        self.touched: list[set[Step]] = []  # steps used while planning a requirement
        self.children: dict[tuple[object, ...], Step] = {}
        self.inputs = Inputs(sg, self.alias_of)
        # (step id, path) of an @interfaceObject position -> response keys that sibling type
        # conditions give to different fields
        self.erased: dict[tuple[int, tuple[str, ...]], set[str]] = {}

    # --- response keys and planner aliases (§4.7, H7) --------------------------------
    def register_client(
        self, path: tuple[str, ...], selections: tuple[Selection, ...], *, reusable: bool = True
    ) -> None:
        """Record every client key of the operation, by response path, before any planning.

        An internal field then never takes a key the client uses further on (a second
        ``items @include(...)`` asking ``price`` after a requirement took ``price`` for
        ``price(currency: "EUR")`` got the requirement's value). It may reuse a client key
        for the same field only where that field is there for every object at the path: not
        under a type condition, where a sibling condition may give the key to another field.
        """
        keys = self.keys_at.setdefault(path, {})
        for s in selections:
            if isinstance(s, Field):
                sig = s.name + s.args_text
                keys.setdefault(s.response_key, sig)
                if reusable:
                    self.alias_of.setdefault((path, sig), s.response_key)
                if s.selections:
                    info = self.sg.field(s.parent_type, s.name)
                    depth = info.type_text.count("[") if info is not None else 0
                    self.register_client((*path, s.response_key, *("@",) * depth), s.selections)
            else:
                every_object = reusable and s.type_condition is None
                self.register_client(path, s.selections, reusable=every_object)

    def internal_key(self, path: tuple[str, ...], name: str, args_text: str) -> str:
        sig = name + args_text
        known = self.alias_of.get((path, sig))
        if known is not None:
            return known
        keys = self.keys_at.setdefault(path, {})
        key = name
        n = 0
        while keys.get(key, sig) != sig:
            key = f"_qp{n}_{name}"
            n += 1
        keys[key] = sig
        self.alias_of[(path, sig)] = key
        return key

    def touch(self, step: Step) -> None:
        for s in self.touched:
            s.add(step)

    # --- inserting into steps -------------------------------------------------------
    def add_typename(self, ctx: Ctx) -> None:
        # Always the literal key: fragments and representations read obj["__typename"] (H1).
        ctx.sel.get_field("__typename", "__typename", "", "", composite=False)
        self.touch(ctx.step)

    def list_depth(self, f: Field, node: Node) -> int:
        info = self.sg.field(f.parent_type, f.name) or self.sg.field(node.type_name, f.name)
        return info.type_text.count("[") if info is not None else 0

    def insert_field(
        self, ctx: Ctx, f: Field, e: Edge, internal: bool, *, strip: Conditions = frozenset()
    ) -> Ctx | None:
        if e.join is not None and e.join.context_arguments:
            msg = f"@fromContext is not supported ({f.parent_type}.{f.name})"
            raise UnsupportedFeature(msg)
        conditions = f.conditions - strip if strip else f.conditions
        if internal:
            key = self.internal_key(ctx.path, f.name, f.args_text)
            dirs = ""
        else:
            key = f.response_key
            dirs = _dirs_text(conditions, f.directives)
            ctx.step.variables.update(v for v, _ in conditions)
            _variables(f.directives, ctx.step.variables)
        _variables(f.arguments, ctx.step.variables)
        type_text = e.join.graph_type if e.join is not None else None
        if not type_text:
            info = self.sg.field(f.parent_type, f.name) or self.sg.field(ctx.node.type_name, f.name)
            type_text = info.type_text if info is not None else ""
        composite = _composite(f)
        sf = ctx.sel.get_field(
            key, f.name, _args_text(f), dirs, composite=composite, type_text=type_text
        )
        self.touch(ctx.step)
        if not composite:
            return None
        assert sf.sub is not None
        path = (*ctx.path, key, *("@",) * self.list_depth(f, ctx.node))
        return Ctx(ctx.step, sf.sub, e.head, path, ctx.conds | f.conditions)

    def plan_field(
        self, ctx: Ctx, f: Field, e: Edge, internal: bool, *, strip: Conditions = frozenset()
    ) -> None:
        child = self.insert_field(ctx, f, e, internal, strip=strip)
        if child is not None:
            self.plan_set(child, f.selections, internal)
            if child.sel.is_empty():
                self.add_typename(child)

    # --- selection sets -------------------------------------------------------------
    def is_abstract(self, node: Node) -> bool:
        return self.sg.is_abstract(node.type_name) and not self.sg.is_interface_object(
            node.type_name, node.graph
        )

    def plan_set(
        self,
        ctx: Ctx,
        selections: tuple[Selection, ...],
        internal: bool,
        *,
        typename_asked: bool = False,
    ) -> None:
        node = ctx.node
        abstract = self.is_abstract(node)
        if abstract and not typename_asked:
            self.add_typename(ctx)
        self.note_erased_conditions(ctx, selections)
        remote: list[Field] = []
        requires: list[tuple[Field, Edge, tuple[Edge, ...]]] = []
        for s in selections:
            if isinstance(s, Fragment):
                self.plan_fragment(ctx, s, internal)
                continue
            e = self.paths.field_edge(node, s.name)
            if e is None and abstract and s.name != "__typename":
                self.plan_interface_field(ctx, s, internal, remote)
            elif e is None:
                remote.append(s)
            elif e.condition is not None:
                requires.append((s, e, ()))
            elif s.name == "__typename" and internal:
                self.add_typename(ctx)
            elif s.selections and self.jump_is_cheaper(node, s, e):
                remote.append(s)
            else:
                self.plan_field(ctx, s, e, internal)
        if remote:
            self.plan_remote(ctx, remote, internal, requires)
        for f, e, chain in requires:
            self.plan_requires(ctx, f, e, chain, internal)

    def note_erased_conditions(self, ctx: Ctx, selections: tuple[Selection, ...]) -> None:
        """At an @interfaceObject position, remember the response keys that sibling type
        conditions (which this graph cannot express) give to different fields."""
        if self.sg.is_interface_object(ctx.node.type_name, ctx.node.graph):
            keys = self.erased.setdefault((ctx.step.id, ctx.path), set())
            keys.update(_ambiguous_keys(selections))

    def jump_is_cheaper(self, node: Node, f: Field, e: Edge) -> bool:
        """Whether reaching a composite field through a key jump beats its direct edge.

        The direct edge can dead-end: below a @provides copy, or at a value type, the
        sub-selection may be unreachable without first re-entering the entity elsewhere.
        """
        direct = self.paths.estimate(f.selections, e.head, 2)
        if direct < FETCH_COST:
            return False  # no jump below: nothing can beat it
        for _dest, chain, fe in self.paths.options(node, f.name):
            if fe.condition is not None:
                continue
            cost = FETCH_COST * len(chain) + self.paths.estimate(f.selections, fe.head, 2)
            if cost < direct:
                return True
        return False

    def plan_interface_field(self, ctx: Ctx, f: Field, internal: bool, remote: list[Field]) -> None:
        """A field the abstract position cannot answer as a whole: one jump or a split."""
        if self.interface_jump_ok(ctx.node, f.name):
            remote.append(f)
        else:
            self.split_field(ctx, f, internal)

    def interface_jump_ok(self, node: Node, name: str) -> bool:
        """Whether an interface field missing here can jump as a whole, on the interface's key.

        Only when no implementation here answers it itself (splitting would keep those in
        place) and every graph on every option knows all the implementations this graph can
        return, or holds the interface as an @interfaceObject (its representations are then
        renamed): one ``... on I`` jump instead of one fragment per implementation.
        """
        local = self.sg.possible_types_in(node.type_name, node.graph)
        if any(self.paths.field_edge(Node(o, node.graph), name) for o in local):
            return False
        options = self.paths.options(node, name)
        if not options:
            return False
        for _dest, chain, _e in options:
            for hop in chain:
                g = hop.head.graph
                if self.sg.is_interface_object(node.type_name, g):
                    continue
                if not set(local) <= set(self.sg.possible_types_in(node.type_name, g)):
                    return False
        return True

    def split_field(self, ctx: Ctx, f: Field, internal: bool) -> None:
        """An interface field the graph cannot answer at the interface: per runtime type."""
        for o in self.sg.possible_types_in(ctx.node.type_name, ctx.node.graph):
            d = self.qg.downcast(ctx.node, o)
            if d is None:
                continue
            frag = ctx.sel.get_fragment(o, "")
            self.plan_set(Ctx(ctx.step, frag.sub, d.head, ctx.path, ctx.conds), (f,), internal)

    def plan_fragment(self, ctx: Ctx, frag: Fragment, internal: bool) -> None:
        node = ctx.node
        conds = ctx.conds | frag.conditions
        dirs = "" if internal else _dirs_text(frag.conditions, frag.directives)
        tc = frag.type_condition
        if tc is None or tc == node.type_name or node.type_name in self.sg.possible_types(tc):
            sel = ctx.sel
            if dirs:
                sel = ctx.sel.get_fragment(None, dirs).sub
                self.use_variables(ctx.step, frag)
            self.plan_set(Ctx(ctx.step, sel, node, ctx.path, conds), frag.selections, internal)
            return
        if self.sg.is_abstract(tc):
            if self.keeps_abstract_condition(node, tc):
                sub = ctx.sel.get_fragment(tc, dirs).sub
                if dirs:
                    self.use_variables(ctx.step, frag)
                head = Node(tc, node.graph)
                # The enclosing abstract position already asks this object's __typename.
                self.plan_set(
                    Ctx(ctx.step, sub, head, ctx.path, conds),
                    frag.selections,
                    internal,
                    typename_asked=True,
                )
                return
            for o in self.sg.possible_types(tc):
                if self.qg.downcast(node, o) is not None:
                    self.plan_fragment(ctx, replace(frag, type_condition=o), internal)
            return
        d = self.qg.downcast(node, tc)
        if d is None:
            return  # never matches in this graph here (H6: the parent gets __typename)
        if d.kind is EdgeKind.INTERFACE_OBJECT_DOWNCAST:
            self.plan_interface_object_downcast(ctx, frag, internal)
            return
        sub = ctx.sel.get_fragment(tc, dirs).sub
        if dirs:
            self.use_variables(ctx.step, frag)
        self.plan_set(Ctx(ctx.step, sub, d.head, ctx.path, conds), frag.selections, internal)

    def keeps_abstract_condition(self, node: Node, tc: str) -> bool:
        """Whether ``... on <abstract tc>`` at an abstract position can be sent as written.

        It can when the graph knows ``tc`` as a real abstract type that shares a possible type
        with the position (the subgraph then accepts the spread); otherwise the fragment is
        split into the runtime types the graph can return here. Provides copies always split:
        their provided fields hang on the per-type copies.
        """
        g = node.graph
        if node.provide_id or not self.is_abstract(node):
            return False
        if not self.sg.has_type(tc, g) or self.sg.is_interface_object(tc, g):
            return False
        here = set(self.sg.possible_types_in(node.type_name, g))
        return not here.isdisjoint(self.sg.possible_types_in(tc, g))

    def use_variables(self, step: Step, frag: Fragment) -> None:
        """Declare the variables of a fragment's directives in the step that prints them
        (only there: a subgraph refuses an operation declaring an unused variable)."""
        step.variables.update(v for v, _ in frag.conditions)
        _variables(frag.directives, step.variables)

    def plan_interface_object_downcast(self, ctx: Ctx, frag: Fragment, internal: bool) -> None:
        """``... on O`` where only the interface object is known (§4.10).

        Fields the interface-object graph answers itself stay here (shaping applies the
        type condition); the rest jump to a graph that knows the runtime type, whose
        concrete ``__typename`` then decides which items match.
        """
        node = ctx.node
        tc = frag.type_condition
        assert tc is not None
        here: list[Selection] = []
        there: list[Selection] = []
        for s in frag.selections:
            is_local = False
            if isinstance(s, Field) and s.name != "__typename":
                e = self.paths.field_edge(node, s.name)
                is_local = e is not None and e.condition is None
                # Sibling conditions on other types may use this response key for another
                # field; no type condition can tell them apart here, so each comes from a
                # fetch whose inputs are only its type's objects (the real graph's side).
                if is_local and not internal:
                    ambiguous = s.response_key in self.erased.get((ctx.step.id, ctx.path), ())
                    taken = ctx.sel.conflicts(s.response_key, s.name, _args_text(s))
                    is_local = not ambiguous and not taken
            (here if is_local else there).append(s)
        if here:
            self.plan_set(replace(ctx, conds=ctx.conds | frag.conditions), tuple(here), internal)
        # Even when every field is available here, only a graph that knows the runtime
        # types can say which items are O: the jump for the concrete __typename is needed.
        # The jump is made only when the fragment applies: its conditions guard the fetch
        # (a Condition node), so they are not printed again inside it.
        guarded = replace(ctx, conds=ctx.conds | frag.conditions)
        for dest, chain in self.paths.reachable(node):
            d = self.qg.downcast(dest, tc)
            if d is not None and d.kind is EdgeKind.DOWNCAST:
                jctx = self.jump(guarded, chain)
                self.add_typename(jctx)  # the concrete type replaces the interface's name
                if there:
                    inner = replace(frag, selections=tuple(there), conditions=frozenset())
                    self.plan_fragment(jctx, inner, internal)
                return
        msg = f"no graph knows {tc} behind the @interfaceObject {node.type_name}"
        raise UnsupportedFeature(msg)

    # --- jumps ----------------------------------------------------------------------
    def plan_remote(
        self,
        ctx: Ctx,
        fields: list[Field],
        internal: bool,
        requires: list[tuple[Field, Edge, tuple[Edge, ...]]],
    ) -> None:
        options = {}
        for f in fields:
            opts = self.paths.options(ctx.node, f.name)
            if not opts:
                msg = f"cannot reach {ctx.node.type_name}.{f.name} from graph {ctx.node.graph}"
                raise PlanningError(msg)
            options[id(f)] = opts
        remaining = list(fields)
        groups: list[tuple[tuple[Edge, ...], Node, list[Field]]] = []
        while remaining:
            tally: dict[str, tuple[tuple[Edge, ...], Node, list[Field]]] = {}
            for f in remaining:
                shortest = min(len(c) for _, c, _ in options[id(f)])
                for dest, chain, _e in options[id(f)]:
                    if len(chain) == shortest:
                        tally.setdefault(dest.graph, (chain, dest, []))[2].append(f)
            best = max(tally.values(), key=lambda t: len(t[2]))
            groups.append(best)
            taken = {id(f) for f in best[2]}
            remaining = [f for f in remaining if id(f) not in taken]
        order = {id(f): i for i, f in enumerate(fields)}
        groups.sort(key=lambda g: min(order[id(f)] for f in g[2]))
        for chain, dest, group in groups:
            plain: list[tuple[Field, Edge]] = []
            for f in group:
                e = self.paths.field_edge(dest, f.name)
                assert e is not None
                if e.condition is not None:
                    requires.append((f, e, chain))
                else:
                    plain.append((f, e))
            if not plain:
                continue
            # Conditions shared by the whole group guard the jump itself (a Condition node).
            common = frozenset.intersection(*(f.conditions for f, _ in plain))
            gctx = replace(ctx, conds=ctx.conds | common)
            # Internal fields never collide: they get _qp aliases (H7).
            fresh = not internal and self.lands_on_conflict(gctx, chain, [f for f, _ in plain])
            created = len(self.steps.steps)
            jctx = self.jump(gctx, chain, fresh=fresh)
            self.guard_new_steps(created, [f.conditions - common for f, _ in plain])
            for f, e in plain:
                self.plan_field(jctx, f, e, internal, strip=common)

    def guard_new_steps(self, created: int, residuals: list[Conditions]) -> None:
        """When every field of a jump has further conditions of its own, the steps made for
        it (from index ``created`` on) run only when one of them holds; the directives stay
        on the fields, so with every condition false no fetch is made for them."""
        if all(residuals):
            for step in self.steps.steps[created:]:
                step.any_of = tuple(dict.fromkeys(residuals))

    def collect_key(self, ctx: Ctx, key_fields: tuple[Field, ...]) -> None:
        self.add_typename(ctx)
        self.plan_set(ctx, key_fields, internal=True)

    def child_step(self, ctx: Ctx, graph: str, *, fresh: bool = False) -> Step:
        k = (graph, ctx.path, ctx.step.id, ctx.conds, False)
        step = None if fresh else self.children.get(k)
        if step is None:
            step = self.steps.new(graph, "entity", ctx.path, ctx.conds, ctx.step.mutation_index)
            if not fresh:
                self.children[k] = step
        else:
            step.any_of = ()  # another use, which that guard may not cover
        step.add_parent(ctx.step)
        return step

    def lands_on_conflict(self, ctx: Ctx, chain: tuple[Edge, ...], fields: list[Field]) -> bool:
        """Whether the step the chain would reuse already answers one of ``fields``' response
        keys with another field.

        Only possible where type conditions were erased: objects of several types jumping
        into the one ``... on I`` selection of an @interfaceObject graph. Those fields then
        get a step of their own, whose inputs are only the objects that asked for them.
        """
        step = ctx.step
        for e in chain:
            child = self.children.get((e.head.graph, ctx.path, step.id, ctx.conds, False))
            if child is None:
                return False
            step = child
        return any(_holds_conflict(step, chain[-1].head.type_name, f) for f in fields)

    def jump(self, ctx: Ctx, chain: tuple[Edge, ...], *, fresh: bool = False) -> Ctx:
        """Follow key edges, collecting each key; ``fresh`` makes the last hop a new step."""
        start = ctx.node
        for i, e in enumerate(chain):
            assert e.condition is not None
            in_type = ctx.node.type_name
            key_fields = self.fieldsets.tree(e.condition, in_type)
            self.collect_key(ctx, key_fields)
            child = self.child_step(ctx, e.head.graph, fresh=fresh and i == len(chain) - 1)
            self.add_inputs(child, in_type, ctx.path, key_fields, key=True)
            frag = child.selection.get_fragment(e.head.type_name, "")
            self.touch(child)
            ctx = Ctx(child, frag.sub, e.head, ctx.path, ctx.conds)
        # The first graph where the interface is real tells the concrete type; the working
        # data holds the interface's name until then (H5), which shaping cannot use for an
        # aliased __typename or a type condition.
        if (
            chain
            and self.sg.is_interface_object(start.type_name, start.graph)
            and self.is_abstract(ctx.node)
        ):
            self.add_typename(ctx)
        return ctx

    # --- representation inputs ------------------------------------------------------
    def add_inputs(
        self,
        step: Step,
        type_name: str,
        path: tuple[str, ...],
        fields: tuple[Field, ...],
        *,
        key: bool,
    ) -> None:
        self.inputs.add(step, type_name, path, fields, key=key)

    # --- @requires (§4.7) -----------------------------------------------------------
    def plan_requires(
        self, ctx: Ctx, f: Field, e: Edge, chain: tuple[Edge, ...], internal: bool
    ) -> None:
        # f's own conditions guard everything done for it, the hops to its graph included
        # (a key reached through another graph is fetched only when f is).
        conds = ctx.conds | f.conditions
        rctx = replace(ctx, conds=conds)
        pctx = self.jump(rctx, chain[:-1]) if len(chain) > 1 else rctx
        dest = e.tail
        in_type = pctx.node.type_name
        if chain:
            key_sel = chain[-1].condition
        else:
            key_sel = next(
                (
                    k.selection
                    for k in self.sg.keys(in_type, dest.graph)
                    if self.paths.local_ok(k.selection, pctx.node)
                ),
                None,
            )
        if key_sel is None:
            msg = f"no local key to re-enter {dest.graph} for {in_type}.{f.name}"
            raise PlanningError(msg)
        assert e.condition is not None
        # R only has to sit on the same entity object: collect it from the first position
        # (often the graph that already holds it), not from the last hop before the key.
        required = self.fieldsets.tree(e.condition, dest.type_name)
        self.touched.append(set())
        self.plan_set(rctx, required, internal=True)
        used = self.touched.pop()
        # R went only into the step at this position, and no directive lies between that
        # step's top and here: the parents hold R for every object whatever f's conditions.
        settled = used <= {ctx.step} and ctx.conds == ctx.step.conditions
        key_fields = self.fieldsets.tree(key_sel, in_type)
        self.collect_key(pctx, key_fields)
        step = self.requires_step(pctx, dest, conds, used, None if internal else f)
        self.add_inputs(step, in_type, pctx.path, key_fields, key=True)
        self.add_inputs(step, in_type, pctx.path, required, key=False)
        if settled:
            step.settled_inputs.update((in_type, name) for name in _field_names(required))
        frag = step.selection.get_fragment(dest.type_name, "")
        sctx = Ctx(step, frag.sub, dest, pctx.path, conds)
        self.touch(step)
        child = self.insert_field(sctx, f, e, internal, strip=f.conditions)
        if child is not None:
            self.plan_set(child, f.selections, internal)
            if child.sel.is_empty():
                self.add_typename(child)

    def requires_step(
        self, pctx: Ctx, dest: Node, conds: Conditions, used: set[Step], f: Field | None
    ) -> Step:
        """The post-requires step S′ for ``f`` (None: an internal field, never in conflict)."""
        graph = dest.graph
        k = (graph, pctx.path, pctx.step.id, conds, True)
        step = self.children.get(k)
        if step is not None and any(u is step or self.steps.is_ancestor(step, u) for u in used):
            step = None  # reusing it would create a cycle
        if step is not None and f is not None and _holds_conflict(step, dest.type_name, f):
            step = None  # another type's field under this key (see lands_on_conflict)
        if step is None:
            step = self.steps.new(
                graph, "entity", pctx.path, conds, pctx.step.mutation_index, requires_step=True
            )
            self.children[k] = step
        step.add_parent(pctx.step)
        for u in sorted(used, key=lambda s: s.id):
            step.add_parent(u)
        return step

    def run(self) -> StepGraph:
        op = self.op
        root = self.sg.root_name(op.kind)
        if root is None:
            msg = f"the supergraph has no {op.kind} type"
            raise PlanningError(msg)
        fields = root_fields(op)
        self.register_client((), tuple(fields))
        if op.kind == "mutation":
            run_mutation(self, root, fields)
        else:
            run_query(self, root, fields)
        return self.steps
