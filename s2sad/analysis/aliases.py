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

#: what ``_of_expr`` notes as read when a pop reads the tape (no name is this)
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

    The origins are the least solution of one equation per name (the union over its
    assignments) and one for the tape (the union over the values pushed).  They are
    worked out on demand (:class:`_Solver`): a name asked for brings in the names its
    assignments read, and those theirs; the tape and the values pushed on it come in
    when a pop is read.  The part brought in is closed (an equation of it reads
    nothing outside it), so its least solution is the whole system's, restricted to
    it: the answers are those of solving for every name, at a fraction of the cost
    where the results read few names (a gradient's sums and products read none).
    """
    statements = statements_in(stmts)
    definitions = _definitions(statements)
    top = {id(stmt) for stmt in stmts}
    solver = _Solver(statements, definitions, set(params), allocates, is_function)

    def of_name(name):
        if name not in definitions:
            return _unassigned(name)
        solver.demand([], [name])
        return frozenset(solver.found[name])

    def at_end(name):
        """The origins of the value ``name`` holds after the last statement."""
        defs = definitions.get(name, ())
        if defs and defs[-1][2] in top:   # the last assignment is not inside a block:
            site, value, _ = defs[-1]     # it alone reaches the end
            solver.demand([(site, value)], [])
            return frozenset(_of_expr(value, site, solver.reading))
        return of_name(name)

    return of_name, at_end


def _unassigned(name):
    """The origins of a name the statements never assign."""
    if name == "UNBOUND":   # s2sad's marker of an unbound name: never an array
        return frozenset()
    return frozenset({f"name:{name}"})   # not assigned here: a parameter or global


class _Solver:
    """The origins of the names asked for so far and of every name they read (see
    :func:`origins`): ``found`` (name -> origins) holds the names brought in, solved."""

    def __init__(self, statements, definitions, params, allocates, is_function):
        self.statements = statements
        self.definitions = definitions
        self.params = params
        self.found = {}       # name -> its origins (the names brought in)
        self.tape = set()     # the origins of every value pushed, as far as known
        self.pushed = None    # [(site, value pushed)], once a pop is read
        self.rank = None      # name -> the position of its first assignment
        # (both readers are closures over what they read, never over the solver: no
        # reference cycle holds the trees, which reference counting frees at once)
        found, read, probed = self.found, set(), set()

        def of_name(name):   # as the equations read it: the origins found so far
            if name not in definitions:
                return _unassigned(name)
            read.add(name)
            return frozenset(found[name])

        def probe(name):   # what an expression reads, found with no origins known
            if name in definitions:
                probed.add(name)
            return frozenset()

        self.reading = _Reading(of_name, self.tape, allocates, is_function, read)
        self.probe = _Reading(probe, set(), allocates, is_function, probed)

    def demand(self, values, names):
        """Bring in ``names`` and the names ``values`` (``[(site, expression)]``) read,
        with every name (and the tape) they read in turn; solve what was brought in.
        What an expression reads does not depend on the origins: it is found with
        none known (:attr:`probe`), and the names brought in are solved together."""
        todo, new = list(values), False
        for name in names:
            if name not in self.found:
                todo.extend(self._bring(name))
                new = True
        probe = self.probe
        while todo:
            site, value = todo.pop()
            probe.read.clear()
            _of_expr(value, site, probe)
            for name in list(probe.read):
                if name is _TAPE:
                    if self.pushed is None:   # every value pushed, and what it reads
                        self.pushed = _pushes(self.statements)
                        todo.extend(self.pushed)
                        new = True
                elif name not in self.found:
                    todo.extend(self._bring(name))
                    new = True
        if new:
            self.solve()

    def _bring(self, name):
        """Bring ``name`` in; its assignments, ``[(site, value)]``, to read."""
        self.found[name] = {f"name:{name}"} if name in self.params else set()
        return [(site, value) for site, value, _ in self.definitions[name]]

    def solve(self):
        """Go over the equations brought in (in the order of the names' first
        assignments) until nothing grows (origins only ever grow, so this ends).  A
        pass in which nothing grew after the pass had read it read the final origins
        only: the next pass would add nothing (straight-line code without a tape
        settles in one pass)."""
        reading, found, tape = self.reading, self.found, self.tape
        read = reading.read
        if self.rank is None:   # (the order of the names' first assignments)
            self.rank = {name: k for k, name in enumerate(self.definitions)}
        order = [(name, found[name], self.definitions[name])
                 for name in sorted(found, key=self.rank.__getitem__)]
        changed = True
        while changed:
            read.clear()
            changed = False   # (something grew after this pass read it)
            for site, value in self.pushed or ():
                before = len(tape)
                tape.update(_of_expr(value, site, reading))
                changed = changed or (len(tape) != before and _TAPE in read)
            for name, mine, defs in order:
                before = len(mine)
                for site, value, _ in defs:
                    mine |= _of_expr(value, site, reading)
                changed = changed or (len(mine) != before and name in read)


@dataclass(frozen=True)
class _Reading:
    """What the origins of an expression are read from: ``of_name(name)`` (the
    origins found so far), ``tape`` (those of the values pushed so far: a live set),
    and the two predicates of :func:`origins`."""
    of_name: Callable
    tape: set
    allocates: Callable
    is_function: Callable
    read: set   # what was read (see ``_Solver.solve``)


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


def _definitions(statements):
    """``name -> [(site, value, id of the statement), ...]``: every plain or tuple
    assignment to a name among ``statements`` (``statements_in`` the body: the
    ``site``-th is the site of its assignments), in order.

    ``x op= e`` and ``x[i] = e`` are left out: they change the object ``x``
    holds (or rebind a number), never make ``x`` hold another array.
    """
    found = {}
    assign_class, name_class, writes = gast.Assign, gast.Name, anno.WRITES
    for site, stmt in enumerate(statements):
        if stmt.__class__ is assign_class and getattr(stmt, writes, None) is None:
            targets = stmt.targets
            if len(targets) == 1 and targets[0].__class__ is name_class:
                # (the commonest statement: what _bind does for a name)
                found.setdefault(targets[0].id, []).append((site, stmt.value, id(stmt)))
                continue
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
    return found


def _pushes(statements):
    """``[(site, value), ...]``: every value pushed on a tape among ``statements``."""
    pushed = []
    for site, stmt in enumerate(statements):
        for call in _calls(stmt):
            func = call.func
            if isinstance(func, gast.Attribute) and func.attr == "push" and call.args:
                pushed.append((site, call.args[0]))
            elif isinstance(func, gast.Name) and func.id == "tape_push" and len(call.args) > 1:
                pushed.append((site, call.args[1]))
    return pushed


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


def statements_in(body):
    """``nodes.statements(body)`` (every statement of the list ``body``, nested blocks
    included, in source order), without looking for blocks in the statements that hold
    none."""
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
