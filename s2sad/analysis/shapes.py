"""Shape facts that hold whatever the inputs: plain data for the transforms.

``known_scalars(stmts)`` names values that are certainly single numbers (sizes,
lengths, range() counters, reductions and arithmetic on them; the one analysis
of this fact, for both transforms); ``shape_classes(stmts,
scalars)`` gives a predicate telling which names certainly share a shape.
The reverse transform uses both to leave out ``unbroadcast`` where nothing can
have been broadcast.  Input: normalized simple statements (and loop headers).
"""

import builtins

import gast

from ..rules import registry
from ..syntax import anno, nodes
from .ops import targets


def definitions(simple):
    """``(once, defs, assigned)`` of the simple statements ``simple``, in one pass: the
    names assigned by exactly one statement (only they have one shape to speak of: a
    loop-carried name may change its shape from one trip to the next), ``{name: [the
    value of each assignment to the name alone, in order]}``, and every name a target
    of an assignment holds (stored or not: ``x`` and ``i`` of ``x[i] = v``).  What
    :func:`known_scalars` and :func:`shape_classes` read, found once for both when they
    read the same statements."""
    counts, defs, assigned = {}, {}, set()
    name_class, store = gast.Name, gast.Store
    for stmt in simple:
        if stmt.__class__ is not gast.Assign:   # (gast's classes have no subclasses)
            continue
        first = stmt.targets[0]
        if first.__class__ is name_class:
            defs.setdefault(first.id, []).append(stmt.value)
        for target in stmt.targets:
            if target.__class__ is name_class and target.annotation is None:
                assigned.add(target.id)
                if target.ctx.__class__ is store:   # (a name alone: its own store)
                    counts[target.id] = counts.get(target.id, 0) + 1
                continue
            for node in nodes.names(target):
                assigned.add(node.id)
                if isinstance(node.ctx, store):
                    counts[node.id] = counts.get(node.id, 0) + 1
    return {n for n, c in counts.items() if c == 1}, defs, assigned


def _reduces_to_scalar(value):
    """``np.sum(x)`` and friends (an op whose rule declares a ``reduction``) without
    ``axis`` or ``keepdims``: one number."""
    callee = anno.get(value, anno.CALLEE)
    if callee is builtins.len or callee is builtins.float:
        return True
    return (registry.reduction(callee) is not None and len(value.args) == 1
            and not value.keywords)


def known_scalars(primal, derived=True, seeds=(), found=None):
    """Names that certainly hold a single number (shape ``()``).

    Input: normalized simple statements and loop headers, in source order
    (``ops.with_loops(body)``).  Output: a set of names.

    Always: sizes (``.ndim``, ``.size``, items of a ``.shape``), lengths
    (``len``) and arithmetic on those, for names defined once, and the counters
    of ``for`` loops.  With ``derived`` (the reverse transform) also: whole-array
    reductions and ``float()``, unary operations, constants, arithmetic on loop
    counters, and carried names
    (accumulators) every one of whose definitions is such a number.  The
    forward transform asks for the narrower set (``derived=False``): its code
    checks ``x *= v`` on every other name, and its tangents are broadcast to
    their primal's shape unless all other operands are counters or sizes.
    ``seeds``: names known to hold one number besides (``ranks.numbers``).
    ``found``: :func:`definitions` of the simple statements of ``primal``, when known
    (read by the derived set only).
    """
    simple = [s for s in primal if not isinstance(s, (gast.For, gast.While))]
    if derived:   # (the names written into count for the narrower set only)
        once, defs, _ = definitions(simple) if found is None else found
        shape_names = shapes_of(simple)
        loop_targets = _counters(primal, derived, ())
    else:
        written = _written_counts(simple)
        once = {n for n, c in written.items() if c == 1}
        defs = {}
        for stmt in simple:
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                defs.setdefault(stmt.targets[0].id, []).append(stmt.value)
        shape_names = shapes_of(simple) & once
        loop_targets = _counters(primal, derived, set(defs) | written.keys())
    candidates = {n for n in defs if n not in once} if derived else set()
    singles = [n for n in defs if n in once]   # (in the order of their statements)
    if not derived and not seeds and not _any_number_alone(singles, defs, shape_names):
        return loop_targets   # (the narrower set grows from those: none, nothing joins)
    holds = set.__contains__   # (asks ``known`` without noting a miss)
    while True:
        # (the narrower coverage counts a counter itself, not arithmetic on it)
        known = _Asked((set(loop_targets) if derived else set()) | candidates | set(seeds))
        # single definitions, swept in source order until none joins: a sweep reaches
        # what depends on the names it found before (``known`` only grows, so this is
        # the least fixed point).  A sweep all of whose answers would stand in the next
        # one (no name joined after the sweep had asked for it and missed it: _is_number
        # reads nothing else that changes) ends it: straight-line code takes one sweep
        grew = True
        while grew:
            known.missed.clear()
            joined = []
            for n in singles:
                if not holds(known, n) and _is_number(defs[n][0], known, shape_names,
                                                      derived, True):
                    known.add(n)
                    joined.append(n)
            grew = any(n in known.missed for n in joined)
        bad = {n for n in candidates if not all(
            _is_number(v, known, shape_names, derived, True) for v in defs[n])}
        if not bad:
            return set(known) | loop_targets | set(seeds)
        candidates -= bad


