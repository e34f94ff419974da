"""Where a value in generated code may come from: which arrays it may share memory with.

A generated derivative hands its results to the user, who may write into them
(``g *= scale``).  Each result must then be an array of its own: not one of the
user's arguments or cotangents, not a global, not another result.  This
analysis finds the results for which that is not certain, so the transform
can guard just those.

Input: the statements of a generated function (forward sweep, backward sweep,
a nested pullback's body: all of them at once; the analysis ignores their
order, so it holds on every path and every trip of a loop, but for the value a
name holds at the end), and ``allocates(call)``, a
predicate telling which calls always return a new object that holds no
argument (numpy's ufuncs, ``np.zeros``, the runtime's adjoint helpers...).

Output: :func:`origins` returns two functions of a name, ``of_name`` (the
origins of any value the name holds at any point) and ``at_end`` (of the value
it holds after the last statement), each a frozenset of places a value may
come from:

* ``"name:x"``: the object a name holds that the generated code does not
  assign (a parameter, a global), or the name's parameter value;
* ``"site:N"``: an object the ``N``-th assignment created;
* :data:`ANYWHERE`: a value the analysis cannot follow.

A value read back from the tape has the origins of every value pushed on it.

Two values whose origins are disjoint never share memory; values whose origins
meet may (views and pass-through helpers such as ``unbroadcast`` keep their
argument's origins).
"""

from dataclasses import dataclass
from typing import Callable

import gast

from ..syntax import anno, nodes

#: the origin of a value the analysis cannot follow: it may be anything
ANYWHERE = "?"

#: what a pass of ``_grow`` notes as read when a pop reads the tape (no name is this)
_TAPE = object()

#: calls that return their first argument or a view of it (the rest is fresh)
PASS_THROUGH = frozenset({"unbroadcast", "unbroadcast_to", "broadcast_like",
                          "transpose_bar", "concatenate_bar", "stack_bar",
                          "sequence_bar", "repeat_bar"})


def origins(stmts, params, allocates, is_function=lambda call: False):
    """``(of_name, at_end)``: ``name -> frozenset of origins`` for every name read
    or assigned in ``stmts`` (nested blocks and function bodies included).

    ``params`` are the parameters of the generated functions: names whose entry
    value the caller holds.  ``is_function(call)`` tells a call of a module's
    function (``np.reshape(g)``) from a method call, whose result may be the
    object itself (``g.reshape()``).
    """
    definitions, pushed = _definitions(stmts)
    top = {id(stmt) for stmt in stmts}
    params = set(params)
    found = {name: ({f"name:{name}"} if name in params else set()) for name in definitions}
    read = set()   # the names (and _TAPE) whose origins the current pass of _grow read

    def of_name(name):
        if name not in found:
            if name == "UNBOUND":   # s2sad's marker of an unbound name: never an array
                return frozenset()
            return frozenset({f"name:{name}"})   # not assigned here: a parameter or global
        read.add(name)
        return frozenset(found[name])

    tape = set()   # the origins of every value pushed, as far as known
    reading = _Reading(of_name, tape, allocates, is_function, read)
    _grow(definitions, pushed, found, tape, reading)

    def at_end(name):
        """The origins of the value ``name`` holds after the last statement."""
        defs = definitions.get(name, ())
        if defs and defs[-1][2] in top:   # the last assignment is not inside a block:
            site, value, _ = defs[-1]     # it alone reaches the end
            return frozenset(_of_expr(value, site, reading))
        return of_name(name)

    return of_name, at_end


@dataclass(frozen=True)
class _Reading:
    """What the origins of an expression are read from: ``of_name(name)`` (the
    origins found so far), ``tape`` (those of the values pushed so far: a live set),
    and the two predicates of :func:`origins`."""
    of_name: Callable
    tape: set
    allocates: Callable
    is_function: Callable
    read: set   # what was read (see ``_grow``)


