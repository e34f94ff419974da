"""Runtime helpers of the scipy.special rules (:mod:`s2sad.rules.scipy_special`): plain
numpy and scipy functions that generated code calls.  Only the scipy.special rule module imports
this module (scipy stays optional: nothing else in s2sad imports it); their tangent rules
(second order) are registered by that rule module.
"""

import scipy.special as sps

from .runtime.numpy_view import np
from .errors import NoDerivativeRuleError
from .rules.records import fact


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        return tuple(sorted(a % ndim for a in axis))
    return (axis % ndim,)


@fact(allocates=True, linear=("g",))
def lse_keep(g, a, b=None, axis=None, keepdims=False, return_sign=False):
    """``g`` (the result of ``logsumexp(a, axis, b, keepdims)`` or its adjoint) with the
    reduced axes kept (length 1), so that it broadcasts against ``a`` and ``b``.

    Refuses ``return_sign=True`` (a pair of results: the log of the absolute value and
    the sign): s2sad differentiates ``logsumexp`` of positive sums only."""
    if return_sign:
        raise NoDerivativeRuleError(
            "no derivative rule for scipy.special.logsumexp(..., return_sign=True)",
            hint="differentiate logsumexp without return_sign (weights b whose sums are "
                 "positive), or write a rule for your own function with "
                 "@s2sad.adjoint and @s2sad.tangent")
    # (a new value, never g itself nor a view of it)
    if axis is None or keepdims:
        return g + 0.0   # a number broadcasts as it is; kept axes are kept already
    shape = np.shape(a) if b is None else np.broadcast_shapes(np.shape(a), np.shape(b))
    axes = _axes(axis, len(shape))
    return np.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape))) + 0.0


@fact(allocates=True)
def lse_weigh(w, b=None):
    """``w * b``, or ``w`` itself when there are no weights ``b`` (``logsumexp``'s
    default): the slope of ``logsumexp`` in ``a`` is ``b * exp(a - y)``."""
    if b is None:
        return w
    return w * b


@fact(allocates=True)
def multi_polygamma(n, a, d):
    """The ``n``-th derivative of ``digamma`` summed as ``multigammaln(a, d)``'s
    derivative needs it: ``sum_{j<d} polygamma(n, a - j/2)`` (``n = 0``: the slope of
    ``multigammaln`` in ``a``)."""
    a = np.asarray(a, dtype=float)
    out = sum(sps.polygamma(n, a - 0.5 * j) for j in range(int(d)))
    return out[()] if np.ndim(out) == 0 else out


@fact(allocates=True)
def polygamma_of(n, x):
    """``scipy.special.polygamma(n, x)``, for an integer order ``n`` of 1 or more
    computed as scipy computes it, ``(-1)**(n + 1) * gamma(n + 1) * zeta(n + 1, x)``,
    with ufuncs only: a Dask ``x`` stays lazy, where scipy's ``polygamma`` turns its
    arguments into numpy arrays (a compute).  The derivatives of ``digamma`` and
    ``polygamma`` call it."""
    if type(n) is int and n >= 1:
        return (-1.0) ** (n + 1) * sps.gamma(n + 1.0) * sps.zeta(n + 1, x)
    return sps.polygamma(n, x)


def polygamma_of_tangent(out, n, x, x_dot):
    return polygamma_of(n + 1, x) * x_dot


def lse_weigh_tangent(out, w, b, w_dot, b_dot):
    return lse_weigh(w_dot, b) + w * b_dot


def multi_polygamma_tangent(out, n, a, d, a_dot):
    return multi_polygamma(n + 1, a, d) * a_dot


