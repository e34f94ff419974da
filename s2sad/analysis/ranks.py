"""Numbers the ranks of the arguments decide: plain data for the transforms.

The API knows, at a call, the rank (``ndim``) of each array argument and that a
Python or numpy scalar is one number (rank 0); ``ranks`` is ``{parameter:
rank}`` for the parameters whose rank the generated code is specialized on (see
``api.ranked``).  Without ranks (the CLI, a parameter of unknown rank) nothing
here finds anything, and the code is the general one.

``numbers(primal, ranks)``: the names that certainly hold one number because of
the ranks: a parameter of rank 0, and an item ``x[i]`` (``X[i, j]``...) of an
array of known rank with one integer index per axis.  An item with fewer
indices has a known rank again (``row = X[i]``, then ``row[j]``), and so has
the product ``np.dot(a, b)`` of names of known ranks (two vectors: one number;
an op declared ``dot_rank``, see ``rules.records.Facts``).  Integer
indices are ``integers(primal)``: counters of ``range`` loops, sizes, lengths,
integer literals and ``+ - * // %`` of those (a carried name when each of its
definitions is one).  Only names never bound again (parameters) or bound once
carry a rank.  ``shapes.known_scalars`` takes these numbers as its seeds.

``wanted(body, params)``: ``{parameter: ranks}``, the ranks of a parameter
that would make a number of something, and rank 0 for a parameter arithmetic in
a loop reads (the API asks for a parameter's rank at a call only where it
changes the code a loop runs, or where a product of vectors makes a number:
the reverse code then computes its adjoint directly, ``transform.reverse.resolved``,
and unbroadcasts nothing between the numbers; elsewhere the general code costs
the same).
"""

import builtins

import gast

from ..rules import registry
from ..syntax import anno, nodes
from .ops import assigned_in, flatten, with_loops
from .shapes import known_scalars

_INTEGER_OPS = (gast.Add, gast.Sub, gast.Mult, gast.FloorDiv, gast.Mod)
_MAX_RANK = 4


def _stored(stmts):
    """Names stored anywhere in ``stmts`` (statements or loop targets), reading only
    the targets of assignments (``ops.assigned_in`` walks whole statements)."""
    found = set()
    name_class, store = gast.Name, gast.Store
    for stmt in stmts:
        if stmt.__class__ is gast.Assign:
            targets = stmt.targets
            if len(targets) == 1 and targets[0].__class__ is name_class \
                    and targets[0].annotation is None:
                # (the commonest target, a lone name: all nodes.names finds in it)
                if targets[0].ctx.__class__ is store:
                    found.add(targets[0].id)
                continue
            found.update(n.id for n in nodes.names(stmt.targets)
                         if n.ctx.__class__ is gast.Store)
        else:
            found |= assigned_in([stmt])
    return found


def _definitions(simple):
    defs = {}
    for stmt in simple:
        if stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name:
            defs.setdefault(stmt.targets[0].id, []).append(stmt.value)
    return defs


def _over_range(loop):
    return isinstance(loop.target, gast.Name) and isinstance(loop.iter, gast.Call) \
        and anno.get(loop.iter, anno.CALLEE) is builtins.range


def _range_counters(primal):
    return {s.target.id for s in primal if isinstance(s, gast.For) and _over_range(s)}


def integers(primal):
    """Names certainly holding a Python or numpy integer (never a bool), in ``primal``
    (normalized simple statements and loop headers, ``ops.with_loops``)."""
    simple = [s for s in primal if not isinstance(s, (gast.For, gast.While))]
    defs = _definitions(simple)
    # bound otherwise than by ``name = value`` (unpacked...) or by a loop over anything
    bound_elsewhere = _stored([s for s in simple if not (
        isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name))])
    bound_elsewhere |= _stored([s.target for s in primal if isinstance(s, gast.For)
                                    and not _over_range(s)])
    counters = _range_counters(primal) - set(defs) - bound_elsewhere
    sizes = {n for n, vs in defs.items() if len(vs) == 1 and isinstance(vs[0], gast.Attribute)
             and vs[0].attr == "shape"} - bound_elsewhere
    firsts = [(s.targets[0].id, s.value) for s in simple if isinstance(s, gast.Assign)
              and isinstance(s.targets[0], gast.Name) and len(defs[s.targets[0].id]) == 1
              and s.targets[0].id not in bound_elsewhere]
    candidates = {n for n, vs in defs.items() if len(vs) > 1} - bound_elsewhere
    while True:   # (one pass in order for names bound once: linear in the body)
        known = counters | candidates
        for name, value in firsts:
            if _is_integer(value, known, sizes):
                known.add(name)
        bad = {n for n in candidates
               if not all(_is_integer(v, known, sizes) for v in defs[n])}
        if not bad:
            return known
        candidates -= bad


