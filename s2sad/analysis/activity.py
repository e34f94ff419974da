"""Activity analysis: which names need an adjoint.

Input: a normalized function body (see ``syntax.normalize``), the ``wrt``
parameter names, and the names the function returns.
Output: an :class:`Activity` with ``varied`` (depends on a wrt input through
differentiable operations), ``useful`` (reaches an output through
differentiable operations) and ``active`` (both).  Only active names get an
adjoint; every other statement stays in the forward sweep untouched.
"""

from dataclasses import dataclass
from typing import FrozenSet

import gast

from ..rules import registry
from ..syntax import anno
from . import ops


@dataclass(frozen=True)
class Activity:
    varied: FrozenSet[str]
    useful: FrozenSet[str]

    @property
    def active(self):
        return self.varied & self.useful

    def is_active(self, name):
        return name in self.varied and name in self.useful


def analyze(body, wrt, outputs, reads=None) -> Activity:
    """Loops feed values back, so both sweeps repeat until nothing changes.
    ``reads``, when a dict, receives ``{id(statement): ops.differentiable_reads of it}``
    for each simple statement of ``body`` that carries a derivative (not a call writing
    into its arguments, whose flows are its own), and ``{id(statement): None}`` for
    each that carries none (``ops.carries_derivative``)."""
    # (targets, differentiable reads) of each simple statement that carries a
    # derivative, worked out once for all the passes of both sweeps
    flows = []
    known = {}   # (each operator's or callee's rule, asked once: see _flow)
    for stmt in ops.flatten(body):
        found = _flow(stmt, known)
        if found is None:
            if not ops.carries_derivative(stmt):
                if reads is not None:
                    reads[id(stmt)] = None
                continue
            found = _flows(stmt)
        elif not found:
            if reads is not None:
                reads[id(stmt)] = None
            continue
        flows.extend(found)
        if reads is not None and len(found) == 1 and anno.get(stmt, anno.WRITES) is None:
            reads[id(stmt)] = found[0][1]
    # (sets compared without making new ones: the test of each flow, each pass)
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for targets, reads, _ in flows:
            if not targets <= varied and not reads.isdisjoint(varied):
                varied |= targets
                changed = True
    useful = set(outputs)
    changed = True
    while changed:
        changed = False
        for targets, _, reads in reversed(flows):
            if not reads <= useful and not targets.isdisjoint(useful):
                useful |= reads
                changed = True
    return Activity(frozenset(varied), frozenset(useful))


def _flow(stmt, known):
    """The flows of ``name = <operation or call of names and literals>``, the commonest
    statement, read off its atoms (what ``_flows`` gives; ``[]`` where it carries no
    derivative, ``ops.carries_derivative``); None for any other statement.  ``known``:
    ``{id(operator class or callee): (target, its rule, the names of its parameters
    without a derivative)}``, filled as rules are asked (the registry does not change
    during one analysis)."""
    if stmt.__class__ is not gast.Assign or stmt.targets[0].__class__ is not gast.Name:
        return None
    value = stmt.value
    cls = value.__class__
    if cls is gast.BinOp or cls is gast.UnaryOp:
        loads = operand_loads(value)
        target = value.op.__class__
    elif cls is gast.Call:
        loads = call_loads(value)
        target = getattr(value, anno.CALLEE, None)
    else:
        return None
    if loads is None:
        return None
    entry = known.get(id(target))
    if entry is None or entry[0] is not target:
        rule = registry.lookup(registry.operation_target(value))
        nondiff = None if rule is None or not rule.params else \
            set(rule.params) - set(rule.diff_params) - set(rule.no_derivative)
        entry = known[id(target)] = (target, rule, nondiff)
    _, rule, nondiff = entry
    if rule is not None and rule.nondifferentiable:
        return []
    if cls is gast.Call and nondiff is not None:
        # (ops.differentiable_reads: the arguments' names, but those of parameters
        # without a derivative; never the callee's name)
        params = rule.params
        reads = {arg.id for index, arg in enumerate(value.args)
                 if arg.__class__ is gast.Name
                 and (params[index] if index < len(params) else None) not in nondiff}
    else:
        reads = set(loads)
    return [({stmt.targets[0].id}, reads, reads)]


def _flows(stmt):
    """``ops.flows(stmt)``; for ``name = <operation of names and literals>``, the
    commonest statement, read off its operands (:func:`operand_loads`): its one target
    is the name, and the names its operation loads are its differentiable reads (a
    ``BinOp`` or ``UnaryOp`` is neither a write, an item read nor a call)."""
    if stmt.__class__ is gast.Assign:
        target = stmt.targets[0]
        if target.__class__ is gast.Name:
            loads = operand_loads(stmt.value)
            if loads is not None:
                reads = set(loads)
                return [({target.id}, reads, reads)]
    return ops.flows(stmt)


def operand_loads(value):
    """The names ``ops.names_in(value)`` gives (a list, maybe twice the same) when
    ``value`` is a ``BinOp`` or ``UnaryOp`` of names and literals, without a walk: its
    operands are all it holds besides its operator; None for any other expression."""
    cls = value.__class__
    if cls is gast.BinOp:
        operands = (value.left, value.right)
    elif cls is gast.UnaryOp:
        operands = (value.operand,)
    else:
        return None
    loads = []
    for atom in operands:
        kind = atom.__class__
        if kind is gast.Name and atom.annotation is None and atom.ctx.__class__ is gast.Load:
            loads.append(atom.id)
        elif kind is not gast.Constant:
            return None   # (a nested expression, or a name stored: the walk decides)
    return loads


def call_loads(value):
    """The names ``ops.names_in(value)`` gives (a list) when ``value`` is a call of a name
    or a dotted name (``np.tanh``) with names and literals for arguments, without
    keywords: the name the callee's spelling starts with, and the arguments' names;
    None for any other expression."""
    if value.__class__ is not gast.Call or value.keywords:
        return None
    func = value.func
    while func.__class__ is gast.Attribute:
        func = func.value
    loads = []
    for atom in (func, *value.args):
        kind = atom.__class__
        if kind is gast.Name and atom.annotation is None and atom.ctx.__class__ is gast.Load:
            loads.append(atom.id)
        elif kind is not gast.Constant or atom is func:
            return None   # (a nested expression, a name stored: the walk decides)
    return loads
