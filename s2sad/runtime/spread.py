"""The spread of values: the helpers of ``np.var``'s, ``np.std``'s and the NaN-ignoring
reductions' rules (the counts a reduction divides by, the deviations it squares, the
check of a standard deviation of 0, where= as NaN), and the errors of a derivative that
does not exist.  Re-exported by :mod:`.scans`, whose conventions they follow."""

from .numpy_view import np
from .duck import as_array, as_like, deferred, is_duck

from ..errors import S2sadError
from ..rules.records import fact, tangent_beside
from .reductions import _normalize_axes
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
