"""One function's reverse sweeps, composed: facts, linking, seeds, both sweeps.

:class:`ReverseFunction` takes a :class:`~s2sad.syntax.normalize.NormalFunction`
and computes, before any sweep, the function's facts
(``analysis.reverse_facts``), its body with active user calls linked to their
vjp (:mod:`.linking`) and the names of the tape; then :meth:`seed_gradient` or
:meth:`seed_cotangents` seeds the output's adjoint and :meth:`sweeps` gives the
forward sweep, the backward sweep (copies propagated, dead adjoints dropped)
and the gradient expressions.  The flavors (:mod:`.flavors`) put those into
the generated function.
"""

import copy

import gast

from ...analysis import dtypes
from ...analysis.aliases import statements_in
from ...analysis.attribute_reads import refuse_differentiated_attributes
from ...analysis.object_items import refuse_differentiated_object_items
from ...analysis import kinds as kinds_
from ...analysis.lists import changes_end_before
from ...analysis.ops import with_loops
from ...analysis.ranks import numbers, real_numbers
from ...analysis.reverse_facts import primal_facts, with_linked
from ...analysis.sequence_products import refuse_products_of_sequences
from ...analysis.whole_reads import WholeReads
from ...errors import NonScalarOutputError, RuleDefinitionError, ValueTypeError
from ...optimize import eliminate_dead, propagate_copies
from ...analysis.facts import USER_CALL
from ...syntax import anno, nodes
from .backward import BackwardSweep
from .env import Adjoints
from .forward_sweep import ForwardSweep
from .items import reuse_item_reads
from .linking import Linker
from .statements import StatementAdjoints
from .subscripts import SubscriptAdjoints
from .updates import split_shape_changing_updates


