"""Adjoints of ``np.sum``, ``np.mean``, ``np.max``/``np.min`` and ``np.prod`` (whole or
along axes), and the tangent of ``prod_bar``.  Input: the adjoint ``g`` of the
reduction's result and the primal values; output: an array of the argument's shape.
"""

from .numpy_view import np
from .duck import as_array, filled, is_duck, stacked, unknown_shape

from ..rules.records import fact, tangent_beside

from .shapes import float_like


def _normalize_axes(axis, ndim):
    """``axis`` as a sorted tuple of axes of an array of ``ndim`` axes (None: all).  A
    0-d array has none: numpy reduces it over ``axis=0`` or ``axis=-1`` as over no axis
    (and refuses any other axis in the primal code, before an adjoint runs)."""
    if axis is None or not ndim:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        return tuple(sorted(a % ndim for a in axis))
    return (axis % ndim,)



def _keepdims_shape(shape, axes):
    return tuple(1 if i in axes else n for i, n in enumerate(shape))



@fact(allocates=True, linear=("g",))
def sum_bar(g, x, axis=None, keepdims=False, where=True):
    """Adjoint of ``np.sum(x, axis, keepdims, where=where)``: spread ``g`` back over the
    summed axes (0 where ``where``, a mask that broadcasts to ``x``'s shape, leaves an
    element out)."""
    if where is not True:
        return _selected(sum_bar(g, x, axis, keepdims), where)
    shape = np.shape(x)
    if axis is not None and not keepdims:
        axes = _normalize_axes(axis, len(shape))
        if unknown_shape(g):   # (Dask reshapes only known lengths: new axes by indexing)
            g = g[tuple(None if i in axes else slice(None) for i in range(len(shape)))]
        else:
            g = np.reshape(g, _keepdims_shape(shape, axes))
    # a fresh array, not a broadcast view: the adjoint may reach the user, who may
    # write into it (of x's library: a Dask x's adjoint is a lazy Dask array)
    return filled(shape, g, x)



@fact(view=True, linear=("g",))
def expand_summed(g, axis):
    """``g``, the adjoint of ``np.sum(x, axis)``, with the summed axes put back with
    length 1, so that it broadcasts against ``x`` (the adjoint of a product summed
    along axes, ``2.0 * expand_summed(s_bar, -1) * x``).  A number or 0-d ``g`` stays
    as it is: it broadcasts against any shape, and a 0-d ``x``, which numpy sums over
    ``axis=0`` or ``-1``, takes an adjoint of its own shape ``()`` (np.expand_dims would
    make it ``(1,)``)."""
    if not np.ndim(g):
        return g
    return np.expand_dims(g, axis)



@fact(allocates=True, linear=("g",))
def mean_bar(g, x, axis=None, keepdims=False, where=True):
    """Adjoint of ``np.mean(x, axis, keepdims, where=where)``: with ``where``, each
    selected element's share of its mean (a mean of no element, numpy's nan, gives its
    elements nothing: none of them is read)."""
    if where is not True:
        spread = sum_bar(g, x, axis, keepdims)
        count = _where_count(np.shape(x), where, axis, True, as_array(spread).dtype)
        return _selected(spread / np.maximum(count, 1), where)
    shape = np.shape(x)
    axes = _normalize_axes(axis, len(shape))
    count = 1
    for a in axes:
        count *= shape[a]
    if count != count:   # an axis of unknown length (Dask's nan): counted lazily
        count = np.sum(np.ones_like(x, dtype=np.float64), axis=axes, keepdims=True)
    return sum_bar(g, x, axis, keepdims) / count



def _selected(t, where):
    """``t`` where the mask ``where`` (broadcast to ``t``'s shape) holds, 0 elsewhere: a
    new array of ``t``'s shape and dtype."""
    return np.where(np.broadcast_to(where, np.shape(t)), t, np.zeros((), as_array(t).dtype))


def _where_count(shape, where, axis=None, keepdims=False, dtype=np.float64):
    """How many elements of an array of ``shape`` the mask ``where`` selects in each
    reduction over ``axis``, in the float ``dtype``."""
    mask = np.broadcast_to(as_array(where), shape)
    return np.sum(mask, axis=_normalize_axes(axis, len(shape)), keepdims=keepdims,
                  dtype=dtype)


# which elements are extremal is piecewise constant in y and x: only g varies it
@fact(allocates=True, linear=("g",))
def extremum_bar(g, y, x, axis=None, keepdims=False, initial=None, where=True):
    """Adjoint of ``np.max``/``np.min``: ``g`` shared equally among the tied extrema.

    With ``initial`` (``np.max(x, initial=v)``) that value is one more candidate, a
    constant: where it is the result alone ``x`` gets nothing, and where it ties with
    elements of ``x`` it takes its equal share; with ``where`` only the elements it
    selects are candidates."""
    shape = np.shape(x)
    axes = _normalize_axes(axis, len(shape))
    if not keepdims:
        y = np.reshape(y, _keepdims_shape(shape, axes))
        g = np.reshape(g, _keepdims_shape(shape, axes))
    mask = as_array(x) == y
    if initial is not None or where is not True:
        mask = mask & np.broadcast_to(where, shape)
        count = np.sum(mask, axis=axes, keepdims=True)
        if initial is not None:
            count = count + np.equal(y, initial)
        return g * mask / np.maximum(count, 1)
    if is_duck(mask):   # no look at the values (a Dask mask is lazy): share among ties
        return g * mask / np.sum(mask, axis=axes, keepdims=True)
    if np.count_nonzero(mask) == np.size(y) and not np.isnan(y).any():
        # every slot holds its extremum at least once, so exactly once: no ties to share
        return g * mask
    return g * mask / np.sum(mask, axis=axes, keepdims=True)



