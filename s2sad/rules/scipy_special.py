"""Rules for scipy.special (issue 14), loaded once the user's code has imported
scipy.special (``rules.loading.OPTIONAL_RULES``; s2sad never imports scipy itself).

One adjoint and one tangent per function, side by side, as in ``numpy_rules``.  Each
adjoint is made of functions that have rules themselves (``gammaln``'s slope is
``digamma``, ``digamma``'s is ``polygamma(1, x)``, ``polygamma(n)``'s ``polygamma(n + 1)``,
``i1``'s is made of ``i0`` and ``iv(2, .)``...), so second order needs nothing more.

Integer parameters that select a function (the order ``n`` of ``polygamma``, ``d`` of
``multigammaln``) carry no derivative; real ones s2sad has no slope for (the order ``v``
of ``iv`` and ``ive``, the shape ``a`` of ``gammainc`` and ``gammaincc``) are refused
where they carry one (``no_derivative``), at the call; constant they cost nothing.
``logsumexp(..., return_sign=True)`` is refused (see ``lse_keep``).
"""

import math

import numpy as np
import scipy.special as sps

from ..runtime import reshape_back, unbroadcast
from ..runtime.elementwise import xdivy
from ..scipy_special_runtime import (lse_keep, lse_weigh, lse_weigh_tangent, multi_polygamma,
                                     multi_polygamma_tangent, polygamma_of,
                                     polygamma_of_tangent)
from .elementwise_rules import LN10   # (one object per name in generated code)
from .registry import adjoint, nondifferentiable, same_rule, tangent
from .runtime_rules import linear_helper, runtime_tangent

TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
HALF_SQRT_PI = 0.5 * math.sqrt(math.pi)
SQRT_2PI = math.sqrt(2.0 * math.pi)
LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)

linear_helper(lse_keep, ("g",))
runtime_tangent(lse_weigh)(lse_weigh_tangent)
runtime_tangent(multi_polygamma)(multi_polygamma_tangent)
runtime_tangent(polygamma_of)(polygamma_of_tangent)


# the adjoints of the helpers, for reverse mode over generated code (issue 15): lse_keep
# gives g the reduced axes back (length 1), its transpose takes them away
@adjoint(lse_keep, nondiff=("a", "b", "axis", "keepdims", "return_sign"))
def lse_keep_adjoint(y, y_bar, g, a, b=None, axis=None, keepdims=False, return_sign=False):
    return reshape_back(y_bar, g)


@adjoint(lse_weigh)
def lse_weigh_adjoint(y, y_bar, w, b=None):
    return unbroadcast(lse_weigh(y_bar, b), w), unbroadcast(y_bar * w, b)


@adjoint(polygamma_of, nondiff=("n",), broadcast=True)
def polygamma_of_adjoint(y, y_bar, n, x):
    return y_bar * polygamma_of(n + 1, x)


@adjoint(multi_polygamma, nondiff=("n", "d"))
def multi_polygamma_adjoint(y, y_bar, n, a, d):
    return y_bar * multi_polygamma(n + 1, a, d)

#: why the shape of gammainc and the order of iv carry no derivative here
SHAPE_SLOPE = ("s2sad has no slope of the incomplete gamma functions in their shape: they "
               "are differentiated in x only")
ORDER_SLOPE = "s2sad has no slope of the Bessel functions in their order: only in z"

# ------------------------------------------------------ reductions along axes

# y = log(sum(b * exp(a), axis)): the slope in a is b * exp(a - y), in b exp(a - y); one
# exp of (a - y) times the adjoint, the maximum scipy subtracts is not needed again.
# b may broadcast a (or a b): each adjoint is reduced to its argument's shape.
@adjoint(sps.logsumexp, nondiff=("axis", "keepdims", "return_sign"), allocates=True)
def logsumexp_adjoint(y, y_bar, a, axis=None, b=None, keepdims=False, return_sign=False):
    s = lse_keep(y_bar, a, b, axis, keepdims, return_sign) * np.exp(
        a - lse_keep(y, a, b, axis, keepdims, return_sign))
    return unbroadcast(lse_weigh(s, b), a), unbroadcast(s, b)


@tangent(sps.logsumexp)
def logsumexp_tangent(y, a, axis, b, keepdims, return_sign, a_dot, b_dot):
    e = np.exp(a - lse_keep(y, a, b, axis, keepdims, return_sign))
    return np.sum(lse_weigh(e, b) * a_dot + e * b_dot, axis=axis, keepdims=keepdims)


