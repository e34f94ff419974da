"""The helpers that the adjoint rules of s2sad's core runtime helpers call (see
:mod:`s2sad.rules.runtime_adjoints_core` and ``..._core_scans``): reverse mode over
generated gradient code, and derivatives of higher order.

Most are transposes: linear in their first argument and the adjoint of another helper
(``sum_bar_bar`` of ``sum_bar``, ``read_at`` of ``add_at``, ``concatenate_parts`` of
``concatenate_bar``), so their own adjoint is that helper again: the pairs close, and
derivatives of any order end in them.  The others are the derivatives of one order more
of ``np.prod``, ``np.cumprod``, ``a ** b`` and ``np.sinc`` (exact where an element is
0: by products of jets, no division), up to the third; ``beyond_order`` refuses a
fourth.  Input: an adjoint or steps, and the shapes, axes and indices of the helper;
output: a new value (or the adjoint itself when nothing is to be done).
"""

import math

from .numpy_view import np
from .duck import as_array, refuse_where, stacked

from ..errors import NoDerivativeRuleError
from ..rules.records import fact
from ..values import PowerDivergesError
from .elementwise import xdivy
from .indexing import stored_part
from .reductions import (_keepdims_shape, _masked_products, _normalize_axes, _selected,
                         _where_count)
from .scans import _from_front, _scan_shape, _to_front, diff_dot, ediff1d_dot
from .shapes import float_like, unbroadcast_to


@fact(view=True, linear=("t",))
def sum_bar_bar(t, g_shape, axis=None, keepdims=False, where=True):
    """The adjoint of ``g`` in ``sum_bar(g, x, axis, keepdims, where)``: ``t`` (of ``x``'s
    shape) summed over ``axis`` (where ``where`` holds) back to ``g``'s shape ``g_shape``."""
    if where is not True:
        t = _selected(t, where)
    if axis is not None and not keepdims:
        kept = _keepdims_shape(np.shape(t), _normalize_axes(axis, np.ndim(t)))
        return np.reshape(unbroadcast_to(t, kept), g_shape)
    return unbroadcast_to(t, tuple(g_shape))



@fact(allocates=True, linear=("t",))
def mean_bar_bar(t, g_shape, axis=None, keepdims=False, where=True):
    """The adjoint of ``g`` in ``mean_bar(g, x, axis, keepdims, where)``: :func:`sum_bar_bar`
    divided by the number of elements each mean took."""
    shape = np.shape(t)
    if where is not True:
        count = _where_count(shape, where, axis, True, as_array(t).dtype)
        return sum_bar_bar(_selected(t, where) / np.maximum(count, 1), g_shape, axis,
                           keepdims)
    axes = _normalize_axes(axis, len(shape))
    count = 1
    for a in axes:
        count *= shape[a]
    if count != count:   # an axis of unknown length (Dask's nan): counted lazily
        count = np.sum(np.ones_like(t, dtype=np.float64), axis=axes, keepdims=keepdims)
    return sum_bar_bar(t, g_shape, axis, keepdims) / count



@fact(view=True, linear=("g",))
def read_at(g, index, like):
    """``g[index]`` reduced to the shape of ``like``: the adjoint of a value added into
    an adjoint at ``index`` (``add_at``) or spread from it (``getitem_bar``); for a list,
    tuple or dict adjoint its item (a list of items for a slice)."""
    if isinstance(g, (list, tuple, dict)):
        part = g[index]
        return list(part) if isinstance(index, slice) else part
    return unbroadcast_to(as_array(g)[index], np.shape(like))



@fact(allocates=True, linear=("g",))
def written_bar(g, index, value):
    """The adjoint of ``value`` in ``index_set(x, index, value)``: the part of ``g`` the
    write kept (the last write of a position named twice), reduced to ``value``'s shape;
    for a list or dict adjoint its item."""
    if isinstance(g, (list, tuple, dict)):
        part = g[index]
        return list(part) if isinstance(index, slice) else part
    return unbroadcast_to(stored_part(g, index), np.shape(value))



@fact(allocates=True, linear=("parts",))
def concatenate_parts(parts, arrays, axis=0):
    """The adjoint of ``g`` in ``concatenate_bar(g, arrays, axis)``: the parts joined
    back (a part that is None stands for zeros of its array's shape)."""
    parts = _filled(parts, arrays)
    if axis is None:
        return np.concatenate([np.ravel(p) for p in parts])
    return np.concatenate(parts, axis=axis)