def _masked_products(helper, g, x, steps, axis, keepdims, where, initial):
    """``helper(g, x, *steps, axis, keepdims)`` for ``np.prod(x, where=where,
    initial=initial)``: ``x`` is 1 where the mask leaves it out (those elements read by
    no product), the steps 0 there, the result 0 there and times the constant
    ``initial``."""
    mask = np.broadcast_to(as_array(True if where is None else where), np.shape(x))
    x = as_array(x)
    x = np.where(mask, x, np.ones((), x.dtype))
    steps = [_selected(np.broadcast_to(as_array(s), np.shape(x)), mask) for s in steps]
    out = _selected(helper(g, x, *steps, axis, keepdims), mask)
    return out if initial is None else out * initial


@fact(allocates=True)
def prod_bar(g, x, axis=None, keepdims=False, where=True, initial=None):
    """Adjoint of ``np.prod(x, axis, keepdims=keepdims, where=where, initial=initial)``:
    the product of all *other* (selected) elements, exact with zeros."""
    if where is not True or initial is not None:
        return _masked_products(prod_bar, g, x, (), axis, keepdims, where, initial)
    x = as_array(x)
    shape = x.shape
    if axis is None:
        flat = x.reshape(-1)
        others = _exclusive_products(flat, 0).reshape(shape)
        return np.reshape(g, ()) * others
    axes = _normalize_axes(axis, x.ndim)
    if not keepdims:
        g = np.reshape(g, _keepdims_shape(shape, axes))
    moved = np.moveaxis(x, axes, tuple(range(len(axes))))
    lead = moved.shape[:len(axes)]
    flat = moved.reshape((-1,) + moved.shape[len(axes):])
    others = _exclusive_products(flat, 0).reshape(lead + moved.shape[len(axes):])
    others = np.moveaxis(others, tuple(range(len(axes))), axes)
    return g * others



def _exclusive_products(x, axis):
    """Product of every element but the one at each position, along ``axis``."""
    n = x.shape[axis]
    if n == 0:
        return np.ones_like(x)  # empty: nothing to multiply
    ones = np.ones_like(np.take(x, [0], axis=axis))
    first = np.arange(n - 1)   # (an array, not a range: Dask takes no range)
    left = np.cumprod(np.concatenate([ones, np.take(x, first, axis=axis)], axis=axis), axis=axis)
    rev = np.flip(x, axis=axis)
    right = np.cumprod(np.concatenate([ones, np.take(rev, first, axis=axis)], axis=axis), axis=axis)
    return left * np.flip(right, axis=axis)



def _exclusive_products_dot(x, x_dot):
    """Tangent of the exclusive products of ``x`` along axis 0."""
    n = x.shape[0]
    if n == 0:
        return np.zeros_like(x)
    left = [np.ones_like(x[0])] * n
    left_dot = [np.zeros_like(x[0])] * n
    acc, acc_dot = np.ones_like(x[0]), np.zeros_like(x[0])
    for i in range(n):
        left[i], left_dot[i] = acc, acc_dot
        acc, acc_dot = acc * x[i], acc_dot * x[i] + acc * x_dot[i]
    rows = [None] * n
    acc, acc_dot = np.ones_like(x[0]), np.zeros_like(x[0])
    for i in range(n - 1, -1, -1):
        rows[i] = left_dot[i] * acc + left[i] * acc_dot
        acc, acc_dot = acc * x[i], acc_dot * x[i] + acc * x_dot[i]
    return stacked(rows, x)



@fact(allocates=True)
def prod_bar_x_dot(g, x, v, axis=None, keepdims=False, where=True, initial=None):
    """Tangent of ``prod_bar(g, x, axis, keepdims, where, initial)`` along ``v`` (a step
    of ``x``; ``g`` held fixed)."""
    if where is not True or initial is not None:
        return _masked_products(prod_bar_x_dot, g, x, (v,), axis, keepdims, where, initial)
    x = as_array(x, dtype=float_like(x))
    v = np.broadcast_to(as_array(v, dtype=x.dtype), x.shape)
    shape = x.shape
    if axis is None:
        others_dot = _exclusive_products_dot(x.reshape(-1), v.reshape(-1)).reshape(shape)
        return np.reshape(g, ()) * others_dot
    axes = _normalize_axes(axis, x.ndim)
    if not keepdims:
        g = np.reshape(g, _keepdims_shape(shape, axes))
    front = tuple(range(len(axes)))
    moved, moved_dot = np.moveaxis(x, axes, front), np.moveaxis(v, axes, front)
    lead = moved.shape[:len(axes)]
    rest = moved.shape[len(axes):]
    dot = _exclusive_products_dot(moved.reshape((-1,) + rest),
                                  moved_dot.reshape((-1,) + rest)).reshape(lead + rest)
    return g * np.moveaxis(dot, front, axes)


# ------------------------------------------- tangent rules (second order)


@tangent_beside(prod_bar)
def prod_bar_tangent(out, g, x, axis, keepdims, where, initial, g_dot, x_dot):
    return (prod_bar(g_dot, x, axis, keepdims, where, initial)
            + prod_bar_x_dot(g, x, x_dot, axis, keepdims, where, initial))

