"""Adjoints of ``np.einsum`` and the products written with it (``np.tensordot``,
``np.inner``), of ``np.kron`` and ``np.cross``.

``np.einsum`` takes any number of operands: its rules pass them as ``op0``...
``op7`` (:data:`MAX_OPERANDS`; the unused ones are ``None``).  The adjoint of operand
``k`` is :func:`einsum_bar`, which receives operand ``k`` by its *shape* only (a
tuple in its place), so its tangent rule, multilinear in the adjoint and the other
operands, has no term for operand ``k``.
"""

import functools
import string
from collections import Counter

from .numpy_view import np
from .duck import as_array, filled, is_duck

from ..errors import NoDerivativeRuleError
from ..rules.records import fact, tangent_beside
from .shapes import unbroadcast_to

#: the most operands a differentiated ``np.einsum`` call may take
MAX_OPERANDS = 8
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _subscripts(subscripts):
    """``subscripts`` checked to be a subscripts string (not the interleaved form
    ``np.einsum(a, [0, 1], b, [1])``), without spaces."""
    if not isinstance(subscripts, str):
        raise NoDerivativeRuleError(
            "np.einsum is differentiated only when called with a subscripts string first "
            "(np.einsum('ij,jk->ik', a, b)), not in its interleaved form "
            "np.einsum(a, [0, 1], b, [1, 2])",
            hint="write the subscripts as a string")
    return subscripts.replace(" ", "")


@functools.lru_cache(maxsize=1024)
def einsum_plan(subscripts, ndims):
    """``(input specs, output spec)`` of ``subscripts`` for operands of ``ndims``
    dimensions: ``...`` spelled with letters of its own (right-aligned, as numpy
    broadcasts it), and an implicit output made explicit (the broadcast axes, then the
    letters that appear once, in numpy's order)."""
    if "->" in subscripts:
        ins, out = subscripts.split("->")
    else:
        ins, out = subscripts, None
    specs = ins.split(",")
    if len(specs) != len(ndims):
        raise ValueError(f"np.einsum: {len(specs)} operand subscripts for {len(ndims)} operands")
    used = set(subscripts)
    free = [c for c in _LETTERS if c not in used]
    width = max([nd - (len(s) - 3) for s, nd in zip(specs, ndims) if "..." in s] or [0])
    spelled = "".join(free[:width])
    explicit = []
    for spec, nd in zip(specs, ndims):
        if "..." in spec:
            n = nd - (len(spec) - 3)
            spec = spec.replace("...", spelled[width - n:] if n else "")
        explicit.append(spec)
    if out is None:
        counts = Counter("".join(specs).replace(".", ""))
        out = spelled + "".join(sorted(c for c, n in counts.items() if n == 1))
    else:
        out = out.replace("...", spelled)
    return tuple(explicit), out


@functools.lru_cache(maxsize=1024)
def _counted(subscripts):
    """``subscripts`` without spaces, and how many operands it names."""
    subscripts = subscripts.replace(" ", "")
    return subscripts, subscripts.split("->")[0].count(",") + 1


def _parse(subscripts):
    """The subscripts of an einsum call, checked, and the number of its operands."""
    subscripts, count = _counted(_subscripts(subscripts))
    if count > MAX_OPERANDS:
        raise NoDerivativeRuleError(
            f"np.einsum is differentiated with at most {MAX_OPERANDS} operands; this call "
            f"has {count}", hint="split the contraction into several np.einsum calls")
    return subscripts, count


def _shape(x):
    return x.shape if x.__class__ is np.ndarray else np.shape(x)


def _sizes(specs, shapes):
    """letter -> its size: the largest among its axes in ``specs`` of ``shapes``."""
    size = {}
    for spec, shape in zip(specs, shapes):
        for c, n in zip(spec, shape):
            size[c] = max(size.get(c, 1), n)
    return size


