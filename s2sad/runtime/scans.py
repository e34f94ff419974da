"""Adjoints and tangents of numpy's statistics, scans and differences (issue 14):
``np.var``/``np.std``/``np.average``/``np.ptp``, ``np.cumsum``/``np.cumprod``, ``np.diff``,
``np.ediff1d``, ``np.trapezoid``, the NaN-ignoring reductions and ``np.trace``.

Input: the adjoint ``g`` of the op's result (or a tangent) and the primal values; output:
an array of the argument's shape.  Each helper says which of its arguments it is linear
in (``@fact(linear=...)``: its tangent is derived) or writes its tangent beside it, so
second order (forward over reverse) differentiates the code that calls it.
"""

from .numpy_view import np
from .duck import as_array, as_like, deferred, fresh, is_duck, size_of, stacked, unknown_shape

from ..errors import S2sadError
from ..rules.records import fact, tangent_beside
from .reductions import _keepdims_shape, _normalize_axes
from .shapes import unbroadcast


class NotDifferentiableError(S2sadError, ValueError):
    """An op was differentiated at a point where its derivative does not exist (a
    standard deviation of equal values, a norm whose derivative is not unique...)."""


class OrderLimitError(NotDifferentiableError):
    """A derivative of an order s2sad does not compute for an op (the third derivative
    of ``np.linalg.norm(x, 2)`` of a vector...): a limit of s2sad's rules, not of the
    function, reached when derivatives are nested (``hvp`` over a ``jvp``...)."""


def _axes(axis, ndim):
    return _normalize_axes(axis, ndim)


@fact(allocates=True)
def reduced_count(a, axis=None, ddof=0, where=True):
    """How many values each result of a reduction of ``a`` along ``axis`` combines, less
    ``ddof`` (a float; the divisor of ``np.var``).  With ``where`` (``np.var(a,
    where=m)``), the values the mask selects, an array with the reduced axes kept (of
    length 1), 1 in a slot selecting none (whose deviations are 0: no division of 0 by
    0)."""
    if where is not True:
        mask = np.broadcast_to(as_array(where), np.shape(a))
        count = np.sum(mask, axis=_axes(axis, np.ndim(a)), keepdims=True, dtype=np.float64)
        return np.where(count > 0, count - ddof, 1.0)
    shape = np.shape(a)
    count = 1
    for i in _axes(axis, len(shape)):
        count *= shape[i]
    return float(count - ddof)


@fact(allocates=True, linear=("a",))
def deviations(a, axis=None, where=True):
    """``a`` less its mean along ``axis``: the deviations ``np.var`` and ``np.std`` square.
    With ``where`` (a mask that broadcasts to ``a``'s shape) those of the elements it
    selects from their own mean, 0 at the others.  A projection, its own transpose: the
    adjoint of ``a`` is ``deviations`` of the cotangent."""
    if where is True:
        return a - np.mean(a, axis=axis, keepdims=True)
    a = as_array(a)
    mask = np.broadcast_to(as_array(where), a.shape)
    axes = _axes(axis, a.ndim)
    count = np.maximum(np.sum(mask, axis=axes, keepdims=True), 1)
    zero = np.zeros((), a.dtype)
    mean = np.sum(np.where(mask, a, zero), axis=axes, keepdims=True) / count
    return np.where(mask, a - mean, zero)


@fact(view=True)
def selected_or_nan(a, where=True):
    """``a`` with NaN where ``where`` (a mask that broadcasts to ``a``'s shape) leaves an
    element out: ``np.nanmean(a, where=m)`` is ``np.nanmean(selected_or_nan(a, m))``, and
    so for each NaN-ignoring reduction.  ``a`` itself where the mask is ``True``."""
    if where is True:
        return a
    return np.where(where, a, np.nan)


@tangent_beside(selected_or_nan)
def selected_or_nan_tangent(out, a, where, a_dot):
    return np.where(where, a_dot, 0.0)


@fact(allocates=True)
def deviations_from(a, mean=None, axis=None, where=True):
    """``a`` less ``mean``, the deviations ``np.var(a, mean=m)`` squares (numpy >= 2.0),
    0 where ``where`` leaves an element out; without ``mean``, ``a`` less its own mean
    (:func:`deviations`)."""
    if mean is None:
        return deviations(a, axis, where)
    d = as_array(a) - mean
    if where is True:
        return d
    return np.where(np.broadcast_to(as_array(where), np.shape(d)), d, np.zeros((), d.dtype))


