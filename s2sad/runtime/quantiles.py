"""Adjoints and tangents of ``np.quantile``, ``np.percentile`` and ``np.median``
(issue 14), ``q`` constant, for the methods ``'linear'`` (the default), ``'lower'``,
``'higher'`` and ``'midpoint'``: each quantile is a weighted sum of (at most) two of the
sorted values, so its derivative puts those weights on the elements sorted there.

Ties: the elements are ranked by a stable sort (``np.argsort(kind="stable")``), so among
equal values the one first in the array takes the lower rank, and the derivative
goes to the elements at the ranks the quantile reads (one convention of several: the
derivative does not exist there).  Other methods are refused.
"""

from .numpy_view import np
from .duck import as_array, is_duck, size_of

from ..rules.records import fact
from .scans import NotDifferentiableError

_METHODS = ("linear", "lower", "higher", "midpoint")


def constant_q(what):
    """Raise: the rule of ``what`` (np.quantile...) takes ``q`` as a constant, and the
    generated code found ``q`` carrying a derivative."""
    raise NotDifferentiableError(
        f"{what}: s2sad differentiates it in its values, not in q, which carries a "
        f"derivative here (the derivative in q jumps where (n - 1) q is a whole number)",
        hint="pass q as a constant (computed outside the differentiated function, or "
             "left out of wrt)")


def constant_q_dot(q_dot, what):
    """0, or raise (see :func:`constant_q`) when ``q``'s tangent is not 0."""
    if np.any(as_array(q_dot) != 0):
        constant_q(what)
    return 0.0


def _ranks(n, q, method, scale):
    """The two ranks each quantile reads and the weight of the upper one: arrays of shape
    ``(..., Q)`` for ``n`` (the count of each slot, ``(..., 1)``) and ``Q`` quantiles."""
    if method not in _METHODS:
        raise NotDifferentiableError(
            f"np.quantile: s2sad differentiates the methods {', '.join(_METHODS)}, not "
            f"method={method!r}", hint="use method='linear' (the default)")
    top = np.maximum(n - 1, 0)
    h = top * (np.ravel(as_array(q, dtype=float)) / scale)
    lo = np.floor(h).astype(int)
    hi = np.minimum(lo + 1, top)
    frac = h - lo
    if method == "lower":
        frac = np.zeros_like(frac)
    elif method == "higher":
        frac = (frac > 0).astype(float)
    elif method == "midpoint":
        frac = np.where(frac > 0, 0.5, 0.0)
    return lo, hi, np.where(n > 0, frac, 0.0), n > 0


def _parts(a, q, axis, method, scale, skipnan):
    """``a`` with the reduced axes last and flattened, its sort order, the ranks read
    (NaN entries, sorted last, are left out of the count with ``skipnan``)."""
    flat, axes, rest = _moved(a, axis)
    order = np.argsort(flat, axis=-1, kind="stable")
    if skipnan:
        n = np.sum(~np.isnan(flat), axis=-1, keepdims=True)
    else:
        n = np.full(rest + (1,), flat.shape[-1])
    lo, hi, frac, some = _ranks(n, q, method, scale)
    return flat, axes, rest, order, lo, hi, frac, some


def _moved(a, axis):
    """``a`` with the reduced axes last, flattened into one, and those axes (sorted)."""
    a = as_array(a, dtype=float)
    if axis is None:
        axes = tuple(range(a.ndim))
    else:
        axes = tuple(sorted(x % a.ndim for x in (axis if isinstance(axis, tuple) else (axis,))))
    rest = [n for i, n in enumerate(a.shape) if i not in axes]
    moved = np.moveaxis(a, axes, tuple(range(a.ndim - len(axes), a.ndim)))
    return np.reshape(moved, tuple(rest) + (-1,)), axes, tuple(rest)


def _out_shape(shape, axes, rest, q, keepdims):
    kept = tuple(1 if i in axes else n for i, n in enumerate(shape)) if keepdims else rest
    return np.shape(q) + kept


@fact(allocates=True)   # (linear in g; q, a constant, is refused otherwise: see its rules)
def quantile_bar(g, a, q, axis=None, method="linear", keepdims=False, scale=1.0,
                 skipnan=False):
    """Adjoint of ``np.quantile(a, q, axis, method=method, keepdims=keepdims)`` in ``a``
    (``np.percentile``: ``scale=100``; ``np.nanquantile``: ``skipnan=True``)."""
    shape = np.shape(a)
    flat, axes, rest, order, lo, hi, frac, some = _parts(a, q, axis, method, scale, skipnan)
    # g with the quantiles last: (..., Q)
    g = np.moveaxis(np.reshape(as_array(g, dtype=float), (size_of(q),) + rest), 0, -1)
    positions = np.arange(flat.shape[-1])
    weights = ((1.0 - frac)[..., None] * (positions == lo[..., None])
               + frac[..., None] * (positions == hi[..., None])) * some[..., None]
    sorted_bar = np.einsum("...q,...qn->...n", g, weights)
    if is_duck(sorted_bar):   # (np.put_along_axis writes into a Dask array's numpy copy
        #                        only: read back through the inverse permutation instead)
        out = np.take_along_axis(sorted_bar, np.argsort(as_array(order), axis=-1), axis=-1)
    else:
        out = np.empty_like(sorted_bar)
        np.put_along_axis(out, order, sorted_bar, axis=-1)
    out = np.reshape(out, rest + tuple(shape[i] for i in axes))
    k = len(axes)
    return np.moveaxis(out, tuple(range(len(shape) - k, len(shape))), axes)


@fact(allocates=True)
def quantile_dot(a, a_dot, q, axis=None, method="linear", keepdims=False, scale=1.0,
                 skipnan=False):
    """Tangent of ``np.quantile(a, q, axis, method=method, keepdims=keepdims)``."""
    shape = np.shape(a)
    flat, axes, rest, order, lo, hi, frac, some = _parts(a, q, axis, method, scale, skipnan)
    flat_dot, _, _ = _moved(np.broadcast_to(as_array(a_dot, dtype=float), shape), axis)
    sorted_dot = np.take_along_axis(flat_dot, order, axis=-1)
    full = rest + (size_of(q),)
    value = ((1.0 - frac) * np.take_along_axis(sorted_dot, np.broadcast_to(lo, full), -1)
             + frac * np.take_along_axis(sorted_dot, np.broadcast_to(hi, full), -1))
    value = np.moveaxis(np.where(some, value, 0.0), -1, 0)   # (Q, ...)
    return np.reshape(value, _out_shape(shape, axes, rest, q, keepdims))