@fact(allocates=True, linear=("parts",))
def stack_parts(parts, arrays, axis=0):
    """The adjoint of ``g`` in ``stack_bar(g, arrays, axis)``: the parts stacked back."""
    return np.stack(_filled(parts, arrays), axis=axis)



def _filled(parts, arrays):
    return [np.zeros(np.shape(a)) if p is None else p for p, a in zip(parts, arrays)]



@fact(allocates=True, linear=("t",))
def diff_slot(t, a, n=1, axis=-1, prepend=None, append=None, part="a"):
    """The adjoint of ``g`` in ``diff_bar(g, a, n, axis, prepend, append, part)``: the
    differences of ``t`` put in the slot ``part`` names (``a``, ``prepend`` or
    ``append``), zeros in the others."""
    slots = {"a": (t, 0.0, 0.0), "prepend": (0.0, t, 0.0), "append": (0.0, 0.0, t)}[part]
    return diff_dot(slots[0], a, n, axis, prepend, append, slots[1], slots[2])



@fact(allocates=True, linear=("t",))
def ediff1d_slot(t, ary, to_end=None, to_begin=None, part="ary"):
    """The adjoint of ``g`` in ``ediff1d_bar(g, ary, to_end, to_begin, part)``: the
    differences of ``t`` put in the slot ``part`` names, zeros in the others."""
    slots = {"ary": (t, 0.0, 0.0), "to_end": (0.0, t, 0.0), "to_begin": (0.0, 0.0, t)}[part]
    return ediff1d_dot(slots[0], ary, to_end, to_begin, slots[1], slots[2])



def beyond_order(t, like, what, order=2):
    """Zeros shaped like ``like`` when the tangent or adjoint ``t`` is zero, else an s2sad
    error: ``what`` is differentiated ``order`` times at most, and one more derivative was
    asked for (a third derivative of ``np.prod`` in its argument...)."""
    if t is None or not np.any(as_array(t)):
        return np.zeros(np.shape(like))
    raise NoDerivativeRuleError(
        f"s2sad differentiates {what} at most {order} times in this argument (the "
        f"derivative of a derivative{' of a derivative' if order > 2 else ''}); one more "
        f"derivative of it was asked for",
        hint=f"differentiate {what} fewer times, or leave this argument out of wrt")



@fact(allocates=True)
def cumprod_dot2(a, u, v, axis=None):
    """The second derivative of ``np.cumprod(a, axis)`` along the steps ``u`` and ``v`` of
    ``a``, exact where elements are 0: with ``c = cumprod(a)`` and its tangents ``c_u``,
    ``c_v``, ``c_uv[i] = c_uv[i-1] a[i] + c_u[i-1] v[i] + c_v[i-1] u[i]``."""
    shape = _scan_shape(a, axis)
    x, at = _to_front(a, axis)
    steps = [_to_front(np.broadcast_to(as_array(s, dtype=float), np.shape(a)), axis)[0]
             for s in (u, v)]
    rows = []
    acc = np.ones(x.shape[1:])
    acc_u, acc_v, acc_uv = np.zeros(x.shape[1:]), np.zeros(x.shape[1:]), np.zeros(x.shape[1:])
    for i in range(x.shape[0]):
        acc_uv = acc_uv * x[i] + acc_u * steps[1][i] + acc_v * steps[0][i]
        acc_u, acc_v = acc_u * x[i] + acc * steps[0][i], acc_v * x[i] + acc * steps[1][i]
        acc = acc * x[i]
        rows.append(acc_uv)
    return _from_front(stacked(rows, x), at, shape)



# ------------------------------------------------ third derivatives of a ** b

def _power_third(a, b, w, above, formula):
    """``w * formula(a, b, log a)`` elementwise, 0 where ``w`` is 0; at ``a == 0`` the
    limit 0 for ``b > above``, refused for ``b <= above`` (where it is infinite)."""
    base = as_array(a)
    if base.dtype.kind not in "fc":
        base = base.astype(np.float64)
    b, w = as_array(b, dtype=float), as_array(w)
    quiet = w == 0
    diverges = (base == 0) & ~quiet & (b <= above)
    skip = quiet | (base == 0)
    safe = np.where(skip, 1.0, base)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(skip, 0.0, w * formula(safe, b, np.log(safe)))
    out = refuse_where(out, diverges, lambda _: _third_diverges(above))
    return out[()] if out.ndim == 0 else out


