"""Tangents of containers, indexing and writes into arrays.

Reads: ``y = x[i]`` (:func:`subscript`), list/tuple/dict literals
(:func:`sequence`, :func:`mapping`), ``a, b = t`` (:func:`unpack`), ``+`` and
``*`` of lists and tuples (:func:`container_operation`).  Writes: ``x[i] = v``
and ``x[i] += v`` (:func:`store`), ``np.add.at(x, i, v)`` (:func:`add_at`): the
tangent array is written the same way, with the run-time checks of the write.

Each takes the sweep (its environment ``sweep.env`` and facts ``sweep.facts``),
appends the statements it makes to ``out`` and records tangents in the
environment.
"""

import copy

import gast

from ..analysis import kinds as kinds_
from ..errors import UnsupportedSyntaxError
from ..syntax import nodes
from .common import source_of
from .forward_values import Tangent, is_zero, zero


def subscript(sweep, name, value, out):
    """``name = base[index]``: the item's tangent, or the tangent indexed the same way."""
    env = sweep.env
    base = value.value
    t = env.tangents.get(base.id) if isinstance(base, gast.Name) else None
    if t is None or is_zero(t.expr):
        env.define(name, zero(), out)
        return
    index = value.slice
    kind = sweep.kind(base)
    if isinstance(index, gast.Constant) and index.value is Ellipsis \
            and not kinds_.is_container(kind) \
            or isinstance(index, gast.Tuple) and not index.elts and kind == kinds_.LEAF:
        # x[...], x[()]: every element of an array (of a 0-d one, whose tangent may be
        # a number, which takes no index): x's tangent
        env.define(name, copy.deepcopy(t.expr), out)
        return
    if t.items is not None and isinstance(index, gast.Constant) \
            and isinstance(index.value, int) and -len(t.items) <= index.value < len(t.items):
        env.alias(name, t.items[index.value])
        return
    env.define(name, nodes.subscript(copy.deepcopy(t.expr), copy.deepcopy(index)), out)


def sequence(sweep, name, value, out):
    """``name = [a, b]`` or ``(a, b)``: the literal of the items' tangents."""
    env = sweep.env
    items = []
    for elt in value.elts:
        t = env.tangents.get(elt.id) if isinstance(elt, gast.Name) else None
        if t is None or is_zero(t.expr):
            items.append(Tangent(zero(elt)))
        else:
            items.append(Tangent(t.expr, t.exact, t.items, False))
    if all(is_zero(i.expr) for i in items):
        env.define(name, zero(), out)
        return
    expr = type(value)(elts=[env.materialize(copy.deepcopy(i.expr)) for i in items],
                       ctx=gast.Load())
    env.define(name, expr, out, items=items)


def mapping(sweep, name, value, out):
    """``d = {'k': v, ...}``: the tangent is the dict of the values' tangents (a dict
    literal used to get no tangent at all, so ``d['k']`` read as a constant)."""
    env = sweep.env
    tangents = [env.tangent_of(v) for v in value.values]
    if all(is_zero(t) for t in tangents):
        env.define(name, zero(), out)
        return
    expr = gast.Dict(keys=[copy.deepcopy(k) for k in value.keys],
                     values=[env.materialize(t) for t in tangents])
    env.define(name, expr, out)


def unpack(sweep, stmt, out):
    """``a, b = t``: the items' tangents, or the tangent of ``t`` unpacked the same way."""
    env = sweep.env
    names = [e.id for e in stmt.targets[0].elts]
    source = stmt.value
    if not any(sweep.is_varied(stmt, n) for n in names):
        return
    t = env.tangents.get(source.id) if isinstance(source, gast.Name) else None
    if t is None or is_zero(t.expr):
        for n in names:
            env.set_zero(n)
        return
    if t.items is not None and len(t.items) == len(names):
        for n, item in zip(names, t.items):
            env.alias(n, item)
    else:
        tnames = [env.tangent_var(n) for n in names]
        for n, tn in zip(names, tnames):
            env.release(tn, n, out)
        out.append(nodes.assign(nodes.tuple_([nodes.name(n, store=True) for n in tnames],
                                             store=True), copy.deepcopy(t.expr)))
        for n, tn in zip(names, tnames):
            env.assigned(tn, n)
    for n in names:   # (an argument's new value a call gave it may hold no derivative)
        if not sweep.is_varied(stmt, n):
            env.set_zero(n)