def _is_integer(value, known, sizes):
    if isinstance(value, gast.Constant):
        return type(value.value) is int
    if isinstance(value, gast.Name):
        return value.id in known
    if isinstance(value, gast.Attribute):
        return value.attr in ("ndim", "size")
    if isinstance(value, gast.Subscript):   # an item of a .shape
        return isinstance(value.value, gast.Name) and value.value.id in sizes \
            and isinstance(value.slice, gast.Constant) and type(value.slice.value) is int
    if isinstance(value, gast.BinOp):
        return isinstance(value.op, _INTEGER_OPS) and _is_integer(value.left, known, sizes) \
            and _is_integer(value.right, known, sizes)
    if isinstance(value, gast.UnaryOp):
        return isinstance(value.op, gast.USub) and _is_integer(value.operand, known, sizes)
    if isinstance(value, gast.Call):
        callee = anno.get(value, anno.CALLEE)
        return callee is builtins.len or (callee is builtins.int and len(value.args) == 1)
    return False


def _indices(index):
    """The items of an index (a tuple's, or the index alone)."""
    return list(index.elts) if isinstance(index, gast.Tuple) else [index]


def numbers(primal, ranks):
    """The names of ``primal`` certainly holding one number because of ``ranks``
    (see the module docstring); ``primal`` as for :func:`integers`."""
    return {n for n, r in known_ranks(primal, ranks).items() if r == 0}


def known_ranks(primal, ranks, reads=None):
    """``{name: rank}`` for the parameters of known rank never bound again, the
    items of them and the products of them (``np.dot``, see :func:`_product_rank`);
    ``reads``: :func:`_item_reads` of ``primal`` when already known."""
    if not ranks:
        return {}
    rebound, items, products = reads if reads is not None else _item_reads(primal)
    known = {p: r for p, r in ranks.items() if p not in rebound and r is not None}
    for _ in range(len(items) + len(products) + 1):   # X[i] has a rank, then X_item[j]...
        grew = False
        for name, base, count in items:
            rank = known.get(base)
            if rank is not None and name not in known and count <= rank:
                known[name] = rank - count
                grew = True
        for name, a, b in products:
            rank = _product_rank(known.get(a), known.get(b))
            if rank is not None and name not in known:
                known[name] = rank
                grew = True
        if not grew:
            break
    return known


def _product_rank(a, b):
    """The rank of ``np.dot`` of arguments of ranks ``a`` and ``b`` (None: unknown)."""
    if a is None or b is None:
        return None
    if a == 0 or b == 0:
        return a + b   # (a number times an array, elementwise)
    return a + b - 2


def _item_reads(primal, stored=None):
    """(the names bound again, or by a loop; ``[(name, base, number of indices)]`` of
    the names bound once to an item of a name at integer indices; ``[(name, a, b)]``
    of the names bound once to ``np.dot(a, b)`` of two names).  ``stored``:
    :func:`_stored` of the statements of ``primal`` but loops, when known."""
    simple = [s for s in primal if s.__class__ is not gast.For and s.__class__ is not gast.While]
    if stored is None:
        stored = _stored(simple)
    rebound = stored | {s.target.id for s in primal if s.__class__ is gast.For
                        and isinstance(s.target, gast.Name)}
    defs = _definitions(simple)
    ints = None
    items, products = [], []
    for name, values in defs.items():
        value = values[0]
        if len(values) != 1:
            continue
        if value.__class__ is gast.Call:
            if _is_product(value):
                products.append((name, value.args[0].id, value.args[1].id))
            continue
        if value.__class__ is not gast.Subscript or value.value.__class__ is not gast.Name:
            continue
        ints = integers(primal) if ints is None else ints
        indices = _indices(value.slice)
        if all(isinstance(i, gast.Name) and i.id in ints
               or isinstance(i, gast.Constant) and type(i.value) is int for i in indices):
            items.append((name, value.value.id, len(indices)))
    return rebound, items, products


def _is_product(call):
    """``np.dot(a, b)`` of two names (an op declared ``dot_rank``), nothing else passed."""
    return len(call.args) == 2 and not call.keywords \
        and all(a.__class__ is gast.Name for a in call.args) \
        and registry.facts(anno.get(call, anno.CALLEE)).dot_rank