@fact(allocates=True)
def singular_at_zero(a, axis=None, where=True, mean=None):
    """Where (in ``a``'s shape, reduced axes kept) a standard deviation of 0 has no
    derivative: a slot of two values or more; not one of one value, its own mean, whose
    standard deviation is 0 near the point too (derivative 0), unless ``mean`` is given
    (``np.std(a, mean=m)`` of one value is ``|a - m|``)."""
    count = reduced_count(a, axis, 0, where)
    return count > (1 if mean is None else 0)


@fact(allocates=True, linear=("a_dot", "mean_dot"))
def deviations_from_dot(a_dot, mean_dot, mean=None, axis=None, where=True):
    """The tangent of :func:`deviations_from`: linear in ``a`` and ``mean`` together
    (``mean_dot``, a 0 where ``mean`` is None, is not read then: the deviations from
    ``a``'s own mean)."""
    return deviations_from(a_dot, None if mean is None else mean_dot, axis, where)


@tangent_beside(deviations_from)
def deviations_from_tangent(out, a, mean, axis, where, a_dot, mean_dot):
    return deviations_from_dot(a_dot, mean_dot, mean, axis, where)


@fact(allocates=True, linear=("g",))
def given_mean_bar(g, mean=None):
    """The adjoint of ``np.var(a, mean=m)``'s ``m`` from ``g``, that of ``a``: ``-g``
    summed to ``m``'s shape (the var reads ``a - m``); None without ``mean``."""
    if mean is None:
        return None
    return -unbroadcast(g, mean)


@fact(allocates=True)
def notnan_count(a, axis=None, ddof=0, keepdims=False):
    """How many values that are not NaN each reduction of ``a`` combines, less ``ddof``
    (1 where all are NaN: the derivative is 0 there, not 0 / 0)."""
    count = np.sum(~np.isnan(a), axis=axis, keepdims=keepdims)
    return np.where(count == 0, 1, count - ddof)


def nonzero_checked(y, what, needed=None):
    """``y``, after checking none of its values is 0 (where ``what``'s derivative, which
    divides by ``y``, does not exist).  ``needed``: the cotangent an adjoint divides by
    ``y``; where it is 0 nothing flows, so a 0 of ``y`` there is given as 1, not refused
    (the standard deviation of values that are equal but whose result is not used).
    On a Dask array the check runs when the values are computed (``duck.deferred``)."""
    if is_duck(y) or is_duck(needed):
        if needed is None:
            return deferred(lambda block: _nonzero_checked(block, what), y)
        return deferred(lambda block, part: _nonzero_checked(block, what, part),
                        as_like(y, needed), needed)
    return _nonzero_checked(y, what, needed)


def _nonzero_checked(y, what, needed=None):
    zero = as_array(y) == 0
    if not np.any(zero):
        return y
    if needed is not None and not np.any(zero & (as_array(needed) != 0)):
        return np.where(zero, 1.0, y)
    if needed is not None:
        zero = zero & (as_array(needed) != 0)
    raise NotDifferentiableError(
        f"{what} has no derivative here: the derivative divides by a value that is 0 "
        f"({_why(what, zero)})",
        hint=_hint(what))


def _hint(what):
    if "std" in what:   # (a constant added to the values leaves their deviation as it is)
        var = what.replace("std", "var")
        return (f"differentiate a smoothed standard deviation, "
                f"np.sqrt({var}(...) + eps) with a small eps, or leave the argument out of wrt")
    return (f"keep the argument of {what} away from that point (add a small constant, "
            f"or leave the argument out of wrt)")


def _why(what, zero):
    """Why ``what`` has no derivative, naming the first place of ``zero`` (a 0 that
    matters): for ``np.std``, checked in its argument's shape, the slot of an element of
    the argument; for the others, an index of the result."""
    place = ""
    if np.ndim(zero):
        index = tuple(int(i) for i in np.argwhere(zero)[0])
        place = (f" in the reduction that takes the argument's element {index}" if what == "np.std"
                 else f" at index {index} of the result")
    if "std" in what:
        return (f"the standard deviation is 0{place}: the values reduced together there are "
                f"all equal to their mean")
    return f"the value is 0{place}"


@tangent_beside(nonzero_checked)
def nonzero_checked_tangent(out, y, what, needed, y_dot):
    return y_dot


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