class _Asked(set):
    """A set that notes each item it was asked for and did not hold (``missed``)."""

    def __init__(self, items=()):
        super().__init__(items)
        self.missed = set()

    def __contains__(self, item):
        if set.__contains__(self, item):
            return True
        self.missed.add(item)
        return False


def _is_number(value, known, shape_names, derived, whole):
    """Whether the expression ``value`` is certainly one number, given the names
    ``known`` to be numbers (``whole``: ``value`` is a definition's whole value,
    else an operand of arithmetic)."""
    cls = value.__class__   # (gast's classes have no subclasses)
    if cls is gast.Name:   # (a copy defines no counter unless derived)
        return value.id in known and (derived or not whole)
    if cls is gast.Constant:
        if not derived:   # any literal operand; a literal alone defines no counter
            return not whole
        return type(value.value) in (int, float, bool)
    if cls is gast.BinOp:
        return _is_number(value.left, known, shape_names, derived, False) \
            and _is_number(value.right, known, shape_names, derived, False)
    if cls is gast.Attribute:
        return value.attr in ("ndim", "size")
    if cls is gast.Subscript:
        return isinstance(value.value, gast.Name) and value.value.id in shape_names \
            and isinstance(value.slice, gast.Constant)
    if cls is gast.UnaryOp:
        return derived and _is_number(value.operand, known, shape_names, derived, False)
    if cls is gast.Call:
        if not derived:
            return getattr(anno.get(value, anno.CALLEE), "__name__", "") == "len"
        return _reduces_to_scalar(value) or _elementwise_of_numbers(value, known, shape_names)
    return False


def _elementwise_of_numbers(value, known, shape_names):
    """A ufunc (``np.sin``, ``np.maximum``) or a ``math`` function of numbers: a number."""
    callee = anno.get(value, anno.CALLEE)
    if value.keywords or not value.args:
        return False
    if getattr(callee, "nin", None) == len(value.args) and getattr(callee, "nout", 0) == 1:
        pass
    elif getattr(callee, "__module__", None) != "math":
        return False
    return all(_is_number(a, known, shape_names, True, False) for a in value.args)


def _counters(primal, derived, assigned):
    """The targets of the ``for`` loops among ``primal`` (only of ``range`` loops whose
    target nothing else in ``assigned`` binds, unless ``derived``)."""
    return {s.target.id for s in primal if isinstance(s, gast.For)
            and isinstance(s.target, gast.Name)
            and (derived or isinstance(s.iter, gast.Call) and isinstance(s.iter.func, gast.Name)
                 and s.iter.func.id == "range" and s.target.id not in assigned)}


def _written_counts(stmts):
    """``{name: how many statements of stmts bind or write into it (ops.targets)}``."""
    counts = {}
    for stmt in stmts:
        for t in targets(stmt):
            counts[t] = counts.get(t, 0) + 1
    return counts


