"""Facts the forward transform reads, computed before its sweep: one frozen record.

Input: a normalized function body without its return (``primal``: SSA/ANF
simple statements and ``If``/``For``/``While`` blocks), the ``wrt`` names, the
returned atoms, the parameters' kinds and names.
Output: a :class:`ForwardFacts`; nothing in ``primal`` changes.  The sweep
reads these and keeps no set of its own that grows as it goes.
"""

import operator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, FrozenSet, Mapping, Tuple

import gast

from ..rules import registry
from ..syntax import anno, nodes
from . import kinds as kinds_
from . import ops
from .activity import analyze
from .shapes import known_scalars


@dataclass(frozen=True)
class LoopFacts:
    """One loop of the primal: what its sweep makes canonical at every iteration."""

    assigned: FrozenSet[str]   # names its body (and a for's target) binds
    head: Tuple[str, ...]      # varied carried names and arrays written across trips, sorted
    owned: FrozenSet[str]      # those of ``head`` written in place (their own tangent array)


@dataclass(frozen=True)
class ForwardFacts:
    """What the forward sweep of one function needs to know in advance."""

    varied: FrozenSet[str]       # names with a tangent (closed under the statements' flows)
    carrying: FrozenSet[Any]     # tape keys whose pushes carry a tangent
    kinds: Mapping[str, Any]     # name -> kind (``analysis.kinds``)
    scalars: FrozenSet[str]      # names certainly holding a counter or a size
    sensitive: FrozenSet[str]    # names whose tangent must have its primal's full shape
    writes_in_place: bool        # does the body write into an array?
    loops: Mapping[int, LoopFacts]   # id(loop statement) -> its facts
    # names only ever compared (if max(x) > 0:), never returned: no tangent is read
    compared_only: FrozenSet[str] = frozenset()
    # straight-line code: no ``if``, ``for`` or ``while`` at any depth
    straight: bool = False
    # id(simple statement) -> the names a derivative flows from into it
    # (``ops.differentiable_reads``), None where it carries none (``ops.carries_derivative``),
    # as the activity analysis found them; a statement not in it is asked directly
    reads: Mapping[int, Any] = field(default_factory=dict)


def forward_facts(primal, wrt, out_atoms, param_kinds, params):
    """The :class:`ForwardFacts` of ``primal`` differentiated with respect to ``wrt``
    (returning ``out_atoms``, parameters ``params`` of kinds ``param_kinds``)."""
    outputs = [a.id for a in out_atoms if isinstance(a, gast.Name)]
    straight = is_straight(primal)
    if straight:   # (what the four reads of the statements below find, in one pass)
        scan = _StraightScan(primal)
        picked, sensitive, writes = (scan.pushes, scan.varying), scan.sensitive, scan.writes
        compared = scan.compared_only(outputs)
        for atom in out_atoms:
            sensitive |= nodes.loads(atom)
    else:
        picked, sensitive = None, shape_sensitive(primal, out_atoms)
        writes, compared = bool(store_bases(primal)), compared_only(primal, outputs)
    reads = {}
    varied, carrying = forward_activity(primal, wrt, outputs, picked, reads)
    return ForwardFacts(
        varied=frozenset(varied), carrying=frozenset(carrying),
        kinds=MappingProxyType(kinds_.infer(primal, dict(param_kinds))),
        scalars=frozenset(known_scalars(primal if straight else list(ops.with_loops(primal)),
                                        derived=False)),
        sensitive=frozenset(sensitive), writes_in_place=writes,
        # (a loop's facts: none in straight-line code)
        loops=MappingProxyType({} if straight else loop_facts(primal, params, varied)),
        compared_only=frozenset(compared), straight=straight, reads=MappingProxyType(reads))


