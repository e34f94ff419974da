"""Rules for the numpy functions that make arrays from numbers: ``np.full``,
``np.full_like``, ``np.linspace``, ``np.arange``.

Their values depend on the numbers given (the fill value, the endpoints, the start
and step), which may carry derivatives: ``np.full(3, x)`` is three copies of ``x``.
An integer or bool ``dtype`` makes the result constant (``float_only``).  The
shape-only makers (``np.zeros``, ``np.ones_like``...) stay constants (``numpy_rules``).
"""

import numpy as np

from ..runtime import arange_bar, arange_dot, float_only, linspace_bar, unbroadcast
from .registry import adjoint, tangent


# the fill value broadcasts to the shape: its adjoint is y_bar reduced to its shape (here,
# not by ``broadcast=True``: the result's shape comes from ``shape``, not the fill value)
@adjoint(np.full, nondiff=("shape", "dtype"), allocates=True)
def full_adjoint(y, y_bar, shape, fill_value, dtype=None):
    return unbroadcast(float_only(y_bar, y), fill_value)


@tangent(np.full)
def full_tangent(y, shape, fill_value, dtype, fill_value_dot):
    return float_only(np.full(np.shape(y), fill_value_dot), y)


# (a is read for its shape and dtype only)
@adjoint(np.full_like, nondiff=("a", "dtype"), allocates=True)
def full_like_adjoint(y, y_bar, a, fill_value, dtype=None):
    return unbroadcast(float_only(y_bar, y), fill_value)


@tangent(np.full_like)
def full_like_tangent(y, a, fill_value, dtype, fill_value_dot):
    return float_only(np.full(np.shape(y), fill_value_dot), y)


# (retstep=True, a (samples, step) pair, is not a parameter of the rule: a call passing it
# is refused where it is written, with the hint of rules.hints)
@adjoint(np.linspace, nondiff=("num", "endpoint", "dtype", "axis"), allocates=True)
def linspace_adjoint(y, y_bar, start, stop, num=50, endpoint=True, dtype=None, axis=0):
    parts = linspace_bar(float_only(y_bar, y), start, stop, num, endpoint, axis)
    return unbroadcast(parts[0], start), unbroadcast(parts[1], stop)


@tangent(np.linspace)
def linspace_tangent(y, start, stop, num, endpoint, dtype, axis, start_dot, stop_dot):
    return float_only(np.linspace(start_dot, stop_dot, num, endpoint, axis=axis), y)


# (numpy's first parameter is positional-only, but numpy takes it by the name start too)
@adjoint(np.arange, nondiff=("stop", "dtype"), spellings={"start": "start_or_stop"},
         allocates=True)
def arange_adjoint(y, y_bar, start_or_stop, stop=None, step=1, dtype=None):
    parts = arange_bar(float_only(y_bar, y), start_or_stop, stop, step)
    return parts[0], parts[1]


@tangent(np.arange)
def arange_tangent(y, start_or_stop, stop, step, dtype, start_or_stop_dot, step_dot):
    return arange_dot(y, stop, start_or_stop_dot, step_dot)


# np.logspace(start, stop, ...) is base ** t, t = np.linspace(start, stop, ...): its slope in
# t is y * ln(base), ln(base) broadcast as numpy broadcasts base (read off np.logspace of
# ones in place of start and stop); the base is a constant (no_derivative)
@adjoint(np.logspace, nondiff=("num", "endpoint", "dtype", "axis"), allocates=True,
         no_derivative={"base": "the base of np.logspace is taken as a constant: write "
                                "base ** np.linspace(start, stop, num) to differentiate in "
                                "the base too"})
def logspace_adjoint(y, y_bar, start, stop, num=50, endpoint=True, base=10.0, dtype=None,
                     axis=0):
    rate = np.log(np.logspace(np.ones_like(start), np.ones_like(stop), num, endpoint, base,
                              axis=axis))
    parts = linspace_bar(float_only(y_bar * y * rate, y), start, stop, num, endpoint, axis)
    return unbroadcast(parts[0], start), unbroadcast(parts[1], stop)


@tangent(np.logspace)
def logspace_tangent(y, start, stop, num, endpoint, base, dtype, axis, start_dot, stop_dot):
    rate = np.log(np.logspace(np.ones_like(start), np.ones_like(stop), num, endpoint, base,
                              axis=axis))
    return float_only(y * rate * np.linspace(start_dot, stop_dot, num, endpoint, axis=axis), y)
