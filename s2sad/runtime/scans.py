"""Adjoints and tangents of numpy's statistics, scans and differences (issue 14):
``np.var``/``np.std``/``np.average``/``np.ptp``, ``np.cumsum``/``np.cumprod``, ``np.diff``,
``np.ediff1d``, ``np.trapezoid``, the NaN-ignoring reductions and ``np.trace``.

Input: the adjoint ``g`` of the op's result (or a tangent) and the primal values; output:
an array of the argument's shape.  Each helper says which of its arguments it is linear
in (``@fact(linear=...)``: its tangent is derived) or writes its tangent beside it, so
second order (forward over reverse) differentiates the code that calls it.
"""

from .numpy_view import np
from .duck import as_array, fresh, is_duck, size_of, stacked, unknown_shape

from ..rules.records import fact, tangent_beside
from .reductions import _keepdims_shape, _normalize_axes
from .spread import (NotDifferentiableError, OrderLimitError,  # noqa: F401 (re-exported)
                     deviations, deviations_from, deviations_from_dot, given_mean_bar,
                     nonzero_checked, notnan_count, reduced_count, selected_or_nan,
                     singular_at_zero)


def _axes(axis, ndim):
    return _normalize_axes(axis, ndim)


# ------------------------------------------------------------------ averages


def _weight_axes(a, axis):
    """The axes of ``a`` that 1-D (or fewer-dimensional) weights run along, in the order
    ``axis`` names them (numpy's reading of ``np.average``'s weights)."""
    if axis is None:
        raise TypeError("Axis must be specified when shapes of a and weights differ.")
    ndim = np.ndim(a)
    return tuple(x % ndim for x in (axis if isinstance(axis, tuple) else (axis,)))


@fact(allocates=True, linear=("weights",))
def average_weights(a, weights, axis=None):
    """``np.average``'s weights, shaped to broadcast against ``a`` (ones when None)."""
    if weights is None:
        return np.ones(np.shape(a))
    w = as_array(weights, dtype=float)
    if w.shape == np.shape(a) or not w.ndim:
        return w.copy() if is_duck(w) else np.array(w)
    axes = _weight_axes(a, axis)
    w = np.transpose(w, np.argsort(axes))
    return np.reshape(w, tuple(n if i in axes else 1 for i, n in enumerate(np.shape(a))))


@fact(allocates=True, linear=("g",))
def average_weights_bar(g, weights, axis=None):
    """The transpose of :func:`average_weights`: ``g`` (``a``'s shape) summed to the
    weights' shape."""
    if weights is None:
        return None
    g = as_array(g, dtype=float)
    w_shape = np.shape(weights)
    if w_shape == g.shape:
        return g
    if not w_shape:
        return np.sum(g)
    axes = _weight_axes(g, axis)
    summed = np.sum(g, axis=tuple(i for i in range(g.ndim) if i not in axes))
    return np.transpose(summed, np.argsort(np.argsort(axes)))


# --------------------------------------------------------------- scans


def _flip_cumsum(g, axis):
    if unknown_shape(g):   # (Dask flips only axes of known length: the sum less the sums before)
        return np.sum(g, axis=axis, keepdims=True) - np.cumsum(g, axis=axis) + g
    return np.flip(np.cumsum(np.flip(g, axis), axis=axis), axis)


@fact(allocates=True, linear=("g",))
def cumsum_bar(g, a, axis=None):
    """Adjoint of ``np.cumsum(a, axis)``: the sums of ``g`` from each position to the end
    (a 0-d ``a`` is scanned as one element whatever ``axis``, as numpy does: ``g`` has
    shape (1,) and ``a``'s adjoint shape ())."""
    if axis is None or not np.ndim(a):
        a_bar = _flip_cumsum(np.ravel(g), 0)
        return a_bar if np.ndim(a) == 1 else np.reshape(a_bar, np.shape(a))
    return _flip_cumsum(as_array(g), axis)


def _to_front(a, axis):
    """``a`` as floats with ``axis`` first (flattened when ``axis`` is None, or ``a`` is
    0-d: numpy scans a 0-d array as one element along ``axis=0`` or ``-1``)."""
    a = as_array(a, dtype=float)
    if axis is None or not a.ndim:
        return np.ravel(a), 0
    return np.moveaxis(a, axis, 0), axis