class _StraightScan:
    """What :func:`forward_activity` picks (``pushes``, ``varying``), what
    :func:`shape_sensitive` finds read other than elementwise (``sensitive``, the outputs
    left out), whether :func:`store_bases` finds any array written (``writes``) and what
    :func:`compared_only` gathers, for straight-line code ``primal`` (every statement a
    simple one: :func:`is_straight`), read off each statement once."""

    def __init__(self, primal):
        self.pushes, self.varying, self.sensitive, self.writes = [], [], set(), False
        self.compared, self.copies, self.other, self.names = set(), {}, set(), set()
        assign_class, name_class, call_class = gast.Assign, gast.Name, gast.Call
        for stmt in primal:
            if stmt.__class__ is assign_class and len(stmt.targets) == 1 \
                    and stmt.targets[0].__class__ is name_class:
                # (the commonest statement: no array written, only a pop may vary it)
                value = stmt.value
                if value.__class__ is call_class:
                    op = getattr(getattr(value, anno.CALLEE, None), anno.TAPE_OP, None)
                    if op == "push":
                        self.pushes.append(stmt)
                    elif op == "pop":
                        self.varying.append(stmt)
                atoms = _atoms_of(value)
                if atoms is not None and getattr(stmt.targets[0], "annotation", None) is None:
                    self._operation(stmt.targets[0], value, atoms)
                    continue
            else:
                self._other_statement(stmt)
            self.sensitive |= _read_whole(stmt)
            _compared_in(stmt, self.compared, self.copies, self.other, self.names)

    def _operation(self, target, value, atoms):
        """``_read_whole`` and ``_compared_in`` of the statement ``target = value``, a name
        bound to an atom or an operation on atoms (``atoms``, its ``Name`` nodes: what
        ``nodes.loads`` reads of it, what ``_compared_in`` reads off it)."""
        cls = value.__class__
        if cls is gast.Name or ((cls is gast.BinOp or cls is gast.UnaryOp or cls is gast.Call)
                                and not elementwise(registry.lookup(
                                    registry.operation_target(value)))):
            self.sensitive.update(a.id for a in atoms if not isinstance(a.ctx, gast.Store))
        compared, names, other, load_class = self.compared, self.names, self.other, gast.Load
        for read in _flows(value):
            compared.add(id(read))
            self.copies.setdefault(read.id, set()).add(target.id)
        for node in [target] + atoms:
            names.add(node.id)
            if node.ctx.__class__ is load_class and id(node) not in compared:
                other.add(node.id)

    def _other_statement(self, stmt):
        op = tape_op(stmt)
        if op == "push":
            self.pushes.append(stmt)
        if op == "pop" or _may_vary(stmt):
            self.varying.append(stmt)
        if not self.writes and store_bases([stmt]):
            self.writes = True

    def compared_only(self, outputs):
        """:func:`compared_only` of the statements read, returning ``outputs``."""
        return _closed(self.names - self.other - set(outputs), self.copies)


_BLOCKS = (gast.If, gast.For, gast.While)


def is_straight(primal):
    """Is the normalized body ``primal`` straight-line code (no ``if``, ``for`` or
    ``while``: a block statement stands at its top level when one stands anywhere)?"""
    blocks = _BLOCKS
    return not any(stmt.__class__ in blocks for stmt in primal)   # (no subclasses in gast)


def compared_only(primal, outputs):
    """The names of ``primal`` whose values are only compared (``c = m > 0``), or copied
    to such names (a merge's ``m_1 = m``) or used in arithmetic making one (``t = m - 1.0``),
    none of ``outputs``: a comparison has no
    derivative, so their tangents are never read."""
    compared, copies, other, names = set(), {}, set(), set()
    for stmt in primal:
        _compared_in(stmt, compared, copies, other, names)
    return _closed(names - other - set(outputs), copies)


def _compared_in(stmt, compared, copies, other, names):
    """What :func:`compared_only` gathers of the statement ``stmt`` (its ``Name`` nodes
    at any depth): into ``compared`` the ids of the names a comparison reads or a copy
    (or arithmetic) flows from, into ``copies`` each such name's targets, into ``names``
    every name, into ``other`` the names read otherwise."""
    if stmt.__class__ is gast.Assign and len(stmt.targets) == 1:
        # (the commonest statement, a name bound to an operation on atoms, as
        # ``_scan`` reads it off and the loops below go over what it gives: its
        # target and atoms, and the statement itself, the one assignment)
        target, atoms = stmt.targets[0], _atoms_of(stmt.value)
        if atoms is not None and target.__class__ is gast.Name \
                and getattr(target, "annotation", None) is None:
            for read in _flows(stmt.value):
                compared.add(id(read))
                copies.setdefault(read.id, set()).add(target.id)
            load_class = gast.Load
            for node in [target] + atoms:
                names.add(node.id)
                if node.ctx.__class__ is load_class and id(node) not in compared:
                    other.add(node.id)
            return
    # (the statement's names, comparisons and assignments found in one walk: each
    # statement's comparisons and copies are all seen before its names are looked
    # at, and what is found is sets, whatever the order of the walk)
    found_names, special = _scan(stmt)
    for node in special:
        if node.__class__ is gast.Compare:
            compared.update(id(n) for n in [node.left] + node.comparators
                            if isinstance(n, gast.Name))
        elif node.__class__ is gast.Assign and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name):
            for read in _flows(node.value):   # (a copy, or arithmetic: m - 1.0)
                compared.add(id(read))
                copies.setdefault(read.id, set()).add(node.targets[0].id)
    for node in found_names:
        names.add(node.id)
        if isinstance(node.ctx, gast.Load) and id(node) not in compared:
            other.add(node.id)