@adjoint(sps.softmax, nondiff=("axis",), allocates=True)
def softmax_adjoint(y, y_bar, x, axis=None):
    return y * (y_bar - np.sum(y_bar * y, axis=axis, keepdims=True))


@tangent(sps.softmax)
def softmax_tangent(y, x, axis, x_dot):
    return y * (x_dot - np.sum(x_dot * y, axis=axis, keepdims=True))


@adjoint(sps.log_softmax, nondiff=("axis",), allocates=True)
def log_softmax_adjoint(y, y_bar, x, axis=None):
    return y_bar - np.exp(y) * np.sum(y_bar, axis=axis, keepdims=True)


@tangent(sps.log_softmax)
def log_softmax_tangent(y, x, axis, x_dot):
    return x_dot - np.sum(np.exp(y) * x_dot, axis=axis, keepdims=True)


@adjoint(sps.multigammaln, nondiff=("d",), allocates=True)
def multigammaln_adjoint(y, y_bar, a, d):
    return y_bar * multi_polygamma(0, a, d)


@tangent(sps.multigammaln)
def multigammaln_tangent(y, a, d, a_dot):
    return a_dot * multi_polygamma(0, a, d)


# ------------------------------------------------ logistic and normal functions


@adjoint(sps.expit)
def expit_adjoint(y, y_bar, x):
    return y_bar * y * (1.0 - y)


@tangent(sps.expit)
def expit_tangent(y, x, x_dot):
    return x_dot * y * (1.0 - y)


@adjoint(sps.logit)
def logit_adjoint(y, y_bar, x):
    return y_bar / (x * (1.0 - x))


@tangent(sps.logit)
def logit_tangent(y, x, x_dot):
    return x_dot / (x * (1.0 - x))


# log(expit(x)): the slope is 1 - expit(x) = expit(-x)
@adjoint(sps.log_expit)
def log_expit_adjoint(y, y_bar, x):
    return y_bar * sps.expit(-x)


@tangent(sps.log_expit)
def log_expit_tangent(y, x, x_dot):
    return x_dot * sps.expit(-x)


@adjoint(sps.erf)
def erf_adjoint(y, y_bar, x):
    return y_bar * TWO_OVER_SQRT_PI * np.exp(-x * x)


@tangent(sps.erf)
def erf_tangent(y, x, x_dot):
    return x_dot * TWO_OVER_SQRT_PI * np.exp(-x * x)


@adjoint(sps.erfc)
def erfc_adjoint(y, y_bar, x):
    return -y_bar * TWO_OVER_SQRT_PI * np.exp(-x * x)


@tangent(sps.erfc)
def erfc_tangent(y, x, x_dot):
    return -x_dot * TWO_OVER_SQRT_PI * np.exp(-x * x)


# erfcx(x) = exp(x^2) erfc(x)
@adjoint(sps.erfcx)
def erfcx_adjoint(y, y_bar, x):
    return y_bar * (2.0 * x * y - TWO_OVER_SQRT_PI)


@tangent(sps.erfcx)
def erfcx_tangent(y, x, x_dot):
    return x_dot * (2.0 * x * y - TWO_OVER_SQRT_PI)


# inverse functions: the reciprocal of the slope at the result
@adjoint(sps.erfinv)
def erfinv_adjoint(y, y_bar, x):
    return y_bar * HALF_SQRT_PI * np.exp(y * y)


@tangent(sps.erfinv)
def erfinv_tangent(y, x, x_dot):
    return x_dot * HALF_SQRT_PI * np.exp(y * y)


@adjoint(sps.erfcinv)
def erfcinv_adjoint(y, y_bar, x):
    return -y_bar * HALF_SQRT_PI * np.exp(y * y)


@tangent(sps.erfcinv)
def erfcinv_tangent(y, x, x_dot):
    return -x_dot * HALF_SQRT_PI * np.exp(y * y)


@adjoint(sps.ndtr)
def ndtr_adjoint(y, y_bar, x):
    return y_bar * np.exp(-0.5 * x * x) / SQRT_2PI


@tangent(sps.ndtr)
def ndtr_tangent(y, x, x_dot):
    return x_dot * np.exp(-0.5 * x * x) / SQRT_2PI


