"""numba versions of the elementwise pieces of rules (:mod:`s2sad.runtime.elementwise`):
the masks of ties and of ``np.clip``, the slopes of ``a ** b`` and ``x log y``.

Numbers compile to scalar code (a comparison, one ``pow``); arrays to numpy's own
broadcasting expressions, as the numpy helper computes them.  0-d arrays are not
ported (generated code meets numbers there).  Called from Python, each name runs the
numpy helper.
"""

import numpy as np
from numba.extending import overload

from ...runtime import elementwise as _numpy
from ...runtime import elementwise_more as _numpy_more
from .kinds import elementwise_case, is_none, on_numbers
from .refusals import literal, raiser, refusal, refusal_unknown


def tie_mask(a, b):
    """:func:`s2sad.runtime.tie_mask` (numba: see the module)."""
    return _numpy.tie_mask(a, b)


def clip_mask(a, a_min, a_max):
    """:func:`s2sad.runtime.clip_mask` (numba: see the module)."""
    return _numpy.clip_mask(a, a_min, a_max)


def clip_lower_mask(a, a_min, a_max):
    """:func:`s2sad.runtime.clip_lower_mask` (numba: see the module)."""
    return _numpy.clip_lower_mask(a, a_min, a_max)


def clip_upper_mask(a, a_min, a_max):
    """:func:`s2sad.runtime.clip_upper_mask` (numba: see the module)."""
    return _numpy.clip_upper_mask(a, a_min, a_max)


def power_slope(a, b, c=1.0):
    """:func:`s2sad.runtime.power_slope` (numba: see the module)."""
    return _numpy.power_slope(a, b, c)


def power_log(y, a, b=None):
    """:func:`s2sad.runtime.power_log` (numba: see the module)."""
    return _numpy.power_log(y, a, b)


def xlogy(x, y):
    """:func:`s2sad.runtime.xlogy` (numba: see the module)."""
    return _numpy.xlogy(x, y)


def quotient_slope(v, y, b):
    """:func:`s2sad.runtime.quotient_slope` (numba: see the module)."""
    return _numpy.quotient_slope(v, y, b)


@overload(tie_mask, inline=on_numbers)
def _tie_mask(a, b):
    case = elementwise_case(a, b)
    if case == "numbers":
        return lambda a, b: (1.0 if a > b else 0.0) + (0.5 if a == b else 0.0)
    if case == "arrays":
        return lambda a, b: np.greater(a, b) + 0.5 * np.equal(a, b)
    return None


@overload(clip_mask, inline=on_numbers)
def _clip_mask(a, a_min, a_max):
    case = elementwise_case(a, a_min, a_max)
    low, high = not is_none(a_min), not is_none(a_max)
    if case == "numbers":
        def numbers(a, a_min, a_max):
            inside = True
            if low:
                inside = inside and a >= a_min
            if high:
                inside = inside and a <= a_max
            return 1.0 if inside else 0.0
        return numbers
    if case != "arrays":
        return None
    if low and high:
        return lambda a, a_min, a_max: (np.greater_equal(a, a_min)
                                        & np.less_equal(a, a_max)) * 1.0
    if low:
        return lambda a, a_min, a_max: np.greater_equal(a, a_min) * 1.0
    if high:
        return lambda a, a_min, a_max: np.less_equal(a, a_max) * 1.0
    return lambda a, a_min, a_max: np.ones(a.shape)


@overload(clip_lower_mask, inline=on_numbers)
def _clip_lower_mask(a, a_min, a_max):
    case = elementwise_case(a, a_min, a_max)
    if case is None or is_none(a_min):
        return None
    if case == "numbers":
        if is_none(a_max):
            return lambda a, a_min, a_max: 1.0 if a < a_min else 0.0
        return lambda a, a_min, a_max: 1.0 if a < a_min and a_min <= a_max else 0.0
    if is_none(a_max):
        return lambda a, a_min, a_max: np.less(a, a_min) * 1.0
    return lambda a, a_min, a_max: (np.less(a, a_min) & np.less_equal(a_min, a_max)) * 1.0