def _scan_shape(a, axis):
    """The shape of ``np.cumsum(a, axis)`` (of a 0-d ``a``: (1,))."""
    return (size_of(a),) if axis is None or not np.ndim(a) else np.shape(a)


def _from_front(x, axis, shape):
    return np.reshape(np.moveaxis(x, 0, axis), shape)


@fact(allocates=True)
def cumprod_dot(a, v, axis=None):
    """Tangent of ``np.cumprod(a, axis)`` along ``v`` (a step of ``a``), exact where
    elements are 0: ``y'[i] = y'[i-1] a[i] + y[i-1] v[i]``."""
    shape = _scan_shape(a, axis)
    x, at = _to_front(a, axis)
    x_dot, _ = _to_front(np.broadcast_to(as_array(v, dtype=float), np.shape(a)), axis)
    lazy = is_duck(x) or is_duck(x_dot)   # (a Dask x: no look at 0s, no writes)
    if not lazy and np.all(x != 0):
        return _from_front(np.cumprod(x, axis=0) * np.cumsum(x_dot / x, axis=0), at, shape)
    out = [] if lazy else np.empty_like(x)   # (rows stacked for a Dask x)
    acc, acc_dot = np.ones_like(x[0]), np.zeros_like(x[0])
    for i in range(x.shape[0]):
        acc, acc_dot = acc * x[i], acc_dot * x[i] + acc * x_dot[i]
        if lazy:
            out.append(acc_dot)
        else:
            out[i] = acc_dot
    return _from_front(np.stack(out) if lazy else out, at, shape)


def _cumprod_parts(x, g):
    """``L[j]``, the product of the elements before ``j``, and ``S[j] = sum over i >= j
    of g[i] times the product of the elements after j up to i`` (no division)."""
    n = x.shape[0]
    left = np.concatenate([np.ones_like(x[:1]), np.cumprod(x[:-1], axis=0)])
    if is_duck(x) or is_duck(g):   # (no writes into a Dask array: rows stacked, lazily)
        rows = [g[n - 1]]
        for j in range(n - 2, -1, -1):
            rows.append(g[j] + x[j + 1] * rows[-1])
        return left, np.stack(rows[::-1])
    right = np.empty_like(g)
    right[n - 1] = g[n - 1]
    for j in range(n - 2, -1, -1):
        right[j] = g[j] + x[j + 1] * right[j + 1]
    return left, right


@fact(allocates=True)
def cumprod_bar(g, a, axis=None):
    """Adjoint of ``np.cumprod(a, axis)``: ``a_bar[j] = L[j] S[j]`` (see
    :func:`_cumprod_parts`), exact where elements are 0."""
    x, at = _to_front(a, axis)
    if not x.shape[0]:
        return np.zeros(np.shape(a))
    gx = np.moveaxis(np.reshape(as_array(g, dtype=float), _scan_shape(a, axis)), at, 0)
    if not is_duck(x) and np.all(x != 0):   # (a Dask x: the exact parts, no look at 0s)
        out = _flip_cumsum(gx * np.cumprod(x, axis=0), 0) / x
    else:
        left, right = _cumprod_parts(x, gx)
        out = left * right
    return _from_front(out, at, np.shape(a))


@fact(allocates=True)
def cumprod_bar_dot(g, a, v, axis=None):
    """The tangent of :func:`cumprod_bar` along ``v`` (a step of ``a``; ``g`` held fixed)."""
    x, at = _to_front(a, axis)
    if not x.shape[0]:
        return np.zeros(np.shape(a))
    x_dot, _ = _to_front(np.broadcast_to(as_array(v, dtype=float), np.shape(a)), axis)
    gx = np.moveaxis(np.reshape(as_array(g, dtype=float), _scan_shape(a, axis)), at, 0)
    left, right = _cumprod_parts(x, gx)
    n = x.shape[0]
    left_dot = [np.zeros_like(x[0])]
    for j in range(1, n):
        left_dot.append(left_dot[j - 1] * x[j - 1] + left[j - 1] * x_dot[j - 1])
    right_dot = [None] * (n - 1) + [np.zeros_like(right[0])]
    for j in range(n - 2, -1, -1):
        right_dot[j] = x_dot[j + 1] * right[j + 1] + x[j + 1] * right_dot[j + 1]
    left_dot, right_dot = stacked(left_dot, x), stacked(right_dot, right)
    return _from_front(left_dot * right + left * right_dot, at, np.shape(a))