@adjoint(sps.ndtri)
def ndtri_adjoint(y, y_bar, x):
    return y_bar * SQRT_2PI * np.exp(0.5 * y * y)


@tangent(sps.ndtri)
def ndtri_tangent(y, x, x_dot):
    return x_dot * SQRT_2PI * np.exp(0.5 * y * y)


# the normal density over its distribution function, as one exp (no underflow of either)
@adjoint(sps.log_ndtr)
def log_ndtr_adjoint(y, y_bar, x):
    return y_bar * np.exp(-0.5 * x * x - LOG_SQRT_2PI - y)


@tangent(sps.log_ndtr)
def log_ndtr_tangent(y, x, x_dot):
    return x_dot * np.exp(-0.5 * x * x - LOG_SQRT_2PI - y)


# ---------------------------------------------------------- gamma and beta


@adjoint(sps.gammaln)
def gammaln_adjoint(y, y_bar, x):
    return y_bar * sps.digamma(x)


@tangent(sps.gammaln)
def gammaln_tangent(y, x, x_dot):
    return x_dot * sps.digamma(x)


# log(gamma(x)) for real x > 0 (complex values are refused)
@adjoint(sps.loggamma)
def loggamma_adjoint(y, y_bar, x):
    return y_bar * sps.digamma(x)


@tangent(sps.loggamma)
def loggamma_tangent(y, x, x_dot):
    return x_dot * sps.digamma(x)


@adjoint(sps.gamma)
def gamma_adjoint(y, y_bar, x):
    return y_bar * y * sps.digamma(x)


@tangent(sps.gamma)
def gamma_tangent(y, x, x_dot):
    return x_dot * y * sps.digamma(x)


# sps.psi is sps.digamma
@adjoint(sps.digamma)
def digamma_adjoint(y, y_bar, x):
    return y_bar * polygamma_of(1, x)


@tangent(sps.digamma)
def digamma_tangent(y, x, x_dot):
    return x_dot * polygamma_of(1, x)


@adjoint(sps.polygamma, nondiff=("n",), broadcast=True)
def polygamma_adjoint(y, y_bar, n, x):
    return y_bar * polygamma_of(n + 1, x)


@tangent(sps.polygamma)
def polygamma_tangent(y, n, x, x_dot):
    return x_dot * polygamma_of(n + 1, x)


@adjoint(sps.beta, broadcast=True)
def beta_adjoint(y, y_bar, a, b):
    both = sps.digamma(a + b)
    return y_bar * y * (sps.digamma(a) - both), y_bar * y * (sps.digamma(b) - both)


@tangent(sps.beta)
def beta_tangent(y, a, b, a_dot, b_dot):
    both = sps.digamma(a + b)
    return y * (a_dot * (sps.digamma(a) - both) + b_dot * (sps.digamma(b) - both))


@adjoint(sps.betaln, broadcast=True)
def betaln_adjoint(y, y_bar, a, b):
    both = sps.digamma(a + b)
    return y_bar * (sps.digamma(a) - both), y_bar * (sps.digamma(b) - both)


@tangent(sps.betaln)
def betaln_tangent(y, a, b, a_dot, b_dot):
    both = sps.digamma(a + b)
    return a_dot * (sps.digamma(a) - both) + b_dot * (sps.digamma(b) - both)


# the regularized incomplete gamma functions, in x: the slope is the gamma density
# x^(a-1) e^(-x) / gamma(a); a differentiated shape a is refused (no_derivative)
@adjoint(sps.gammainc, broadcast=True, no_derivative={"a": SHAPE_SLOPE})
def gammainc_adjoint(y, y_bar, a, x):
    return y_bar * np.exp(sps.xlogy(a - 1.0, x) - x - sps.gammaln(a))


@tangent(sps.gammainc)
def gammainc_tangent(y, a, x, x_dot):
    return x_dot * np.exp(sps.xlogy(a - 1.0, x) - x - sps.gammaln(a))


@adjoint(sps.gammaincc, broadcast=True, no_derivative={"a": SHAPE_SLOPE})
def gammaincc_adjoint(y, y_bar, a, x):
    return -y_bar * np.exp(sps.xlogy(a - 1.0, x) - x - sps.gammaln(a))


@tangent(sps.gammaincc)
def gammaincc_tangent(y, a, x, x_dot):
    return -x_dot * np.exp(sps.xlogy(a - 1.0, x) - x - sps.gammaln(a))