@functools.lru_cache(maxsize=1024)
def _bar_plan(subscripts, k, shapes):
    """How :func:`einsum_bar` computes the adjoint of operand ``k`` of operands of
    ``shapes``: the contraction's subscripts, then the axes to sum (operand ``k``
    broadcast along them), the shape to reshape to (axes only operand ``k`` has), the
    shape to broadcast to, and the subscripts of the diagonal view to write into
    (operand ``k`` repeats an index); None where there is nothing to do."""
    specs, out = einsum_plan(subscripts, tuple(len(s) for s in shapes))
    own, shape = specs[k], shapes[k]
    others = [i for i in range(len(shapes)) if i != k]
    unique = "".join(dict.fromkeys(own))
    seen = set(out).union(*[specs[i] for i in others])
    kept = "".join(c for c in unique if c in seen)
    spec = ",".join([out] + [specs[i] for i in others]) + "->" + kept
    everywhere = _sizes(specs, shapes)
    elsewhere = _sizes([specs[i] for i in others], [shapes[i] for i in others])
    got = [everywhere[c] if c in out else elsewhere[c] for c in kept]
    mine = {c: shape[own.index(c)] for c in unique}
    summed = tuple(i for i, c in enumerate(kept) if mine[c] == 1 and got[i] != 1)
    got = [1 if i in summed else n for i, n in enumerate(got)]
    mid = None
    if kept != unique:   # axes only operand k has: the same value all along them
        mid = tuple(got[kept.index(c)] if c in kept else 1 for c in unique)
    target = tuple(mine[c] for c in unique)
    broadcast = target if tuple(mid or got) != target else None
    diagonal = own + "->" + unique if unique != own else None
    return spec, summed or None, mid, broadcast, diagonal, not others, len(others) > 1


def _on_diagonal(r, diagonal, shape):
    """Zeros of ``shape`` with ``r`` on the diagonal ``diagonal`` (``"iij->ij"``: the
    positions of a repeated index), as an einsum of ``r`` with identity matrices, one per
    repeat (lazy on Dask)."""
    own, unique = diagonal.split("->")
    fresh = iter(c for c in string.ascii_letters if c not in own)
    spelled, pairs, eyes = [], [], []
    for position, c in enumerate(own):
        if c in own[:position]:
            d = next(fresh)
            spelled.append(d)
            pairs.append(c + d)
            eyes.append(np.eye(shape[position]))
        else:
            spelled.append(c)
    spec = ",".join([unique] + pairs) + "->" + "".join(spelled)
    return np.einsum(spec, r, *eyes).astype(np.result_type(r.dtype, float))


@fact(allocates=True)
def einsum_bar(g, subscripts, k, op0=None, op1=None, op2=None, op3=None, op4=None,
               op5=None, op6=None, op7=None, optimize=False):
    """Adjoint of ``np.einsum(subscripts, op0, op1...)`` with respect to operand ``k``,
    which is passed as its shape (a tuple): an einsum of ``g`` with the other operands,
    put on the diagonal where operand ``k`` repeats an index, spread along the axes
    only operand ``k`` has, and summed along the axes it broadcasts."""
    subscripts, count = _parse(subscripts)
    operands = (op0, op1, op2, op3, op4, op5, op6, op7)[:count]
    shapes = tuple(tuple(o) if i == k else _shape(o) for i, o in enumerate(operands))
    spec, summed, mid, broadcast, diagonal, alone, several = _bar_plan(subscripts, k, shapes)
    others = [o for i, o in enumerate(operands) if i != k]
    r = np.einsum(spec, g, *others, optimize=optimize or (several and "greedy"))
    if alone and is_duck(r):   # (a Dask array is never written into: no copy)
        r = r.astype(np.result_type(r.dtype, float))
    elif alone:   # (an einsum of g alone may be a view of it)
        r = np.array(r, dtype=np.result_type(r, float))
    if summed:
        r = np.sum(r, axis=summed, keepdims=True)
    if mid is not None:
        r = np.reshape(r, mid)
    if broadcast is not None:
        if is_duck(r) and getattr(r, "npartitions", 1) == 1:   # one Dask block: spread in
            r = filled(broadcast, r)   # Dask's own blocks, not one block of the whole shape
        else:   # (a Dask r's blocks are kept along its axes)
            r = np.broadcast_to(r, broadcast).copy()
    if diagonal is None:
        return r
    if is_duck(r):   # (a Dask array has no writable diagonal view: r times identities)
        return _on_diagonal(r, diagonal, shapes[k])
    z = np.zeros(shapes[k], dtype=np.result_type(r, float))
    np.einsum(diagonal, z)[...] = r   # a writable view of the diagonal
    return z