def _grow(definitions, pushed, found, tape, reading):
    """Add to ``found`` (name -> origins) and ``tape`` the origins of every
    assignment and push until nothing grows.  A loop may carry a value from a later
    assignment to an earlier one: every assignment is gone over again (origins only
    ever grow, so this ends).  A pass in which nothing grew after the pass had read it
    (``reading.read``) read the final origins only: the next pass would add nothing,
    and is not made (straight-line code without a tape settles in one pass)."""
    read = reading.read
    changed = True
    while changed:
        read.clear()
        changed = False   # (something grew after this pass read it)
        for site, value in pushed:
            before = len(tape)
            tape.update(_of_expr(value, site, reading))
            changed = changed or (len(tape) != before and _TAPE in read)
        for name, defs in definitions.items():
            before = len(found[name])
            for site, value, _ in defs:
                found[name] |= _of_expr(value, site, reading)
            changed = changed or (len(found[name]) != before and name in read)


def _of_expr(expr, site, reading):
    """The origins (a new set) of the value of ``expr``, the value of the ``site``-th
    assignment, as far as ``reading`` knows them now."""
    if isinstance(expr, gast.Constant):
        return set()   # numbers and strings: immutable
    if isinstance(expr, gast.Name):
        return set(reading.of_name(expr.id))
    if isinstance(expr, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        return {f"site:{site}"}   # arithmetic makes a new array (or an immutable number)
    if isinstance(expr, gast.BoolOp):
        return set().union(*(_of_expr(v, site, reading) for v in expr.values))
    if isinstance(expr, gast.IfExp):
        return _of_expr(expr.body, site, reading) | _of_expr(expr.orelse, site, reading)
    if isinstance(expr, (gast.Subscript, gast.Attribute, gast.Starred)):
        return _of_expr(expr.value, site, reading)   # a view, an element or a field of it
    if isinstance(expr, (gast.Tuple, gast.List, gast.Set)):
        return set().union(set(), *(_of_expr(e, site, reading) for e in expr.elts))
    if isinstance(expr, gast.Dict):
        return set().union(set(), *(_of_expr(v, site, reading) for v in expr.values))
    if isinstance(expr, gast.Call):
        return _of_call(expr, site, reading)
    return {ANYWHERE}


def _of_call(call, site, reading):
    """The origins of a call's result: the tape's for a pop, a new object for a copy
    or an allocating call, else the new object and whatever its arguments (and a
    method's object) hold."""
    func = call.func
    if (isinstance(func, gast.Attribute) and func.attr == "pop" and not call.args) \
            or (isinstance(func, gast.Name) and func.id == "tape_pop"):
        reading.read.add(_TAPE)
        return set(reading.tape)   # whatever was saved
    if isinstance(func, gast.Attribute) and func.attr == "copy" and not call.args:
        return {f"site:{site}"}
    if reading.allocates(call):
        return {f"site:{site}"}
    if isinstance(func, gast.Name) and func.id in PASS_THROUGH and call.args:
        return {f"site:{site}"} | _of_expr(call.args[0], site, reading)
    found = {f"site:{site}"}
    if isinstance(func, gast.Attribute) and not reading.is_function(call):
        found |= _of_expr(func.value, site, reading)   # a method may return its object
    for arg in call.args:
        found |= _of_expr(arg, site, reading)
    for keyword in call.keywords:
        found |= _of_expr(keyword.value, site, reading)
    return found


def _definitions(stmts):
    """``name -> [(site, value, id of the statement), ...]``, every plain or tuple
    assignment to a name, in order; and ``[(site, value), ...]``, every value
    pushed on a tape.

    ``x op= e`` and ``x[i] = e`` are left out: they change the object ``x``
    holds (or rebind a number), never make ``x`` hold another array.
    """
    found, pushed = {}, []
    for site, stmt in enumerate(_statements(stmts)):
        for call in _calls(stmt):
            func = call.func
            if isinstance(func, gast.Attribute) and func.attr == "push" and call.args:
                pushed.append((site, call.args[0]))
            elif isinstance(func, gast.Name) and func.id == "tape_push" and len(call.args) > 1:
                pushed.append((site, call.args[1]))
        if isinstance(stmt, gast.Assign) and anno.get(stmt, anno.WRITES) is not None:
            _bind_written(stmt, site, found)
        elif isinstance(stmt, gast.Assign):
            for target in stmt.targets:
                _bind(target, stmt.value, (site, stmt), found)
        elif isinstance(stmt, gast.For):
            for node in nodes.names(stmt.target):   # elements of the iterable
                found.setdefault(node.id, []).append((site, stmt.iter, id(stmt)))
        elif isinstance(stmt, gast.FunctionDef):
            found.setdefault(stmt.name, []).append(
                (site, gast.Constant(value=None, kind=None), id(stmt)))
    return found, pushed


def _calls(stmt):
    """The calls a simple statement makes (a compound one's header only)."""
    if stmt.__class__ in _CALLING:
        value = stmt.value
        if value.__class__ in _OPERATIONS and stmt.__class__ is not gast.AugAssign \
                and all(t.__class__ is gast.Name for t in getattr(stmt, "targets", ())) \
                and all(part.__class__ in _ATOMS for part in _operands(value)):
            return []   # (t = a * b, return t: nothing calls)
        if value.__class__ is gast.Call and _flat_call(value) and (
                stmt.target.__class__ is gast.Name if stmt.__class__ is gast.AugAssign
                else all(t.__class__ is gast.Name for t in getattr(stmt, "targets", ()))):
            return [value]   # (t = f(a, k=b), f(a), return m.f(a): the one call)
        return [n for n in nodes.walk(stmt) if n.__class__ is gast.Call]
    return []


def _flat_call(call):
    """Whether ``call`` calls a name or a dotted name (``f``, ``np.linalg.norm``, ``t.pop``)
    with atoms only: no call inside it."""
    func = call.func
    while func.__class__ is gast.Attribute:
        func = func.value
    return func.__class__ is gast.Name \
        and all(arg.__class__ in _ATOMS for arg in call.args) \
        and all(keyword.value.__class__ in _ATOMS for keyword in call.keywords)


_CALLING = frozenset((gast.Assign, gast.Expr, gast.Return, gast.AugAssign))
_OPERATIONS = frozenset((gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp))
_ATOMS = frozenset((gast.Name, gast.Constant))


def _operands(value):
    """The operands of a name, a constant or an operator (the value itself for an atom)."""
    cls = value.__class__
    if cls is gast.BinOp:
        return (value.left, value.right)
    if cls is gast.UnaryOp:
        return (value.operand,)
    return (value,)


#: statements that hold no block of statements
_SIMPLE = frozenset((gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return,
                     gast.Pass, gast.Assert, gast.Break, gast.Continue, gast.Delete,
                     gast.Raise, gast.Global, gast.Nonlocal, gast.Import, gast.ImportFrom))


def _statements(body):
    """``nodes.statements(body)``, in its order, without looking for blocks in the
    statements that hold none."""
    found = []
    stack = list(reversed(body))
    while stack:
        node = stack.pop()
        if node.__class__ in _SIMPLE:
            found.append(node)
            continue
        if isinstance(node, gast.stmt):
            found.append(node)
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            block = getattr(node, field, None)
            if isinstance(block, list):
                stack.extend(reversed(block))
    return found


def _bind_written(stmt, site, found):
    """``y, r_1, c_1 = out``, the unpacking of a call writing into its arguments (see
    ``normalize.functionalize``): each new value ``r_1`` is an array of its own (the
    callee writes into a copy), the result ``y`` a new value or one of those its
    ``anno.WRITES`` names."""
    result, *new = stmt.targets[0].elts
    fresh = gast.BinOp(left=gast.Constant(value=0, kind=None), op=gast.Add(),
                       right=gast.Constant(value=0, kind=None))
    for position, elt in enumerate(new, 1):
        found.setdefault(elt.id, []).append((f"{site}.{position}", fresh, id(stmt)))
    held = gast.Tuple(elts=[nodes.name(n) for n in anno.get(stmt, anno.WRITES)[0]] + [fresh],
                      ctx=gast.Load())
    found.setdefault(result.id, []).append((site, held, id(stmt)))


def _bind(target, value, where, found):
    site, stmt = where
    if isinstance(target, gast.Name):
        found.setdefault(target.id, []).append((site, value, id(stmt)))
    elif isinstance(target, (gast.Tuple, gast.List)):
        for elt in target.elts:   # each target may hold any part of the value
            _bind(elt, value, where, found)
    elif isinstance(target, gast.Starred):
        _bind(target.value, value, where, found)