# ------------------------------------------------- x log y and the entropies
# (their parameters are named x and y as scipy's documentation names them; the result
# is ``out``).  The slopes in y are 0 where x is 0 (xdivy), as the values are.


@adjoint(sps.xlogy, broadcast=True)
def xlogy_adjoint(out, out_bar, x, y):
    return out_bar * np.log(y), xdivy(out_bar * x, y)


@tangent(sps.xlogy)
def xlogy_tangent(out, x, y, x_dot, y_dot):
    return x_dot * np.log(y) + xdivy(x * y_dot, y)


@adjoint(sps.xlog1py, broadcast=True)
def xlog1py_adjoint(out, out_bar, x, y):
    return out_bar * np.log1p(y), xdivy(out_bar * x, 1.0 + y)


@tangent(sps.xlog1py)
def xlog1py_tangent(out, x, y, x_dot, y_dot):
    return x_dot * np.log1p(y) + xdivy(x * y_dot, 1.0 + y)


# -x log x, for x > 0
@adjoint(sps.entr)
def entr_adjoint(y, y_bar, x):
    return -y_bar * (np.log(x) + 1.0)


@tangent(sps.entr)
def entr_tangent(y, x, x_dot):
    return -x_dot * (np.log(x) + 1.0)


# x log(x / y), for x > 0 and y > 0
@adjoint(sps.rel_entr, broadcast=True)
def rel_entr_adjoint(out, out_bar, x, y):
    return out_bar * (np.log(x / y) + 1.0), -out_bar * x / y


@tangent(sps.rel_entr)
def rel_entr_tangent(out, x, y, x_dot, y_dot):
    return x_dot * (np.log(x / y) + 1.0) - y_dot * x / y


# x log(x / y) - x + y, for x > 0 and y > 0
@adjoint(sps.kl_div, broadcast=True)
def kl_div_adjoint(out, out_bar, x, y):
    return out_bar * np.log(x / y), out_bar * (1.0 - x / y)


@tangent(sps.kl_div)
def kl_div_tangent(out, x, y, x_dot, y_dot):
    return x_dot * np.log(x / y) + y_dot * (1.0 - x / y)


# ---------------------------------------------------- modified Bessel functions
# I_v'(z) = (I_{v-1}(z) + I_{v+1}(z)) / 2 (I_{-1} = I_1); the exponentially scaled
# ones (ive(v, z) = iv(v, z) e^{-|z|}) subtract sign(z) times themselves.


@adjoint(sps.i0)
def i0_adjoint(y, y_bar, x):
    return y_bar * sps.i1(x)


@tangent(sps.i0)
def i0_tangent(y, x, x_dot):
    return x_dot * sps.i1(x)


@adjoint(sps.i1)
def i1_adjoint(y, y_bar, x):
    return y_bar * 0.5 * (sps.i0(x) + sps.iv(2.0, x))


@tangent(sps.i1)
def i1_tangent(y, x, x_dot):
    return x_dot * 0.5 * (sps.i0(x) + sps.iv(2.0, x))


@adjoint(sps.i0e)
def i0e_adjoint(y, y_bar, x):
    return y_bar * (sps.i1e(x) - np.sign(x) * y)


@tangent(sps.i0e)
def i0e_tangent(y, x, x_dot):
    return x_dot * (sps.i1e(x) - np.sign(x) * y)


@adjoint(sps.i1e)
def i1e_adjoint(y, y_bar, x):
    return y_bar * (0.5 * (sps.i0e(x) + sps.ive(2.0, x)) - np.sign(x) * y)


@tangent(sps.i1e)
def i1e_tangent(y, x, x_dot):
    return x_dot * (0.5 * (sps.i0e(x) + sps.ive(2.0, x)) - np.sign(x) * y)


# Bessel functions of the first and second kinds: J0' = -J1, J1' = (J0 - J2) / 2, and
# the same for Y; of an integer order n (constant), Jn' = (J(n-1) - J(n+1)) / 2
@adjoint(sps.j0)
def j0_adjoint(y, y_bar, x):
    return -y_bar * sps.j1(x)


@tangent(sps.j0)
def j0_tangent(y, x, x_dot):
    return -x_dot * sps.j1(x)


@adjoint(sps.j1)
def j1_adjoint(y, y_bar, x):
    return y_bar * 0.5 * (sps.j0(x) - sps.jv(2.0, x))