@tangent_beside(einsum_bar)
def einsum_bar_tangent(out, g, subscripts, k, op0, op1, op2, op3, op4, op5, op6, op7,
                       optimize, g_dot, op0_dot, op1_dot, op2_dot, op3_dot, op4_dot, op5_dot,
                       op6_dot, op7_dot):
    return (einsum_bar(g_dot, subscripts, k, op0, op1, op2, op3, op4, op5, op6, op7, optimize)
            + einsum_bar(g, subscripts, k, op0_dot, op1, op2, op3, op4, op5, op6, op7,
                         optimize)
            + einsum_bar(g, subscripts, k, op0, op1_dot, op2, op3, op4, op5, op6, op7,
                         optimize)
            + einsum_bar(g, subscripts, k, op0, op1, op2_dot, op3, op4, op5, op6, op7,
                         optimize)
            + einsum_bar(g, subscripts, k, op0, op1, op2, op3_dot, op4, op5, op6, op7,
                         optimize)
            + einsum_bar(g, subscripts, k, op0, op1, op2, op3, op4_dot, op5, op6, op7,
                         optimize)
            + einsum_bar(g, subscripts, k, op0, op1, op2, op3, op4, op5_dot, op6, op7,
                         optimize)
            + einsum_bar(g, subscripts, k, op0, op1, op2, op3, op4, op5, op6_dot, op7,
                         optimize)
            + einsum_bar(g, subscripts, k, op0, op1, op2, op3, op4, op5, op6, op7_dot,
                         optimize))


def einsum_of(subscripts, op0=None, op1=None, op2=None, op3=None, op4=None, op5=None,
              op6=None, op7=None, optimize=False):
    """``np.einsum(subscripts, op0, op1..., optimize=optimize)`` of the operands its
    subscripts name (the tangent rule of ``np.einsum`` calls it, one term per operand)."""
    subscripts, count = _parse(subscripts)
    operands = (op0, op1, op2, op3, op4, op5, op6, op7)[:count]
    return np.einsum(subscripts, *operands, optimize=optimize)


def einsum_refused(operand):
    """The adjoint (or tangent) of an array passed where ``np.einsum`` reads its
    subscripts: the interleaved form ``np.einsum(a, [0, 1], b, [1])``, refused."""
    _subscripts(operand)
    raise AssertionError("einsum_refused called with a subscripts string")


def einsum_check(subscripts):
    """The subscripts of a differentiated ``np.einsum`` call, checked to be a string
    (see :func:`_subscripts`)."""
    return _subscripts(subscripts)


# ------------------------------------------------ products spelled as einsums


def tensordot_subscripts(a_ndim, b_ndim, axes):
    """The einsum subscripts of ``np.tensordot(a, b, axes)``."""
    try:
        n = int(axes)
        a_axes, b_axes = list(range(a_ndim - n, a_ndim)), list(range(n))
    except TypeError:
        a_axes, b_axes = axes
        a_axes = [a_axes] if np.ndim(a_axes) == 0 else list(a_axes)
        b_axes = [b_axes] if np.ndim(b_axes) == 0 else list(b_axes)
    a_axes = [int(i) % a_ndim for i in a_axes]
    b_axes = [int(i) % b_ndim for i in b_axes]
    a_spec = list(_LETTERS[:a_ndim])
    b_spec = list(_LETTERS[a_ndim:a_ndim + b_ndim])
    for i, j in zip(a_axes, b_axes):
        b_spec[j] = a_spec[i]
    out = [c for i, c in enumerate(a_spec) if i not in a_axes] + [
        c for j, c in enumerate(b_spec) if j not in b_axes]
    return f"{''.join(a_spec)},{''.join(b_spec)}->{''.join(out)}"