@overload(clip_upper_mask, inline=on_numbers)
def _clip_upper_mask(a, a_min, a_max):
    case = elementwise_case(a, a_min, a_max)
    if case is None or is_none(a_max):
        return None
    if case == "numbers":
        if is_none(a_min):
            return lambda a, a_min, a_max: 1.0 if a > a_max else 0.0
        return lambda a, a_min, a_max: 1.0 if max(a, a_min) > a_max else 0.0
    if is_none(a_min):
        return lambda a, a_min, a_max: np.greater(a, a_max) * 1.0
    return lambda a, a_min, a_max: np.greater(np.maximum(a, a_min), a_max) * 1.0


@overload(power_slope, inline=on_numbers)
def _power_slope(a, b, c=1.0):
    case = elementwise_case(a, b, c)
    if case == "numbers":
        def numbers(a, b, c=1.0):
            scale = c * b
            if scale == 0:
                return 0.0
            return scale * np.power(np.float64(a), b - 1)
        return numbers
    if case == "arrays":
        def arrays(a, b, c=1.0):
            scale = c * b
            zero = np.equal(scale, 0)
            base = np.where(zero, 1.0, a)
            return np.where(zero, 0.0, scale * np.power(base, np.subtract(b, 1)))
        return arrays
    return None


@overload(quotient_slope, inline=on_numbers)
def _quotient_slope(v, y, b):
    case = elementwise_case(v, y, b)
    if case == "numbers":
        return lambda v, y, b: 0.0 if np.isinf(y) and b != 0 else v / b
    if case == "arrays":
        return lambda v, y, b: np.where(np.logical_and(np.isinf(y), np.not_equal(b, 0)), 0.0,
                                        np.divide(v, b))
    return None


@overload(power_log, inline=on_numbers)
def _power_log(y, a, b=None):
    case = elementwise_case(y, a, b)
    if case == "numbers":
        return lambda y, a, b=None: 0.0 if a == 0 else y * np.log(np.float64(a))
    if case == "arrays":
        def arrays(y, a, b=None):
            zero = np.equal(a, 0)
            return np.where(zero, 0.0, y * np.log(np.where(zero, 1.0, a)))
        return arrays
    return None


@overload(xlogy, inline=on_numbers)
def _xlogy(x, y):
    case = elementwise_case(x, y)
    if case == "numbers":
        return lambda x, y: 0.0 if x == 0 else x * np.log(np.float64(y))
    if case == "arrays":
        def arrays(x, y):
            zero = np.equal(x, 0)
            return np.where(zero, 0.0, x * np.log(np.where(zero, 1.0, y)))
        return arrays
    return None


def finite_mask(x, copy=True):
    """:func:`s2sad.runtime.finite_mask` (numba: see the module)."""
    return _numpy_more.finite_mask(x, copy)


@overload(finite_mask, prefer_literal=True)
def _finite_mask(x, copy=True):
    copies = literal(copy)
    if copies is refusal_unknown or elementwise_case(x) is None:
        return None
    if not copies:
        kind, constants = refusal(_numpy_more.finite_mask, 1.0, False)
        return raiser(kind, constants, "x, copy=True")
    if elementwise_case(x) == "numbers":
        return lambda x, copy=True: 1.0 if np.isfinite(x) else 0.0
    return lambda x, copy=True: np.isfinite(x) * 1.0


def sinc_slope(x):
    """:func:`s2sad.runtime.sinc_slope` (numba: see the module)."""
    return _numpy_more.sinc_slope(x)


_SMALL, _PI2, _PI4 = _numpy_more._SMALL, _numpy_more._PI2, _numpy_more._PI4


@overload(sinc_slope, inline=on_numbers)
def _sinc_slope(x):
    case = elementwise_case(x)
    if case == "numbers":
        def number(x):
            x = np.float64(x)
            if abs(x) < _SMALL:
                return x * (-_PI2 / 3.0 + x * x * _PI4 / 30.0)
            return (np.cos(np.pi * x) - np.sinc(x)) / x
        return number
    if case == "arrays":
        def arrays(x):
            x = x.astype(np.float64)
            small = np.abs(x) < _SMALL
            safe = np.where(small, 1.0, x)
            near = x * (-_PI2 / 3.0 + x * x * _PI4 / 30.0)
            return np.where(small, near, (np.cos(np.pi * safe) - np.sinc(safe)) / safe)
        return arrays
    return None