@tangent(sps.j1)
def j1_tangent(y, x, x_dot):
    return x_dot * 0.5 * (sps.j0(x) - sps.jv(2.0, x))


@adjoint(sps.y0)
def y0_adjoint(y, y_bar, x):
    return -y_bar * sps.y1(x)


@tangent(sps.y0)
def y0_tangent(y, x, x_dot):
    return -x_dot * sps.y1(x)


@adjoint(sps.y1)
def y1_adjoint(y, y_bar, x):
    return y_bar * 0.5 * (sps.y0(x) - sps.yv(2.0, x))


@tangent(sps.y1)
def y1_tangent(y, x, x_dot):
    return x_dot * 0.5 * (sps.y0(x) - sps.yv(2.0, x))


@adjoint(sps.jv, broadcast=True, no_derivative={"v": ORDER_SLOPE})
def jv_adjoint(y, y_bar, v, z):
    return y_bar * 0.5 * (sps.jv(v - 1.0, z) - sps.jv(v + 1.0, z))


@tangent(sps.jv)
def jv_tangent(y, v, z, z_dot):
    return z_dot * 0.5 * (sps.jv(v - 1.0, z) - sps.jv(v + 1.0, z))


@adjoint(sps.yv, broadcast=True, no_derivative={"v": ORDER_SLOPE})
def yv_adjoint(y, y_bar, v, z):
    return y_bar * 0.5 * (sps.yv(v - 1.0, z) - sps.yv(v + 1.0, z))


@tangent(sps.yv)
def yv_tangent(y, v, z, z_dot):
    return z_dot * 0.5 * (sps.yv(v - 1.0, z) - sps.yv(v + 1.0, z))


# 1 / gamma(x): its slope is -rgamma(x) digamma(x) (at the poles of gamma, 0, -1, -2...,
# the slope is finite but this product is 0 * inf: NaN there)
@adjoint(sps.rgamma)
def rgamma_adjoint(y, y_bar, x):
    return -y_bar * y * sps.digamma(x)


@tangent(sps.rgamma)
def rgamma_tangent(y, x, x_dot):
    return -x_dot * y * sps.digamma(x)


@adjoint(sps.yn, nondiff=("n",), broadcast=True)
def yn_adjoint(y, y_bar, n, x):
    return y_bar * 0.5 * (sps.yn(n - 1, x) - sps.yn(n + 1, x))


@tangent(sps.yn)
def yn_tangent(y, n, x, x_dot):
    return x_dot * 0.5 * (sps.yn(n - 1, x) - sps.yn(n + 1, x))


nondifferentiable(sps.gammasgn)


# (a differentiated order v is refused: no_derivative)
@adjoint(sps.iv, broadcast=True, no_derivative={"v": ORDER_SLOPE})
def iv_adjoint(y, y_bar, v, z):
    return y_bar * 0.5 * (sps.iv(v - 1.0, z) + sps.iv(v + 1.0, z))


@tangent(sps.iv)
def iv_tangent(y, v, z, z_dot):
    return z_dot * 0.5 * (sps.iv(v - 1.0, z) + sps.iv(v + 1.0, z))


@adjoint(sps.ive, broadcast=True, no_derivative={"v": ORDER_SLOPE})
def ive_adjoint(y, y_bar, v, z):
    return y_bar * (0.5 * (sps.ive(v - 1.0, z) + sps.ive(v + 1.0, z)) - np.sign(z) * y)


@tangent(sps.ive)
def ive_tangent(y, v, z, z_dot):
    return z_dot * (0.5 * (sps.ive(v - 1.0, z) + sps.ive(v + 1.0, z)) - np.sign(z) * y)


# ------------------------------ scipy's own exponentials, logarithms and cube root
# (ufuncs of scipy's, other objects than numpy's functions of the same names: numpy's
# rules, the same functions)

for _scipy_op, _numpy_op in ((sps.expm1, np.expm1), (sps.log1p, np.log1p), (sps.exp2, np.exp2),
                             (sps.cbrt, np.cbrt)):
    same_rule(_scipy_op, _numpy_op)


@adjoint(sps.exp10)
def sps_exp10_adjoint(y, y_bar, x):
    return y_bar * y * LN10


@tangent(sps.exp10)
def sps_exp10_tangent(y, x, x_dot):
    return x_dot * y * LN10