def container_operation(sweep, name, value, out):
    """``a = b + c`` (a concatenation) and ``a = b * n`` (a repetition) of lists or
    tuples: the same operation on the tangents (a zero tangent is a container of
    zeros, so the items stay where they are), never an arithmetic rule."""
    env = sweep.env
    left, right = value.left, value.right
    if isinstance(value.op, gast.Add):
        parts = [env.materialize(env.tangent_of(a)) for a in (left, right)]
        env.define(name, gast.BinOp(left=parts[0], op=gast.Add(), right=parts[1]), out)
        return
    if not isinstance(value.op, gast.Mult):
        raise UnsupportedSyntaxError(
            f"{type(value.op).__name__} of lists or tuples has no derivative",
            sweep.parsed.location(value))
    seq = left if kinds_.is_sequence(sweep.kind(left)) else right \
        if kinds_.is_sequence(sweep.kind(right)) else \
        right if isinstance(left, gast.Constant) else left
    count = right if seq is left else left
    t = env.tangent_of(seq)
    if is_zero(t):
        env.define(name, zero(), out)
        return
    env.define(name, gast.BinOp(left=t, op=gast.Mult(), right=copy.deepcopy(count)), out)


def may_concatenate(sweep, name, value):
    """``a = b + c`` of unknown kind where ``b`` or ``c`` is a list or tuple and the other
    may be one (a parameter whose kind the code was not made for: the command line's
    module, ``s2sad.source``): a concatenation or numpy's sum, as the values decide."""
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add)) \
            or sweep.facts.kinds.get(name, kinds_.UNKNOWN) != kinds_.UNKNOWN:
        return False
    found = [sweep.kind(o) for o in (value.left, value.right)]
    return any(kinds_.is_sequence(k) for k in found) \
        and all(kinds_.is_sequence(k) or k == kinds_.UNKNOWN for k in found)


def unknown_sum(sweep, name, value, out):
    """``a = b + c`` that may concatenate (see :func:`may_concatenate`): the tangents
    added the same way, a zero one made real (``zeros_like`` of a list is a list of
    zeros), never dropped: ``[x] + xs`` keeps the places of ``xs``'s items, and numpy's
    sum gets its full shape."""
    env = sweep.env
    parts = [env.tangent_of(o) for o in (value.left, value.right)]
    if all(is_zero(t) for t in parts):
        env.define(name, zero(), out)
        return
    parts = [env.materialize(t) for t in parts]
    env.define(name, gast.BinOp(left=parts[0], op=gast.Add(), right=parts[1]), out)


def store(sweep, stmt, target, value, out, add):
    """``x[i] = v`` and ``x[i] += v``: the tangent array is written the same way."""
    env = sweep.env
    base = target.value
    if not isinstance(base, gast.Name):
        raise UnsupportedSyntaxError("forward mode can only write into a named array",
                                     sweep.location(stmt))
    v = env.tangent_of(value)
    current = env.tangents.get(base.id)
    checked = not is_zero(v)
    if is_zero(v) and (current is None or is_zero(current.expr)):
        return
    if is_zero(v) and add:
        return
    tname = owned_tangent(sweep, base.id, out)
    dest = nodes.subscript(nodes.name(tname), copy.deepcopy(target.slice), store=True)
    v = env.materialize(v)
    if checked:
        # an integer or bool array truncates what is written, and a real tangent array
        # drops the imaginary part of a complex tangent: both refused when the code runs
        if not isinstance(v, (gast.Name, gast.Constant)):
            held = env.namer.fresh(f"{base.id}_item_dot")
            out.append(nodes.assign(held, v))
            v = nodes.name(held)
        out.append(dtype_check(sweep, stmt, "ensure_real_target", [base], [v]))
    if add:
        out.append(gast.AugAssign(target=dest, op=gast.Add(), value=v))
    else:
        out.append(nodes.assign(dest, v))


def add_at(sweep, stmt, out):
    """``np.add.at(base, index, value)``: the same on the tangent of ``base``."""
    env = sweep.env
    base, index, value = stmt.value.args
    if not isinstance(base, gast.Name):
        raise UnsupportedSyntaxError("forward mode can only write into a named array",
                                     sweep.location(stmt))
    v = env.tangent_of(value)
    if is_zero(v):
        return
    tname = owned_tangent(sweep, base.id, out)
    out.append(nodes.expr_stmt(nodes.call(env.numpy("np.add.at"), [
        nodes.name(tname), copy.deepcopy(index), env.materialize(v)])))


def owned_tangent(sweep, base, out):
    """The name of an array holding ``base``'s tangent that may be written in place.

    ``base`` is varied (``analysis.forward_facts``: an array written with a varied
    value, or holding one, is); anything else is an internal error, never a
    silently constant tangent."""
    if base not in sweep.facts.varied:   # pragma: no cover - forward_activity's closure
        raise AssertionError(f"a tangent written into {base}, which is not varied")
    return sweep.env.owned_tangent(base, out)


def dtype_check(sweep, stmt, helper, args, extra=()):
    """``helper(*args, file, line, column, *extra)``: a run-time check of a write."""
    site = source_of(stmt)
    parsed = sweep.parsed
    where = (site.filename, site.line, site.column + 1) if site is not None else (
        parsed.filename, parsed.node.lineno, 1)
    return nodes.expr_stmt(nodes.call(
        sweep.env.helper(helper), [nodes.clone(a) for a in args]
        + [nodes.const(w) for w in where] + [nodes.clone(e) for e in extra]))