def _closed(found, copies):
    """The largest part of ``found`` holding, with each name, every name it is copied to
    (``copies[name]``): a copy to a name whose tangent is read is read.  A name once out
    stays out, so dropping them in any order gives that one set: here each name is looked
    at again only when a name it is copied to goes out (a worklist, not repeated rounds
    over every name, which a chain of copies needs as many times as it is long)."""
    sources = {}   # name -> the names of ``found`` copied to it
    for name in found:
        for target in copies.get(name, ()):
            sources.setdefault(target, []).append(name)
    dropped = [name for name in found if not copies.get(name, set()) <= found]
    found = set(found)
    found.difference_update(dropped)
    while dropped:
        for source in sources.get(dropped.pop(), ()):
            if source in found:
                found.discard(source)
                dropped.append(source)
    return found


def _scan(tree):
    """(The ``Name`` nodes of ``tree``, its ``Compare`` and ``Assign`` nodes): the nodes of
    those classes ``nodes.walk`` visits (``nodes.child_fields`` of each node looked into),
    in some order."""
    if tree.__class__ is gast.Assign and len(tree.targets) == 1:
        # (the commonest statement, a name bound to an operation on atoms: its names
        # read off its fields, which hold no comparison nor assignment)
        atoms = _atoms_of(tree.value)
        target = tree.targets[0]
        if atoms is not None and target.__class__ is gast.Name \
                and getattr(target, "annotation", None) is None:
            return [target] + atoms, [tree]
    found_names, special = [], []
    stack = [tree]
    pop, push = stack.pop, stack.append
    name_class, special_classes, child_fields = gast.Name, _SCANNED, nodes.child_fields
    ast_class = gast.AST
    while stack:
        node = pop()
        cls = node.__class__
        if cls is name_class:
            found_names.append(node)
        elif cls in special_classes:
            special.append(node)
        for field in child_fields(cls):
            value = getattr(node, field, None)
            if value is None:
                continue
            if value.__class__ is list:
                stack.extend([item for item in value if isinstance(item, ast_class)])
            elif isinstance(value, ast_class):
                push(value)
    return found_names, special


_SCANNED = frozenset((gast.Compare, gast.Assign))


def _atoms_of(value):
    """The ``Name`` nodes of ``value`` (the nodes :func:`_scan` would find) when it is a
    name, a number or an operation on them (a call's callee a name, or a name's
    attributes, and no keyword arguments); else None."""
    cls = value.__class__
    if cls is gast.BinOp:
        parts = (value.left, value.right)
    elif cls is gast.UnaryOp:
        parts = (value.operand,)
    elif cls is gast.Call and not value.keywords:
        func = value.func
        while func.__class__ is gast.Attribute:
            func = func.value
        parts = [func] + value.args
    else:
        parts = (value,)
    atoms = []
    for part in parts:
        kind = part.__class__
        if kind is gast.Name and getattr(part, "annotation", None) is None:
            atoms.append(part)
        elif kind is not gast.Constant:
            return None
    return atoms

_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod, gast.Pow)


def _flows(value):
    """The names whose value flows into ``value`` by a copy (``m``) or by arithmetic on
    atoms (``m - 1.0``, ``2 * m``, ``-m``): a comparison of the result needs no tangent
    of theirs either."""
    if isinstance(value, gast.Name):
        return [value]
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, (gast.USub, gast.UAdd)):
        return _flows(value.operand)
    if isinstance(value, gast.BinOp) and isinstance(value.op, _ARITHMETIC) \
            and all(isinstance(a, (gast.Name, gast.Constant)) for a in (value.left, value.right)):
        return [a for a in (value.left, value.right) if isinstance(a, gast.Name)]
    return []