@tangent_beside(cumprod_bar)
def cumprod_bar_tangent(out, g, a, axis, g_dot, a_dot):
    return cumprod_bar(g_dot, a, axis) + cumprod_bar_dot(g, a, a_dot, axis)


def _initial_pad(t, axis):
    return _pad(as_array(t, dtype=float), 0 if axis is None else axis % np.ndim(t), 1, 0)


@fact(allocates=True, linear=("g",))
def drop_initial(g, x, axis=None, include_initial=False):
    """``g`` without its first entry along the scan axis when the scan
    (``np.cumulative_sum``...) included the initial value there."""
    if not include_initial:
        return g
    ax = 0 if axis is None else axis % np.ndim(x)
    return _slab(g, ax, 1, None)


def _slab(a, axis, start, stop):
    """``a[start:stop]`` along ``axis`` (a slice: a view, lazy on Dask, whose np.take
    takes no ``range``)."""
    return a[(slice(None),) * axis + (slice(start, stop),)]


@fact(allocates=True, linear=("t",))
def with_initial(t, axis=None, include_initial=False):
    """``t`` with a 0 before it along the scan axis when the scan included the initial
    value (a constant: its tangent is 0)."""
    return _initial_pad(t, axis) if include_initial else t


# ----------------------------------------------------------- differences


def _line(n, axis, ndim):
    shape = [1] * ndim
    shape[axis] = n
    return tuple(shape)


def _pad(g, axis, before, after):
    widths = [(0, 0)] * np.ndim(g)
    widths[axis] = (before, after)
    return np.pad(g, widths)


def _diff_transpose(g, axis):
    """The transpose of one first difference along ``axis``: ``g[k-1] - g[k]``."""
    return _pad(g, axis, 1, 0) - _pad(g, axis, 0, 1)


def _end_length(end, a, axis):
    if end is None:
        return 0
    return 1 if np.ndim(end) == 0 else np.shape(end)[axis]


def _end_shape(end, a, axis):
    if np.ndim(end) == 0:   # numpy broadcasts a number along the other axes
        shape = list(np.shape(a))
        shape[axis] = 1
        return tuple(shape)
    return np.shape(end)


@fact(allocates=True, linear=("g",))
def diff_bar(g, a, n=1, axis=-1, prepend=None, append=None, part="a"):
    """Adjoint of ``np.diff(a, n, axis, prepend, append)`` in ``a`` (or, by ``part``, in
    ``prepend`` or ``append``; a number prepended takes the sum of its column)."""
    g = as_array(g, dtype=float)
    axis = axis % np.ndim(a)
    for _ in range(n):
        g = _diff_transpose(g, axis)
    if n == 0:
        return g if part == "a" else None
    start = _end_length(prepend, a, axis)
    bounds = {"prepend": (0, start), "a": (start, start + np.shape(a)[axis]),
              "append": (start + np.shape(a)[axis], g.shape[axis])}[part]
    index = [slice(None)] * g.ndim
    index[axis] = slice(*bounds)
    out = g[tuple(index)]
    end = {"prepend": prepend, "append": append}.get(part)
    return np.sum(out) if end is not None and np.ndim(end) == 0 else out


@fact(allocates=True)
def diff_dot(a_dot, a, n=1, axis=-1, prepend=None, append=None, prepend_dot=0.0,
             append_dot=0.0):
    """Tangent of ``np.diff(a, n, axis, prepend, append)``."""
    a = as_array(a)
    a_dot = np.broadcast_to(as_array(a_dot, dtype=float), a.shape)
    if n == 0:
        return fresh(a_dot)
    axis = axis % a.ndim
    parts = [a_dot]
    if prepend is not None:
        parts.insert(0, np.broadcast_to(as_array(prepend_dot, dtype=float),
                                        _end_shape(prepend, a, axis)))
    if append is not None:
        parts.append(np.broadcast_to(as_array(append_dot, dtype=float),
                                     _end_shape(append, a, axis)))
    return np.diff(np.concatenate(parts, axis=axis), n=n, axis=axis)