def inner_subscripts(a_ndim, b_ndim):
    """The einsum subscripts of ``np.inner(a, b)`` (a scalar factor multiplies)."""
    a_spec = _LETTERS[:a_ndim]
    b_spec = _LETTERS[a_ndim:a_ndim + b_ndim]
    if a_ndim and b_ndim:
        b_spec = b_spec[:-1] + a_spec[-1]
        return f"{a_spec},{b_spec}->{a_spec[:-1]}{b_spec[:-1]}"
    return f"{a_spec},{b_spec}->{a_spec}{b_spec}"


# ------------------------------------------------------------------- np.kron


def _kron_layout(a_shape, b_shape):
    """The shapes of ``a`` and ``b`` padded to one rank, and the interleaved shape
    ``(a0, b0, a1, b1...)`` that ``np.kron(a, b)`` is a reshape of."""
    n = max(len(a_shape), len(b_shape))
    a_full = (1,) * (n - len(a_shape)) + tuple(a_shape)
    b_full = (1,) * (n - len(b_shape)) + tuple(b_shape)
    return n, a_full, b_full, tuple(s for pair in zip(a_full, b_full) for s in pair)


@fact(allocates=True)
def kron_lhs_bar(g, a, b):
    """Adjoint of ``np.kron(a, b)`` with respect to ``a`` (reads ``a``'s shape)."""
    n, a_full, b_full, inter = _kron_layout(np.shape(a), np.shape(b))
    g = np.reshape(g, inter)
    spec_g = "".join(_LETTERS[2 * i] + _LETTERS[2 * i + 1] for i in range(n))
    spec_b = "".join(_LETTERS[2 * i + 1] for i in range(n))
    spec_a = "".join(_LETTERS[2 * i] for i in range(n))
    r = np.einsum(f"{spec_g},{spec_b}->{spec_a}", g, np.reshape(b, b_full))
    return np.reshape(r, np.shape(a))


@fact(allocates=True)
def kron_rhs_bar(g, a, b):
    """Adjoint of ``np.kron(a, b)`` with respect to ``b`` (reads ``b``'s shape)."""
    n, a_full, b_full, inter = _kron_layout(np.shape(a), np.shape(b))
    g = np.reshape(g, inter)
    spec_g = "".join(_LETTERS[2 * i] + _LETTERS[2 * i + 1] for i in range(n))
    spec_a = "".join(_LETTERS[2 * i] for i in range(n))
    spec_b = "".join(_LETTERS[2 * i + 1] for i in range(n))
    r = np.einsum(f"{spec_g},{spec_a}->{spec_b}", g, np.reshape(a, a_full))
    return np.reshape(r, np.shape(b))


@tangent_beside(kron_lhs_bar)
def kron_lhs_bar_tangent(out, g, a, b, g_dot, b_dot):
    return kron_lhs_bar(g_dot, a, b) + kron_lhs_bar(g, a, b_dot)


@tangent_beside(kron_rhs_bar)
def kron_rhs_bar_tangent(out, g, a, b, g_dot, a_dot):
    return kron_rhs_bar(g_dot, a, b) + kron_rhs_bar(g, a_dot, b)


# ------------------------------------------------------------------ np.cross


def _cross_axes(a, b, axisa, axisb, axisc, axis):
    if axis is not None:
        axisa = axisb = axisc = axis
    return axisa, axisb, axisc


def _vectors(x, axis, name):
    """``x`` with its vector axis last, and the vectors' length (2 or 3; 2-vectors,
    deprecated by numpy 2, are 3-vectors of z component 0)."""
    x = np.moveaxis(as_array(x), axis, -1)
    n = x.shape[-1]
    if n not in (2, 3):
        raise ValueError(f"np.cross: its argument {name} has {n}-vectors (2 or 3 needed)")
    if n == 2:
        x = np.concatenate([x, np.zeros(x.shape[:-1] + (1,))], axis=-1)
    return x, n