class ReverseFunction:
    """The parts of one function's reverse mode (see the module docstring)."""

    def __init__(self, nf, wrt, flavor, calls, name, kinds, vjp, ranks=None):
        self.nf = nf
        self.wrt = wrt
        self.flavor = flavor
        self.name = name
        self.parsed = nf.parsed
        fn = nf.node
        body = fn.body
        ranks, float64 = dtypes.split(ranks)
        if ranks:   # (the items ranks make numbers are read once per block)
            body = reuse_item_reads(body, numbers(list(with_loops(body[:-1])), ranks))
        self.ret = body[-1]
        value = self.ret.value
        self.out_atoms = list(value.elts) if isinstance(value, gast.Tuple) else [value]
        if flavor == "value_and_grad" and isinstance(value, gast.Tuple):
            raise NonScalarOutputError(
                f"{fn.name} returns a tuple, so it has no gradient", self.parsed.location(
                    self.parsed.node.body[-1]),
                hint="use s2sad.vjp for functions with several outputs, or return one scalar")
        outputs = [a.id for a in self.out_atoms if isinstance(a, gast.Name)]
        primal = body[:-1]
        if body is not fn.body:
            fn = copy.copy(fn)
            fn.body = body
        # (a pullback's adjoints take the cotangents' dtypes: gradients only; only
        # Adjoints.in_place reads them, inside a reversed loop: none without a loop)
        accumulators = dtypes.accumulators(nf, primal) if flavor == "value_and_grad" \
            and not kinds and _has_loop(primal) else frozenset()
        facts = primal_facts(fn, primal, nf.params, wrt, outputs, flavor, dict(kinds or {}),
                             self.parsed, ranks, accumulators, float64)
        split = split_shape_changing_updates(primal, facts, nf.namer)
        if split is not primal:   # (the facts of the body with the old values named)
            primal = split
            fn = copy.copy(fn)
            fn.body = primal + [self.ret]
            facts = primal_facts(fn, primal, nf.params, wrt, outputs, flavor,
                                 dict(kinds or {}), self.parsed, ranks, accumulators, float64)
        refuse_products_of_sequences(primal, facts.kinds, facts.activity.is_active,
                                     self.parsed)
        # (the reads whose object is known only when the code runs: checked then)
        # (every read, not only those reaching the output through derivatives: an item
        # computed from a key may be the key of another, SQ[SQ[x]])
        self.item_checks = refuse_differentiated_object_items(
            primal, facts.activity.varied.__contains__, bool, self.parsed, kinds)
        refuse_differentiated_attributes(primal, facts.activity.varied.__contains__,
                                         facts.activity.useful.__contains__, self.parsed,
                                         kinds)
        # (an output these are needs no check that it is one number)
        self.reals = real_numbers(list(with_loops(primal)), ranks) if ranks else set()
        bindings = {}
        self.primal = Linker(facts, nf.namer, bindings, self.parsed, calls,
                             vjp).link_user_calls(primal)
        bound_of = {}   # (each operation's rule and arguments, found once for both)
        flowing = set()   # (the statements a derivative flows through, found once)
        operations = set()   # (those differentiated by their operation's rule)
        self.facts = with_linked(facts, self.primal, self.parsed, bound_of, flowing,
                                 operations)
        self.env = Adjoints(self.facts, nf.namer, bindings)
        self.tape = nf.namer.fresh("tape")
        self.tape_read = self.tape if flavor == "value_and_grad" \
            else nf.namer.fresh("tape_copy")
        # (parameters of known rank: code made for numpy array arguments, see subscripts)
        ranked = frozenset(p for p in nf.params if self.facts.ranks.get(p))
        statements = StatementAdjoints(self.env, self.facts, self.parsed, SubscriptAdjoints(
            self.env, self.facts, self.tape_read, ranked), bound_of, flowing, operations)
        self.backward = BackwardSweep(self.env, self.facts, statements, self.tape_read)
        self.reads = {}   # (the backward sweep's reads, once made: see sweeps)
        self.whole_reads = None   # (analysis.whole_reads, made when a parameter asks)

    def seed_gradient(self):
        """value_and_grad: the output's adjoint is 1 (when it is active); returns the
        statement checking, when the code runs, that the output is one number."""
        out = self.out_atoms[0]
        name = self.nf.node.name
        if isinstance(out, gast.Name) and out.id in self.facts.sequences:
            raise NonScalarOutputError(
                f"{name} returns a list, tuple or dict, so it has no gradient",
                self.parsed.location(next(
                    (n for n in gast.walk(self.parsed.node) if isinstance(n, gast.Return)),
                    self.parsed.node)),
                hint="use s2sad.vjp for functions with several outputs, or return one "
                     "scalar")
        if isinstance(out, gast.Name) and out.id in self.reals:
            if self.facts.is_active(out):
                self.env.adj[out.id] = nodes.const(1.0)
            return []
        if isinstance(out, gast.Name):
            check = nodes.expr_stmt(nodes.call(self.env.helper("ensure_scalar_output"),
                                               [nodes.name(out.id), nodes.const(name)]))
            # (the return's own check: under its comment, a bare 'return total' too)
            anno.set(check, anno.SOURCE, anno.get(self.ret, anno.SOURCE))
            if self.facts.is_active(out):
                self.env.adj[out.id] = nodes.const(1.0)
            return [check]
        if isinstance(out, gast.Constant) and (
                out.value is None or isinstance(out.value, (str, bytes, complex))):
            self.refuse_constant_output(out.value)
        return []

    def seed_cotangents(self):
        """vjp: each output's adjoint is a parameter of the pullback; returns (those
        parameters, the statements adding a name's cotangents when it is returned
        twice)."""
        params, stmts = [], []
        for atom in self.out_atoms:
            base = atom.id if isinstance(atom, gast.Name) else "out"
            param = self.env.namer.adjoint(base)
            params.append(param)
            if self.facts.is_active(atom):
                if atom.id in self.env.adj:   # the same name returned twice
                    self.env.accumulate(atom.id, nodes.name(param), stmts)
                else:
                    self.env.adj[atom.id] = nodes.name(param)
                    self.env.adj_names.setdefault(atom.id, param)
        return params, stmts

    def sweeps(self, seed_stmts, after_forward, seed_params=()):
        """``(forward, backward, grads)``: the forward sweep (``after_forward`` at its
        end, the tape made first), the backward sweep after ``seed_stmts`` (copies
        propagated, dead adjoints and orphan comments dropped) and each ``wrt``
        name's gradient expression."""
        backward = seed_stmts + self.backward.backward_block(self.primal)
        saves = dict(self.backward.pushes)   # id(loop) -> the names it saves
        saved = {n for names in saves.values() for n in names}
        for chain in sorted({frozenset(c) for c in self.facts.in_place.values()}, key=sorted):
            savers = {loop for loop, names in saves.items() if chain & set(names)}
            if savers and not changes_end_before(self.primal, self.facts.in_place, chain,
                                                 savers):
                # (a loop after the changes saves the list's last version: harmless)
                raise RuleDefinitionError(
                    f"internal: the backward sweep needs an earlier version of a list "
                    f"changed in place ({sorted(chain & saved)[0]!r})")
        # the forward sweep is made once the backward sweep said what each loop saves
        sweep = ForwardSweep(self.env, self.facts, self.parsed, self.tape, saves,
                             self.item_checks)
        forward = sweep.forward_block(self.primal, then=after_forward)
        for check in reversed(self.nf.entry_checks):   # before anything reads an argument
            self.env.helper("ensure_unshared")
            forward.insert(0, copy.deepcopy(check))
        if saves or self.facts.written:   # (writes save what they overwrite)
            forward.insert(0, nodes.assign(self.tape, nodes.call(self.env.helper("Stack"))))
            if self.flavor == "vjp":
                backward.insert(0, nodes.assign(self.tape_read, nodes.call(
                    nodes.attr(nodes.name(self.tape), "copy"))))
        grads = [nodes.clone(self.env.adj[p]) if p in self.env.adj else
                 nodes.call(self.env.helper("zeros_like"), [nodes.name(p)]) for p in self.wrt]
        returned = {g.id for g in grads if isinstance(g, gast.Name)}
        marked = []   # (the copies without_alias_copies drops, found on the same walk)
        # (only a copy the sweep made is marked: without one there is nothing to drop,
        # and the walk of both sweeps that looks for writes is not needed)
        if self.env.alias_copies and not self.writes_in_place(forward + backward, marked):
            backward = without_alias_copies(backward, marked)
        # (each statement's reads, found by the first, read by the second and by the
        # optimize pass: see Generated.reads)
        reads = self.reads = {}
        backward = propagate_copies(backward, protected=returned | set(seed_params),
                                    reads=reads)
        # (which drops the comments left before no statement too)
        backward = eliminate_dead(backward, live_out=returned, reads=reads)
        return forward, backward, grads

    def writes_in_place(self, stmts, marked=None):
        """Whether the function (its sweeps ``stmts``) may write into an array or a
        container in place: a write of the user's, an item or attribute store, ``+=``,
        a helper that writes into an argument, or a user call (its pullback is code of
        its own).  Where nothing is written, an adjoint sharing an array with another
        or with a value is harmless (what the caller gets back is guarded apart:
        ``common.unshared_results``).  ``marked``, a list: where the answer is no, it
        holds every call of ``stmts`` marked ``anno.ALIAS_COPY``."""
        facts = self.facts
        if facts.written or facts.shares_written or facts.in_place:
            return True
        if any(_writes_statement(node) for node in statements_in(self.primal)):
            return True
        writes, alias_copies = _scan_writes(stmts)
        if marked is not None:
            marked.extend(alias_copies)
        return writes

    def in_structures(self, grads):
        """The returned adjoints of list, tuple and dict parameters in the parameter's
        own structure (the sweep builds them as lists: tuples come back as tuples)."""
        return [nodes.call(self.env.helper("tree_like"), [g, nodes.name(p)])
                if p in self.env.adj and self._may_be_container(p) else g
                for g, p in zip(grads, self.wrt)]

    def _may_be_container(self, param):
        """Whether the parameter ``param`` is, or may be, a list, tuple or dict: its kind
        says so, or (code made without the arguments: a module the CLI writes) it is
        not known and its adjoint was built by reading it as a container."""
        kind = self.facts.kinds.get(param, kinds_.UNKNOWN)
        if kind != kinds_.UNKNOWN:
            return kinds_.is_container(kind)
        if self.whole_reads is None:   # (one walk, for every parameter)
            self.whole_reads = WholeReads(self.primal)
        return not self.whole_reads.only_whole(param)

    def refuse_constant_output(self, value):
        """``return None`` (or a string, or a complex number) in a function asked for its
        gradient: there is no number to differentiate (the gradient would read 0)."""
        where = next((n for n in gast.walk(self.parsed.node) if isinstance(n, gast.Return)
                      and isinstance(n.value, gast.Constant) and n.value.value == value),
                     self.parsed.node)
        kind = "None" if value is None else "a complex number" if isinstance(
            value, complex) else "a string"
        raise ValueTypeError(
            f"{self.parsed.name} returns {kind}, which has no gradient",
            self.parsed.location(where),
            hint="return the float (or 0-d array) to differentiate")