@fact(allocates=True, linear=("g",))
def ediff1d_bar(g, ary, to_end=None, to_begin=None, part="ary"):
    """Adjoint of ``np.ediff1d(ary, to_end, to_begin)`` in ``ary`` (or, by ``part``, in
    ``to_end`` or ``to_begin``)."""
    g = np.ravel(g)
    begin = 0 if to_begin is None else size_of(to_begin)
    end = 0 if to_end is None else size_of(to_end)
    if part == "to_begin":
        return None if to_begin is None else np.reshape(g[:begin], np.shape(to_begin))
    if part == "to_end":
        return None if to_end is None else np.reshape(g[g.size - end:], np.shape(to_end))
    middle = g[begin:g.size - end]
    return np.reshape(_diff_transpose(middle, 0), np.shape(ary))


@fact(allocates=True)
def ediff1d_dot(ary_dot, ary, to_end=None, to_begin=None, to_end_dot=0.0, to_begin_dot=0.0):
    """Tangent of ``np.ediff1d(ary, to_end, to_begin)``."""
    flat = np.ravel(np.broadcast_to(as_array(ary_dot, dtype=float), np.shape(ary)))
    begin = np.ravel(np.broadcast_to(as_array(to_begin_dot, dtype=float),
                                     np.shape(to_begin))) if to_begin is not None else []
    end = np.ravel(np.broadcast_to(as_array(to_end_dot, dtype=float),
                                   np.shape(to_end))) if to_end is not None else []
    return np.concatenate([begin, np.diff(flat), end])


# ------------------------------------------------------------ trapezoids


def _spacing(y, x, dx, axis):
    """The widths of ``np.trapezoid``'s intervals, broadcasting against ``y``'s pairs."""
    ndim = np.ndim(y)
    if x is None:
        return as_array(dx, dtype=float)
    x = as_array(x, dtype=float)
    if x.ndim == 1:
        return np.reshape(np.diff(x), _line(x.shape[0] - 1, axis % ndim, ndim))
    return np.diff(x, axis=axis)


def _pairs(y, axis):
    """``(y[1:] + y[:-1]) / 2`` along ``axis``."""
    y = as_array(y, dtype=float)
    axis = axis % y.ndim
    return (_slab(y, axis, 1, None) + _slab(y, axis, 0, -1)) / 2.0


def _reduce_to(g, shape):
    g = as_array(g)
    extra = g.ndim - len(shape)
    g = np.sum(g, axis=tuple(range(extra))) if extra > 0 else g
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return np.reshape(np.sum(g, axis=axes, keepdims=True) if axes else g, shape)


@fact(allocates=True)
def trapezoid_y_bar(g, y, x=None, dx=1.0, axis=-1):
    """Adjoint of ``np.trapezoid(y, x, dx, axis)`` in ``y``: each value weighs half the
    widths of the intervals beside it."""
    axis = axis % np.ndim(y)
    part = np.expand_dims(as_array(g, dtype=float), axis) * _spacing(y, x, dx, axis) / 2.0
    part = _reduce_to(np.broadcast_to(part, np.broadcast_shapes(
        np.shape(part), np.shape(_pairs(y, axis)))), _pairs(y, axis).shape)
    return _reduce_to(_pad(part, axis, 1, 0) + _pad(part, axis, 0, 1), np.shape(y))


@fact(allocates=True)
def trapezoid_x_bar(g, y, x=None, dx=1.0, axis=-1):
    """Adjoint of ``np.trapezoid(y, x, dx, axis)`` in ``x`` (0 when ``x`` is None)."""
    if x is None:
        return None
    axis = axis % np.ndim(y)
    part = np.expand_dims(as_array(g, dtype=float), axis) * _pairs(y, axis)
    x = as_array(x)
    if x.ndim == 1:
        width = np.sum(part, axis=tuple(i for i in range(part.ndim) if i != axis))
        return _diff_transpose(width, 0)
    return _diff_transpose(_reduce_to(part, np.shape(np.diff(x, axis=axis))), axis)


@fact(allocates=True)
def trapezoid_dx_bar(g, y, x=None, dx=1.0, axis=-1):
    """Adjoint of ``np.trapezoid(y, x, dx, axis)`` in ``dx`` (0 when ``x`` is given)."""
    axis = axis % np.ndim(y)
    if x is not None:
        return np.zeros(np.shape(dx))
    part = np.expand_dims(as_array(g, dtype=float), axis) * _pairs(y, axis)
    return _reduce_to(part, np.shape(dx))