def _cross3(u, v):
    """``np.cross(u, v)`` of 3-vectors along the last axis; of Dask arrays (Dask has no
    np.cross) by components, lazily."""
    if not (is_duck(u) or is_duck(v)):
        return np.cross(u, v)
    u0, u1, u2 = (u[..., k] for k in range(3))
    v0, v1, v2 = (v[..., k] for k in range(3))
    return np.stack([u1 * v2 - u2 * v1, u2 * v0 - u0 * v2, u0 * v1 - u1 * v0], axis=-1)


def _cross_adjoint(g, shape, other, axis, other_axis, axisc, first):
    """The adjoint of the factor of ``shape`` (vector axis ``axis``) of a cross product
    with ``other``: ``other x g`` for the first factor, ``g x other`` for the second."""
    mine, n = _vectors(np.zeros(shape), axis, "a" if first else "b")
    theirs, m = _vectors(other, other_axis, "b" if first else "a")
    g = as_array(g)
    if n == 2 and m == 2:   # the z components of the products: no vector axis
        gm = np.stack([np.zeros(g.shape), np.zeros(g.shape), g], axis=-1)
    else:
        gm = np.moveaxis(g, axisc, -1)
    r = _cross3(theirs, gm) if first else _cross3(gm, theirs)
    r = unbroadcast_to(r[..., :n], mine.shape[:-1] + (n,))
    r = np.moveaxis(r, -1, axis)
    return r if is_duck(r) else np.ascontiguousarray(r)   # (Dask's would compute)


@fact(allocates=True)
def cross_of(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """``np.cross(a, b, axisa, axisb, axisc, axis)``, lazily on Dask arrays too (Dask has
    no np.cross): the vectors' components multiplied out."""
    if not (is_duck(a) or is_duck(b)):
        return np.cross(a, b, axisa, axisb, axisc, axis)
    axisa, axisb, axisc = _cross_axes(a, b, axisa, axisb, axisc, axis)
    u, n = _lazy_vectors(a, axisa, "a")
    v, m = _lazy_vectors(b, axisb, "b")
    r = _cross3(u, v)
    if n == 2 and m == 2:   # the z components: no vector axis
        return r[..., 2]
    return np.moveaxis(r, -1, axisc)


def _lazy_vectors(x, axis, name):
    """:func:`_vectors` of a Dask ``x`` (the z components it adds made like ``x``)."""
    x = np.moveaxis(as_array(x), axis, -1)
    n = x.shape[-1]
    if n not in (2, 3):
        raise ValueError(f"np.cross: its argument {name} has {n}-vectors (2 or 3 needed)")
    if n == 2:
        x = np.concatenate([x, np.zeros_like(x[..., :1])], axis=-1)
    return x, n


@fact(allocates=True)
def cross_lhs_bar(g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Adjoint of ``np.cross(a, b, ...)`` with respect to ``a`` (reads ``a``'s shape):
    ``b x g`` along the vector axes, summed where ``a`` was broadcast."""
    axisa, axisb, axisc = _cross_axes(a, b, axisa, axisb, axisc, axis)
    return _cross_adjoint(g, np.shape(a), b, axisa, axisb, axisc, True)


@fact(allocates=True)
def cross_rhs_bar(g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Adjoint of ``np.cross(a, b, ...)`` with respect to ``b`` (reads ``b``'s shape):
    ``g x a`` along the vector axes, summed where ``b`` was broadcast."""
    axisa, axisb, axisc = _cross_axes(a, b, axisa, axisb, axisc, axis)
    return _cross_adjoint(g, np.shape(b), a, axisb, axisa, axisc, False)


@tangent_beside(cross_lhs_bar)
def cross_lhs_bar_tangent(out, g, a, b, axisa, axisb, axisc, axis, g_dot, b_dot):
    return (cross_lhs_bar(g_dot, a, b, axisa, axisb, axisc, axis)
            + cross_lhs_bar(g, a, b_dot, axisa, axisb, axisc, axis))


@tangent_beside(cross_rhs_bar)
def cross_rhs_bar_tangent(out, g, a, b, axisa, axisb, axisc, axis, g_dot, a_dot):
    return (cross_rhs_bar(g_dot, a, b, axisa, axisb, axisc, axis)
            + cross_rhs_bar(g, a_dot, b, axisa, axisb, axisc, axis))