def _third_diverges(above):
    raise PowerDivergesError(
        f"a third derivative of 'a ** b' (with the exponent differentiated) is infinite "
        f"where a == 0 and b <= {above}",
        hint="differentiate the exponent only at bases a > 0, or keep it constant")



@fact(allocates=True)
def power_cross_da(a, b, w):
    """The derivative of ``power_cross(a, b, w)`` in ``a`` (``w`` times the third derivative
    of ``a ** b``, twice in ``a`` and once in ``b``)."""
    return _power_third(a, b, w, 2.0,
                        lambda s, e, lg: s ** (e - 2) * ((e - 1) * (1 + e * lg) + e))



@fact(allocates=True)
def power_cross_db(a, b, w):
    """The derivative of ``power_cross(a, b, w)`` in ``b`` (once in ``a``, twice in ``b``)."""
    return _power_third(a, b, w, 1.0, lambda s, e, lg: s ** (e - 1) * lg * (2 + e * lg))



@fact(allocates=True)
def power_log_cross_da(y, a, w, b=None):
    """The derivative of ``power_log_cross(y, a, v, b) = y v / a`` in ``a`` along a step,
    ``w`` being ``v`` times the step: ``-y w / a ** 2``, for ``y = a ** b`` the limit 0 at
    ``a == 0`` for ``b > 2`` and refused for ``b <= 2``."""
    if b is None:
        return -xdivy(as_array(y) * w, as_array(a) * a)
    base = as_array(a)
    if base.dtype.kind not in "fc":
        base = base.astype(np.float64)
    y, w, b = as_array(y), as_array(w), as_array(b)
    skip = (base == 0) | (w == 0)
    safe = np.where(skip, 1.0, base)
    out = np.where(skip, 0.0, -y * w / (safe * safe))
    out = refuse_where(out, (base == 0) & (w != 0) & (b <= 2), lambda _: _third_diverges(2))
    return out[()] if out.ndim == 0 else out



# ------------------------------------------------ derivatives of np.sinc

