"""Rules for Python's operators: + - * / ** @, unary - and +, and abs.

Each operator is registered under its ``operator`` module function (and the
numpy ufunc that means the same), with the adjoint and tangent side by side.
"""

import operator

import numpy as np

from ..runtime import matmul_lhs_bar, matmul_rhs_bar, power_log, power_slope, quotient_slope
from .registry import adjoint, nondifferentiable, tangent

from .registry import BINARY, COMPARE, UNARY  # noqa: F401  (re-exported)


@adjoint(operator.add, broadcast=True, aliases=(np.add,), linear=True)
def add_adjoint(y, y_bar, a, b):
    return y_bar, y_bar


@adjoint(operator.sub, broadcast=True, aliases=(np.subtract,), linear=True)
def sub_adjoint(y, y_bar, a, b):
    return y_bar, -y_bar


@adjoint(operator.mul, broadcast=True, aliases=(np.multiply,))
def mul_adjoint(y, y_bar, a, b):
    return y_bar * b, a * y_bar


@tangent(operator.mul, aliases=(np.multiply,))
def mul_tangent(y, a, b, a_dot, b_dot):
    return a_dot * b + a * b_dot


@adjoint(operator.truediv, broadcast=True, aliases=(np.divide, np.true_divide))
def div_adjoint(y, y_bar, a, b):
    # quotient_slope is y / b, and 0 where an infinite a makes y infinite for every b
    # near this one (a constant: not 0 * inf, nan, under a zero weight; see its docstring)
    return y_bar / b, -y_bar * quotient_slope(y, y, b)


@tangent(operator.truediv, aliases=(np.divide, np.true_divide))
def div_tangent(y, a, b, a_dot, b_dot):
    return a_dot / b - b_dot * quotient_slope(y, y, b)


@adjoint(operator.pow, broadcast=True, aliases=(np.power,))
def pow_adjoint(y, y_bar, a, b):
    # power_slope and power_log are 0 where the formulas give 0 * inf: the slope of
    # a ** 0 (even at a == 0), and the b-derivative at a == 0 (see their docstrings)
    return y_bar * power_slope(a, b), y_bar * power_log(y, a, b)


@tangent(operator.pow, aliases=(np.power,))
def pow_tangent(y, a, b, a_dot, b_dot):
    return a_dot * power_slope(a, b) + b_dot * power_log(y, a, b)


@adjoint(operator.matmul, aliases=(np.matmul,))
def matmul_adjoint(y, y_bar, a, b):
    return matmul_lhs_bar(y_bar, a, b), matmul_rhs_bar(y_bar, a, b)


@tangent(operator.matmul, aliases=(np.matmul,))
def matmul_tangent(y, a, b, a_dot, b_dot):
    return a_dot @ b + a @ b_dot


@adjoint(operator.neg, aliases=(np.negative,), linear=True)
def neg_adjoint(y, y_bar, a):
    return -y_bar


@adjoint(operator.pos, aliases=(np.positive,))
def pos_adjoint(y, y_bar, a):
    return y_bar


@tangent(operator.pos, aliases=(np.positive,))
def pos_tangent(y, a, a_dot):
    return a_dot


@adjoint(operator.mod, broadcast=True, aliases=(np.mod, np.remainder))
def mod_adjoint(y, y_bar, a, b):
    return y_bar, -y_bar * np.floor_divide(a, b)


@tangent(operator.mod, aliases=(np.mod, np.remainder))
def mod_tangent(y, a, b, a_dot, b_dot):
    return a_dot - b_dot * np.floor_divide(a, b)


# floor division is piecewise constant: its derivative is zero wherever it exists
nondifferentiable(operator.floordiv, operator.not_, operator.invert,
                  *COMPARE.values())