@fact(allocates=True)
def trapezoid_dot(y, x, dx, axis, ty, tx, tdx):
    """Tangent of ``np.trapezoid(y, x, dx, axis)`` along the steps ``ty``, ``tx``, ``tdx``
    of ``y``, ``x`` and ``dx`` (``tx`` read only when ``x`` is given, ``tdx`` only when
    it is not)."""
    axis = axis % np.ndim(y)
    ty = np.broadcast_to(as_array(ty, dtype=float), np.shape(y))
    out = np.sum(_spacing(y, x, dx, axis) * _pairs(ty, axis), axis=axis)
    if x is None:
        return out + np.sum(as_array(tdx, dtype=float) * _pairs(y, axis), axis=axis)
    tx = np.broadcast_to(as_array(tx, dtype=float), np.shape(x))
    return out + np.sum(_spacing(y, tx, dx, axis) * _pairs(y, axis), axis=axis)


# (each adjoint is linear in g and, apart, in (x, dx) or in y: its tangent has two parts)

@tangent_beside(trapezoid_y_bar)
def trapezoid_y_bar_tangent(out, g, y, x, dx, axis, g_dot, x_dot, dx_dot):
    return (trapezoid_y_bar(g_dot, y, x, dx, axis)
            + trapezoid_y_bar_dot(g, y, x, dx, axis, x_dot, dx_dot))


@fact(allocates=True)
def trapezoid_y_bar_dot(g, y, x, dx, axis, tx, tdx):
    """The part of the tangent of :func:`trapezoid_y_bar` from the step ``tx`` of ``x``,
    or ``tdx`` of ``dx``."""
    if x is None:
        return trapezoid_y_bar(g, y, None, as_array(tdx, dtype=float), axis)
    tx = np.broadcast_to(as_array(tx, dtype=float), np.shape(x))
    return trapezoid_y_bar(g, y, tx, dx, axis)


@tangent_beside(trapezoid_x_bar)
def trapezoid_x_bar_tangent(out, g, y, x, dx, axis, g_dot, y_dot):
    return (trapezoid_x_bar(g_dot, y, x, dx, axis)
            + trapezoid_x_bar(g, y_dot, x, dx, axis))


@tangent_beside(trapezoid_dx_bar)
def trapezoid_dx_bar_tangent(out, g, y, x, dx, axis, g_dot, y_dot):
    return (trapezoid_dx_bar(g_dot, y, x, dx, axis)
            + trapezoid_dx_bar(g, y_dot, x, dx, axis))


# ------------------------------------------------------------------ NaNs


@fact(allocates=True, linear=("g",))
def nan_extremum_bar(g, y, x, axis=None, keepdims=False, initial=None, where=True):
    """Adjoint of ``np.nanmax``/``np.nanmin``: ``g`` shared equally among the tied
    extrema of each slot, 0 at NaN entries (and in slots of NaN only).  With ``initial``
    (a constant) that value is one more candidate, which takes its equal share where it
    ties; with ``where`` only the elements it selects are candidates."""
    x = as_array(x)
    axes = _axes(axis, x.ndim)
    if not keepdims:
        y = np.reshape(y, _keepdims_shape(x.shape, axes))
        g = np.reshape(g, _keepdims_shape(x.shape, axes))
    mask = x == y
    if where is not True:
        mask = mask & np.broadcast_to(where, x.shape)
    count = np.sum(mask, axis=axes, keepdims=True)
    if initial is not None:
        count = count + np.equal(y, initial)
    return g * mask / np.maximum(count, 1)


# ------------------------------------------------------------------ trace


@fact(allocates=True, linear=("g",))
def trace_bar(g, a, offset=0, axis1=0, axis2=1):
    """Adjoint of ``np.trace(a, offset, axis1, axis2)``: ``g`` on the diagonal."""
    shape = np.shape(a)
    ndim = len(shape)
    axis1, axis2 = axis1 % ndim, axis2 % ndim
    n1, n2 = shape[axis1], shape[axis2]
    eye = np.eye(n1, n2, k=offset)
    rest = [i for i in range(ndim) if i not in (axis1, axis2)]
    g = np.reshape(as_array(g, dtype=float), [shape[i] for i in rest] + [1, 1])
    out = g * eye   # the other axes first, then axis1, axis2
    return fresh(np.moveaxis(out, (ndim - 2, ndim - 1), (axis1, axis2)))