@fact(allocates=True)
def sinc_derivative(n, x):
    """The ``n``-th derivative of ``np.sinc`` (``sin(pi x) / (pi x)``) at ``x``: its power
    series where ``|x| < 1``, elsewhere from ``x sinc(x) = sin(pi x) / pi`` differentiated
    ``n`` times, ``x f_n + n f_(n-1) = pi ** (n - 1) sin(pi x + n pi / 2)``."""
    x = as_array(x, dtype=float)
    small = np.abs(x) < 1.0
    series = np.zeros_like(x)
    for k in range((n + 1) // 2, (n + 1) // 2 + 40):
        coefficient = (-1) ** k * math.pi ** (2 * k) / math.factorial(2 * k + 1) \
            * math.factorial(2 * k) / math.factorial(2 * k - n)
        series = series + coefficient * x ** (2 * k - n)
    safe = np.where(small, 1.0, x)
    value = np.sinc(safe)
    for order in range(1, n + 1):
        value = (math.pi ** (order - 1) * np.sin(math.pi * safe + order * math.pi / 2)
                 - order * value) / safe
    out = np.where(small, series, value)
    return out[()] if out.ndim == 0 else out



# ------------------------------------------------ np.prod's third derivative

@fact(allocates=True)
def prod_bar_x_dot2(g, x, u, v, axis=None, keepdims=False, where=True, initial=None):
    """The derivative of ``prod_bar_x_dot(g, x, u, axis, keepdims, where, initial)`` in
    ``x`` along ``v``: ``g`` times the products of all elements but three, summed over the
    two others weighted by ``u`` and ``v`` (exact with zeros, without dividing)."""
    if where is not True or initial is not None:
        return _masked_products(prod_bar_x_dot2, g, x, (u, v), axis, keepdims, where,
                                initial)
    x = as_array(x, dtype=float_like(x))
    u, v = (np.broadcast_to(as_array(s, dtype=x.dtype), x.shape) for s in (u, v))
    shape = x.shape
    if axis is None:
        flat = [np.reshape(s, -1) for s in (x, u, v)]
        return np.reshape(g, ()) * np.reshape(_exclusive_products_dot2(*flat), shape)
    axes = _normalize_axes(axis, x.ndim)
    if not keepdims:
        g = np.reshape(g, _keepdims_shape(shape, axes))
    front = tuple(range(len(axes)))
    moved = [np.moveaxis(s, axes, front) for s in (x, u, v)]
    lead, rest = moved[0].shape[:len(axes)], moved[0].shape[len(axes):]
    flat = [np.reshape(s, (-1,) + rest) for s in moved]
    out = np.reshape(_exclusive_products_dot2(*flat), lead + rest)
    return g * np.moveaxis(out, front, axes)



def _exclusive_products_dot2(x, u, v):
    """Along axis 0: at each position, the second derivative (along ``u`` and ``v``) of the
    product of the elements at the other positions, by prefix and suffix products of
    jets ``(value, d_u, d_v, d_uv)``."""
    def times(jet, i):
        p, pu, pv, puv = jet
        return (p * x[i], pu * x[i] + p * u[i], pv * x[i] + p * v[i],
                puv * x[i] + pu * v[i] + pv * u[i])
    start = (np.ones(x.shape[1:]),) + tuple(np.zeros(x.shape[1:]) for _ in range(3))
    left, jet = [], start
    for i in range(x.shape[0]):
        left.append(jet)
        jet = times(jet, i)
    rows, jet = [None] * x.shape[0], start
    for i in range(x.shape[0] - 1, -1, -1):
        (p, pu, pv, puv), (q, qu, qv, quv) = left[i], jet
        rows[i] = p * quv + pu * qv + pv * qu + puv * q
        jet = times(jet, i)
    return stacked(rows, x)



# ------------------------------------------------ np.cumprod's third derivative

@fact(allocates=True)
def cumprod_dot3(a, u, v, w, axis=None):
    """The third derivative of ``np.cumprod(a, axis)`` along the steps ``u``, ``v``, ``w``
    of ``a`` (exact where elements are 0)."""
    x, at = _to_front(a, axis)
    steps = _steps_to_front(a, (u, v, w), axis)
    acc, rows = _jet_one(3), []
    for k in range(x.shape[0]):
        acc = _jet_times(acc, _jet_of(x, steps, k))
        rows.append(acc[-1])
    return _from_front(stacked(rows, x), at, _scan_shape(a, axis))



@fact(allocates=True)
def cumprod_bar_dot2(g, a, v, w, axis=None):
    """The derivative of ``cumprod_bar_dot(g, a, v, axis)`` in ``a`` along ``w``: at each
    position ``j`` the sum over ``i >= j`` of ``g[i]`` times the second derivative (along
    ``v`` and ``w``) of the product of the elements up to ``i`` but ``j``."""
    x, at = _to_front(a, axis)
    if not x.shape[0]:
        return np.zeros(np.shape(a))
    steps = _steps_to_front(a, (v, w), axis)
    gx = np.moveaxis(np.reshape(as_array(g, dtype=float), _scan_shape(a, axis)), at, 0)
    n = x.shape[0]
    before, acc = [], _jet_one(2)
    for k in range(n):
        before.append(acc)
        acc = _jet_times(acc, _jet_of(x, steps, k))
    rows = [None] * n
    after = [gx[n - 1], 0.0, 0.0, 0.0]
    for j in range(n - 1, -1, -1):
        rows[j] = _jet_times(before[j], after)[-1]
        if j:
            after = _jet_times(_jet_of(x, steps, j), after)
            after[0] = after[0] + gx[j - 1]
    return _from_front(stacked(rows, x), at, np.shape(a))



def _steps_to_front(a, steps, axis):
    return [_to_front(np.broadcast_to(as_array(s, dtype=float), np.shape(a)), axis)[0]
            for s in steps]



def _jet_one(count):
    """The jet 1 in ``count`` nilpotent directions: its parts by subset of directions."""
    return [1.0] + [0.0] * ((1 << count) - 1)



def _jet_of(x, steps, k):
    """The jet of element ``k``: its value, and one step in each direction."""
    jet = [x[k]] + [0.0] * ((1 << len(steps)) - 1)
    for r, step in enumerate(steps):
        jet[1 << r] = step[k]
    return jet



def _jet_times(p, q):
    """The product of two jets (parts by subset of directions, each direction squared 0)."""
    out = [0.0] * len(p)
    for whole in range(len(p)):
        part = whole
        while True:
            out[whole] = out[whole] + p[part] * q[whole ^ part]
            if not part:
                break
            part = (part - 1) & whole
    return out