def elementwise(rule):
    """Does the rule's operation act elementwise, with numpy broadcasting?"""
    if rule is None:
        return False
    # (asked once per rule while no rule is registered: registering is what changes a
    # rule's broadcast parameters; the target's own attributes never change)
    known = _ELEMENTWISE.get(id(rule))
    if known is not None and known[0] is rule and known[1] == registry.version:
        return known[2]
    answer = _elementwise(rule)
    if len(_ELEMENTWISE) >= 4096:
        _ELEMENTWISE.clear()
    _ELEMENTWISE[id(rule)] = (rule, registry.version, answer)
    return answer


#: id(rule) -> (the rule, the registry's version then, whether it is elementwise)
_ELEMENTWISE = {}


def _elementwise(rule):
    if rule.broadcast:
        return True
    target = rule.target
    if target is operator.neg or target is operator.pos:
        return True
    # a numpy ufunc that is not a generalized ufunc (np.matmul has a signature)
    return getattr(target, "nin", None) is not None and getattr(target, "signature", "") is None


def tape_op(stmt):
    """"push" or "pop" for the tape markers of second-order code, else None."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call):
        return getattr(anno.get(stmt.value, anno.CALLEE), anno.TAPE_OP, None)
    return None


def loop_facts(primal, params, varied):
    """``{id(loop): LoopFacts}`` for every loop in ``primal``.

    A loop's carried names are ``anno.CARRIED`` (set by the normalizer), else the
    names it assigns that a statement before it (in sweep order) or a parameter
    ``params`` bound already."""
    facts = {}
    seen = set(params)

    def visit(body):
        for stmt in body:
            if isinstance(stmt, gast.If):
                visit(stmt.body)
                visit(stmt.orelse)
            elif isinstance(stmt, (gast.For, gast.While)):
                facts[id(stmt)] = _one_loop(stmt, seen, varied)
                visit(stmt.body)
            elif not isinstance(stmt, gast.Pass) and tape_op(stmt) is None:
                seen.update(ops.targets(stmt))

    visit(primal)
    return facts


def _one_loop(stmt, seen, varied):
    """The :class:`LoopFacts` of the loop ``stmt``, ``seen`` the names bound before it."""
    carried = anno.get(stmt, anno.CARRIED)
    assigned = ops.assigned_in(stmt.body)
    if isinstance(stmt, gast.For):
        assigned |= ops.assigned_in([stmt.target])
    if carried is None:   # not from the normalizer: names that live across iterations
        carried = assigned & seen
    carried = set(carried)
    kept = store_bases(stmt.body) - (assigned - carried)   # arrays written across trips
    head = tuple(sorted(n for n in carried | kept if n in varied))
    return LoopFacts(assigned=frozenset(assigned), head=head, owned=frozenset(set(head) & kept))


def shape_sensitive(primal, out_atoms, straight=False):
    """Names whose tangent must have exactly the primal's shape where it is read.

    Everything read by an operation that is not elementwise (reductions,
    products of matrices, indexing, literals, calls, tape pushes), the
    outputs, and the names that meet at control-flow joins: names carried by
    loops, names both branches of an ``if`` assign, arrays written into.
    ``straight``: ``primal`` is straight-line code (:func:`is_straight`): no join.
    """
    sensitive = set()
    for stmt in primal if straight else ops.flatten(primal):
        sensitive |= _read_whole(stmt)
    for sub in () if straight else nodes.statements(primal):   # (loops and ifs are statements, at every depth)
        if isinstance(sub, (gast.For, gast.While)):
            sensitive |= set(anno.get(sub, anno.CARRIED, ()))
            sensitive |= ops.assigned_in(sub.body) & store_bases(sub.body)
        elif isinstance(sub, gast.If):
            sensitive |= ops.assigned_in(sub.body) & ops.assigned_in(sub.orelse)
    for atom in out_atoms:
        sensitive |= nodes.loads(atom)
    return sensitive


def _read_whole(stmt):
    """The names the simple statement ``stmt`` reads other than elementwise."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        value = stmt.value
        if isinstance(value, (gast.Attribute, gast.Compare)):
            return set()
        if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Call)) and elementwise(
                registry.lookup(registry.operation_target(value))):
            return set()
        if isinstance(value, gast.Subscript):
            return nodes.loads(value.value)
        return nodes.loads(value)
    if isinstance(stmt, gast.Assign):
        read = nodes.loads(stmt.value)
        if isinstance(stmt.targets[0], gast.Subscript):
            read |= nodes.loads(stmt.targets[0].value)
        return read
    if isinstance(stmt, (gast.AugAssign, gast.Expr)):
        return nodes.loads(stmt.value)
    return set()