def _has_loop(body):
    """Whether ``body`` holds a ``for`` or ``while`` loop, at any depth of its blocks."""
    return any(stmt.__class__ in _LOOPS for stmt in with_loops(body))


_LOOPS = (gast.For, gast.While)


#: runtime helpers that write into an argument in place
_WRITING_HELPERS = frozenset({
    "add_item", "add_at_key", "add_into", "list_append", "list_push", "list_remove", "list_put",
    "list_push_at", "list_extend", "list_insert", "list_delete", "list_set", "dict_set",
    "dict_delete", "call_writing"})


def _writes_statement(node):
    """Whether the statement ``node`` itself (not those nested in it) may write in place:
    ``+=``, an addition marked to be one, a user call, a store into an item or attribute."""
    if isinstance(node, gast.AugAssign) or anno.get(node, anno.ADD_IN_PLACE) \
            or anno.get(node, USER_CALL) is not None:
        return True
    if node.__class__ is not gast.Assign:
        return False
    for target in node.targets:
        # (a name, the commonest target, holds no item or attribute)
        if (target.__class__ is not gast.Name or target.annotation is not None) and any(
                isinstance(t, (gast.Subscript, gast.Attribute)) for t in nodes.walk(target)):
            return True
    return False


#: class met on a scan -> nodes.child_fields of it (a fact of the class)
_SCAN_FIELDS = {}


