"""Elementwise pieces of the rules of ``rules.elementwise_more``: the slopes of
``np.sinc`` (exact at 0, where the quotients are 0 / 0), the modified Bessel functions
``I_n`` that ``np.i0``'s derivatives need (numpy has ``i0`` only), and the masks of
``np.nan_to_num``.  Inputs broadcast together; outputs are new arrays or numbers.
"""

import functools
import math

from .numpy_view import np
from .duck import as_array, deferred, has_blocks

from ..errors import NoDerivativeRuleError
from ..rules.records import fact, tangent_beside

_PI2 = math.pi ** 2
_PI4 = math.pi ** 4
_PI6 = math.pi ** 6
#: below this |x|, the sinc slopes are their Taylor series (the quotients cancel)
_SMALL = 1e-3


def _out(value):
    value = as_array(value)
    return value[()] if value.ndim == 0 else value


@fact(allocates=True)
def sinc_slope(x):
    """The derivative of ``np.sinc(x) = sin(pi x) / (pi x)``: ``(cos(pi x) - sinc(x)) / x``,
    ``-pi^2 x / 3 + pi^4 x^3 / 30`` near 0 (0 at 0)."""
    x = as_array(x, dtype=float)
    small = np.abs(x) < _SMALL
    safe = np.where(small, 1.0, x)
    near = x * (-_PI2 / 3.0 + x * x * _PI4 / 30.0)
    return _out(np.where(small, near, (np.cos(np.pi * safe) - np.sinc(safe)) / safe))


@fact(allocates=True)
def sinc_curve(x):
    """The second derivative of ``np.sinc``: ``(-pi sin(pi x) - 2 sinc'(x)) / x``,
    ``-pi^2 / 3 + pi^4 x^2 / 10 - pi^6 x^4 / 168`` near 0."""
    x = as_array(x, dtype=float)
    small = np.abs(x) < _SMALL
    safe = np.where(small, 1.0, x)
    x2 = x * x
    near = -_PI2 / 3.0 + x2 * (_PI4 / 10.0 - x2 * _PI6 / 168.0)
    far = (-np.pi * np.sin(np.pi * safe) - 2.0 * sinc_slope(safe)) / safe
    return _out(np.where(small, near, far))


@fact(allocates=True)
def bessel_i(n, x):
    """The modified Bessel function of the first kind of integer order ``n``,
    ``I_n(x) = (1 / pi) int_0^pi exp(x cos t) cos(n t) dt`` (``bessel_i(0, x)`` is
    ``np.i0(x)``), by the trapezoidal rule over a whole period, exact to rounding for
    an analytic periodic integrand once the points outnumber ``sqrt(|x|)`` several times."""
    if has_blocks(x):   # (Dask: block by block when computed; the points each block
        #                  needs are read from its own values)
        return deferred(functools.partial(bessel_i, n), x.astype(float))
    x = as_array(x, dtype=float)
    n = abs(int(n))
    biggest = float(np.max(np.abs(x))) if x.size else 0.0
    points = 32 + 2 * n + int(8.0 * math.sqrt(biggest))
    t = (np.arange(points) + 0.5) * (2.0 * np.pi / points)
    values = np.exp(np.multiply.outer(x, np.cos(t))) @ np.cos(n * t) / points
    # near 0 (where I_n is small for n > 0 and the sum above only accurate to I_0's
    # rounding) the power series: sum_k (x/2)^(2k+n) / (k! (k+n)!)
    small = np.abs(x) < 4.0
    if np.any(small):
        half = x / 2.0
        term = half ** n / math.factorial(n)
        series = term
        for k in range(1, 30):
            term = term * half * half / (k * (k + n))
            series = series + term
        values = np.where(small, series, values)
    return _out(values)


@tangent_beside(sinc_slope)
def sinc_slope_tangent(out, x, x_dot):
    return x_dot * sinc_curve(x)


@tangent_beside(bessel_i)
def bessel_i_tangent(out, n, x, x_dot):
    return x_dot * 0.5 * (bessel_i(n - 1, x) + bessel_i(n + 1, x))


@fact(allocates=True)
def finite_mask(x, copy=True):
    """1.0 where ``x`` is finite (``np.nan_to_num`` passed it through), 0.0 where it was
    replaced.  Refuses ``copy=False``: then ``np.nan_to_num`` overwrites ``x`` in place,
    and which elements were replaced is lost."""
    if not copy:
        raise NoDerivativeRuleError(
            "no derivative rule for np.nan_to_num(x, copy=False): it replaces x's values in "
            "place, so which of them were not finite is lost",
            hint="call np.nan_to_num(x) (copy=True, the default) and use its result")
    return np.isfinite(x) * 1.0