def store_bases(body):
    """Names of the arrays ``body`` writes into (``x[i] = v``, ``x[i] += v``,
    ``np.add.at(x, ...)``), nested blocks included."""
    bases = set()
    for stmt in ops.flatten(body):
        target = None
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            target = stmt.targets[0]
        elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript):
            target = stmt.target
        if target is not None and isinstance(target.value, gast.Name):
            bases.add(target.value.id)
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and len(stmt.value.args) == 3 and isinstance(stmt.value.args[0], gast.Name) \
                and isinstance(stmt.value.func, gast.Attribute) and stmt.value.func.attr == "at":
            bases.add(stmt.value.args[0].id)
    return bases


def forward_activity(primal, wrt, outputs, picked=None, reads=None):
    """(varied names, tape keys that carry tangents): the activity fixpoint.

    ``analysis.activity`` gives the names that depend on ``wrt``, loops
    included; on top of it, an array written with a varied value (or holding
    one) is varied, and the pops of a tape key are varied when a push of that
    key pushes a varied value.  Repeats until nothing changes.  ``picked``: the
    ``(pushes, varying)`` statements below, when already picked; ``reads``: see
    ``activity.analyze`` (filled by its first round).
    """
    # (the pushes, and the statements _varied_by may find something in, picked once:
    # every other statement adds nothing to either set, whatever is varied)
    if picked is not None:
        pushes, varying = picked
    else:
        pushes, varying = [], []
        for stmt in ops.flatten(primal):
            op = tape_op(stmt)
            if op == "push":
                pushes.append(stmt)
            if op == "pop" or _may_vary(stmt):
                varying.append(stmt)
    seeds = set(wrt)
    while True:
        varied = set(analyze(primal, tuple(sorted(seeds)), outputs, reads).varied)
        reads = None   # (the statements' reads are the same in every round)
        carrying = set()
        for stmt in pushes:
            value = stmt.value.args[1]
            if isinstance(value, gast.Name) and value.id in varied:
                carrying.add(stmt.value.args[-1].value)
        extra = set()
        for stmt in varying:
            extra |= _varied_by(stmt, varied, carrying)
        if extra <= varied:
            return varied, carrying
        seeds |= extra


def _may_vary(stmt):
    """Does ``stmt`` meet the form of one of :func:`_varied_by`'s cases but the pop's (an
    item written into a named array, ``np.add.at`` of one)?"""
    cls = stmt.__class__
    if cls is gast.Assign:
        target = stmt.targets[0]
        return isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name)
    if cls is gast.AugAssign:
        return isinstance(stmt.target, gast.Subscript) and isinstance(stmt.target.value,
                                                                      gast.Name)
    return cls is gast.Expr and isinstance(stmt.value, gast.Call) \
        and len(stmt.value.args) == 3 and isinstance(stmt.value.args[0], gast.Name)


def _varied_by(stmt, varied, carrying):
    """Names ``stmt`` makes varied beyond the activity flows: the pop of a carrying
    tape key, an array written with (or holding) a varied value."""
    if tape_op(stmt) == "pop" and stmt.value.args[-1].value in carrying:
        return {stmt.targets[0].id}
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript) \
            and isinstance(stmt.targets[0].value, gast.Name):
        base = stmt.targets[0].value.id
        return {base} if (nodes.loads(stmt.value) | {base}) & varied else set()
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript) \
            and isinstance(stmt.target.value, gast.Name):
        base = stmt.target.value.id
        return {base} if (nodes.loads(stmt.value) | {base}) & varied else set()
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and len(stmt.value.args) == 3 and isinstance(stmt.value.args[0], gast.Name):
        return {stmt.value.args[0].id} if nodes.loads(stmt.value.args[2]) & varied else set()
    return set()