def _any_number_alone(singles, defs, shape_names):
    """Whether the single definition ``defs[n][0]`` of a name of ``singles`` is a number
    with no name known to be one (``_is_number(value, set(), shape_names, False, True)``),
    what the narrower set of :func:`known_scalars` grows from; the commonest definitions,
    an operation reading a name, a name, a literal or a unary operation (neither defines
    a counter there), are passed over without a call."""
    binop, skipped, name = gast.BinOp, (gast.Name, gast.Constant, gast.UnaryOp), gast.Name
    for n in singles:
        value = defs[n][0]
        cls = value.__class__
        if cls is binop:
            if value.left.__class__ is name or value.right.__class__ is name:
                continue
        elif cls in skipped:
            continue
        if _is_number(value, frozenset(), shape_names, False, True):
            return True
    return False


def shapes_of(primal):
    return {stmt.targets[0].id for stmt in primal
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Attribute) and stmt.value.attr == "shape"}


def shape_classes(simple, scalars, found=None):
    """A predicate ``same(a, b)``: names certain to have equal shapes.

    Elementwise functions of one array (ufuncs with one input) and arithmetic
    with a literal or a Python scalar keep their operand's shape; so does
    arithmetic between two names already known to share a shape, and a plain
    copy.  Everything else starts a class of its own.

    A name assigned several times (a loop-carried name) is trusted by
    induction: its first value has some shape, and if every later assignment
    provably keeps the shape the name has, every value has that shape.  Names
    for which that cannot be shown are left out, and the classes computed again.
    ``found``: :func:`definitions` of ``simple``, when known.
    """
    once, defs, assigned = definitions(simple) if found is None else found
    candidates = {n for n in defs if n not in once}
    while True:
        find, same_as_name = _classes(simple, scalars, once | candidates, assigned, defs,
                                      candidates)
        broken = {c for c in candidates
                  if not all(same_as_name(c, value) for value in defs[c][1:])}
        if not broken:
            return lambda a, b: a == b or find(a) == find(b)
        candidates -= broken


def _classes(simple, scalars, trusted, assigned, defs, carried):
    """Union-find over ``simple`` using only ``trusted`` names (and never-assigned inputs);
    a carried name is joined with its first value only."""
    parent = {}

    def find(n):
        while parent.get(n, n) != n:
            n = parent[n]
        return n

    def union(a, b):
        parent[find(a)] = find(b)

    def scalar_like(atom):
        cls = atom.__class__   # (gast's classes have no subclasses)
        return cls is gast.Constant or (cls is gast.Name and atom.id in scalars)

    def operands_of(value):
        cls = value.__class__
        if cls is gast.BinOp:
            return None if value.op.__class__ is gast.MatMult else [value.left, value.right]
        if cls is gast.Name:
            return [value]
        if cls is gast.UnaryOp:
            return [value.operand]
        if cls is gast.Call and len(value.args) == 1 and not value.keywords \
                and getattr(getattr(value, anno.CALLEE, None), "nin", None) == 1:
            return [value.args[0]]
        return None

    def shape_root(value):
        """The class a value's shape is that of, or None when unknown."""
        operands = operands_of(value)
        if operands is None:
            return None
        arrays = [a for a in operands if not scalar_like(a)]
        # (a usable name: trusted, or never assigned)
        if not arrays or not all(a.__class__ is gast.Name and (
                a.id in trusted or a.id not in assigned) for a in arrays):
            return None
        roots = {find(a.id) for a in arrays}
        return roots.pop() if len(roots) == 1 else None

    seen_first = set()
    for stmt in simple:
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
            continue
        name = stmt.targets[0].id
        if name not in trusted:
            continue
        if name in carried:
            if name in seen_first:
                continue            # later values: checked, not joined
            seen_first.add(name)
        root = shape_root(stmt.value)
        if root is not None:
            union(name, root)

    def same_as_name(name, value):
        if scalar_like(value):
            return name in scalars
        root = shape_root(value)
        return root is not None and root == find(name)

    return find, same_as_name