def wanted(body, params):
    """``{parameter: frozenset of ranks}``: the ranks of each parameter of ``params``
    with which :func:`numbers` finds a number other than the parameter itself (an
    item, or the product of two vectors: rank 1 for both), and rank 0 for a
    parameter arithmetic in a loop reads (a number there spares an ``unbroadcast``
    per step) or that arithmetic combines with such a number (``np.dot(x, w) - y``:
    the difference is one number when ``y`` is).  ``body``: a normalized body
    without its return."""
    primal = list(with_loops(body))
    simple = [s for s in primal if not isinstance(s, (gast.For, gast.While))]
    looped = [s for loop in primal if isinstance(loop, (gast.For, gast.While))
              for s in flatten(loop.body)]
    operands = set()
    for stmt in looped:
        operands |= _operands(stmt)
    rebound = _stored(simple)
    reads = _item_reads(primal, rebound)   # (the same statements: stored read once)
    indexed = {base for _, base, _ in reads[1]}
    found = {}
    for p in params:
        if p in rebound:
            continue
        ranks = {r for r in range(1, _MAX_RANK + 1) if p in indexed and any(
            k == 0 for n, k in known_ranks(primal, {p: r}, reads).items() if n != p)}
        if p in operands:
            ranks.add(0)
        if ranks:
            found[p] = set(ranks)
    vectors = {p: 1 for _, a, b in reads[2] for p in (a, b)
               if p in params and p not in rebound}
    for p in vectors:
        found.setdefault(p, set()).add(1)
    if vectors:
        _partners(primal, [p for p in params if p not in rebound], vectors, reads, found)
    return {p: frozenset(r) for p, r in found.items()}


def _operands(stmt):
    """The names a statement's arithmetic (a binary or unary operation) reads."""
    value = stmt.value if isinstance(stmt, gast.Assign) else None
    if isinstance(value, gast.BinOp):
        return {a.id for a in (value.left, value.right) if isinstance(a, gast.Name)}
    if isinstance(value, gast.UnaryOp) and isinstance(value.operand, gast.Name):
        return {value.operand.id}
    return set()


def _partners(primal, params, given, reads, found):
    """Add rank 0 to ``found`` for each parameter of ``params`` that arithmetic combines
    with a name that is one number when the parameters ``given`` have their ranks
    (and each partner found so far is a number: ``shapes.known_scalars``), until no
    more are found."""
    ranks = dict(given)
    simple = [s for s in primal if not isinstance(s, (gast.For, gast.While))]
    while True:
        numbers_ = known_scalars(primal, seeds={
            n for n, r in known_ranks(primal, ranks, reads).items() if r == 0})
        new = set()
        for stmt in simple:
            names = _operands(stmt)
            if names & numbers_:
                new |= {n for n in names if n in params and n not in ranks}
        if not new:
            return
        for p in new:
            ranks[p] = 0
            found.setdefault(p, set()).add(0)


_REAL_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.FloorDiv, gast.Mod)


def real_numbers(primal, ranks):
    """The names of ``primal`` certainly holding one real number (never complex, never
    an array) because of ``ranks``: the :func:`numbers` the ranks give (parameters,
    items of real arrays, products of real vectors: the API gives ranks only to real
    values, ``api.ranked.rank_of``) and the names bound once to ``+ - * / // %`` of
    such numbers and int or float literals, to their negation, or to one raised to an
    integer literal (a negative Python float to the power 0.5 is complex).  A
    gradient's output among them needs no ``ensure_scalar_output``."""
    simple = [s for s in primal if not isinstance(s, (gast.For, gast.While))]
    defs = _definitions(simple)
    elsewhere = _stored([s for s in simple if not (
        isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name))])
    elsewhere |= {s.target.id for s in primal if isinstance(s, gast.For)
                  and isinstance(s.target, gast.Name)}
    known = numbers(primal, ranks)
    for name, values in defs.items():   # (in source order: operands are defined first)
        if len(values) == 1 and name not in elsewhere and name not in known \
                and _is_real(values[0], known):
            known.add(name)
    return known


def _is_real(value, known):
    if isinstance(value, gast.Name):
        return value.id in known
    if isinstance(value, gast.Constant):
        return type(value.value) in (int, float)
    if isinstance(value, gast.UnaryOp):
        return isinstance(value.op, (gast.USub, gast.UAdd)) and _is_real(value.operand, known)
    if isinstance(value, gast.BinOp):
        if isinstance(value.op, gast.Pow):
            return _is_real(value.left, known) and isinstance(value.right, gast.Constant) \
                and type(value.right.value) is int
        return isinstance(value.op, _REAL_OPS) and _is_real(value.left, known) \
            and _is_real(value.right, known)
    return False
