"""Rules for Python's ``math`` module: the scalar functions scalar code calls
(``math.exp(a)``, ``math.sin(t)``, ``math.hypot(dx, dy)``...).

Most compute what a numpy ufunc computes, on one Python float: they take that ufunc's
rule (``same_rule``), whose templates work on floats as on arrays.  ``math.log`` with its
optional base, ``math.hypot`` and ``math.erf``/``math.erfc`` have rules of their own.
Functions whose value is an integer or a flag (``math.floor``, ``math.isnan``...) carry
no derivative.  ``math.lgamma`` and ``math.gamma`` have none here: their slope is the
digamma function, which needs scipy (``scipy.special.gammaln`` has a rule).

The primal call stays the user's ``math`` call, so a domain error (``math.log(0.0)``)
is raised where Python raises it.
"""

import math
import sys

import numpy as np

from .registry import adjoint, nondifferentiable, same_rule, tangent

TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)

# ------------------------------------------------ the ufunc's rule, on a float

_SAME_AS_UFUNC = [
    (math.exp, np.exp), (math.expm1, np.expm1), (math.log1p, np.log1p),
    (math.log2, np.log2), (math.log10, np.log10), (math.sqrt, np.sqrt),
    (math.sin, np.sin), (math.cos, np.cos), (math.tan, np.tan),
    (math.asin, np.arcsin), (math.acos, np.arccos), (math.atan, np.arctan),
    (math.sinh, np.sinh), (math.cosh, np.cosh), (math.tanh, np.tanh),
    (math.asinh, np.arcsinh), (math.acosh, np.arccosh), (math.atanh, np.arctanh),
    (math.fabs, np.abs), (math.degrees, np.degrees), (math.radians, np.radians),
    (math.atan2, np.arctan2), (math.pow, np.power), (math.copysign, np.copysign),
    (math.fmod, np.fmod),
]
if sys.version_info >= (3, 11):
    _SAME_AS_UFUNC += [(math.exp2, np.exp2), (math.cbrt, np.cbrt)]

for _math_op, _numpy_op in _SAME_AS_UFUNC:
    same_rule(_math_op, _numpy_op, label=f"math.{_math_op.__name__}")


# ------------------------------------------------ rules of their own

@adjoint(math.log, label="math.log")
def math_log_adjoint(y, y_bar, x, base=math.e):
    # log_b(x) = ln(x) / ln(b): d/dx = 1 / (x ln b), d/db = -log_b(x) / (b ln b)
    log_base = math.log(base)
    return y_bar / (x * log_base), -y_bar * y / (base * log_base)


@tangent(math.log, label="math.log")
def math_log_tangent(y, x, base, x_dot, base_dot):
    log_base = math.log(base)
    return x_dot / (x * log_base) - base_dot * y / (base * log_base)


@adjoint(math.hypot, label="math.hypot")
def math_hypot_adjoint(y, y_bar, x1, x2):
    return y_bar * x1 / y, y_bar * x2 / y


@tangent(math.hypot, label="math.hypot")
def math_hypot_tangent(y, x1, x2, x1_dot, x2_dot):
    return (x1_dot * x1 + x2_dot * x2) / y


@adjoint(math.erf, label="math.erf")
def math_erf_adjoint(y, y_bar, x):
    return y_bar * TWO_OVER_SQRT_PI * math.exp(-(x * x))


@tangent(math.erf, label="math.erf")
def math_erf_tangent(y, x, x_dot):
    return x_dot * TWO_OVER_SQRT_PI * math.exp(-(x * x))


@adjoint(math.erfc, label="math.erfc")
def math_erfc_adjoint(y, y_bar, x):
    return -y_bar * TWO_OVER_SQRT_PI * math.exp(-(x * x))


@tangent(math.erfc, label="math.erfc")
def math_erfc_tangent(y, x, x_dot):
    return -x_dot * TWO_OVER_SQRT_PI * math.exp(-(x * x))


# ------------------------------------------------ no derivative

nondifferentiable(
    math.floor, math.ceil, math.trunc, math.isfinite, math.isinf, math.isnan,
    math.isclose, math.factorial, math.comb, math.perm, math.gcd, math.lcm, math.isqrt,
)