def _scan_writes(stmts):
    """``(writes, alias_copies)`` of the sweeps ``stmts``: whether one of their
    statements (nested ones too) writes in place (:func:`_writes_statement`) or one of
    their calls does (a helper of :data:`_WRITING_HELPERS`, ``np.add.at``); and, when
    none does, every call marked ``anno.ALIAS_COPY``.  Looks at the nodes
    ``nodes.walk`` gives (any order: both answers are about the set of them), stopping
    at the first write, and never into names and constants, which hold neither."""
    call_class, stmt_class, name_class, const_class = gast.Call, gast.stmt, gast.Name, \
        gast.Constant
    assign_class, binop_class, add_key, user_key = gast.Assign, gast.BinOp, \
        anno.ADD_IN_PLACE, USER_CALL
    fields_of, marked = _SCAN_FIELDS, []
    stack = list(stmts)
    pop, push, extend = stack.pop, stack.append, stack.extend
    while stack:
        node = pop()
        cls = node.__class__
        if cls is name_class or cls is const_class:
            continue
        if cls is assign_class and len(node.targets) == 1:
            # (the commonest statement: ``name = value``, not marked, writes nothing
            # itself, as _writes_statement says; its target holds nothing to find)
            target = node.targets[0]
            if target.__class__ is name_class and target.annotation is None \
                    and not getattr(node, add_key, None) \
                    and getattr(node, user_key, None) is None:
                value = node.value
                kind = value.__class__
                if kind is binop_class:   # (a op b of atoms: nothing in it to find)
                    left, right = value.left.__class__, value.right.__class__
                    if (left is name_class or left is const_class) \
                            and (right is name_class or right is const_class):
                        continue
                if kind is not name_class and kind is not const_class:
                    push(value)
                continue
        if cls is call_class:
            func = node.func
            if isinstance(func, gast.Name) and func.id in _WRITING_HELPERS \
                    or isinstance(func, gast.Attribute) and func.attr == "at":
                return True, []   # (np.add.at)
            if anno.get(node, anno.ALIAS_COPY):
                marked.append(node)
        elif isinstance(node, stmt_class) and _writes_statement(node):
            return True, []
        fields = fields_of.get(cls)
        if fields is None:   # (() for anything but a node: a leaf of a list)
            fields = fields_of[cls] = nodes.child_fields(cls)
        for field in fields:
            value = getattr(node, field, None)
            if value is None:
                continue
            kind = value.__class__
            if kind is list:
                extend(value)
            elif kind is not name_class and kind is not const_class:
                push(value)
    return False, marked


def without_alias_copies(stmts, marked=None):
    """``stmts`` with each ``np.copy(g)`` marked ``anno.ALIAS_COPY`` replaced by ``g``
    (changes the statements of the sweep, made by it, in place): in a function that
    writes nothing in place no adjoint is ever written into, so sharing an array is
    harmless, and a copy of a lazy (Dask) array would compute it.  ``marked``: the
    marked calls of ``stmts`` (or more), when a walk found them already."""
    class Drop(gast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            return node.args[0] if anno.get(node, anno.ALIAS_COPY) else node

    if not (marked if marked is not None else any(
            anno.get(n, anno.ALIAS_COPY) for stmt in stmts for n in nodes.walk(stmt))):
        return list(stmts)   # (no copy to drop: the walk costs a fraction of the visit)
    return [Drop().visit(stmt) for stmt in stmts]
