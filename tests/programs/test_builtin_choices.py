"""Chained comparisons (``a < b < c``) and the builtins ``max``, ``min`` and ``pow`` of
numbers, differentiated as Python runs them.

``a < b < c`` is ``a < b and b < c`` with ``b`` computed once and ``c`` only where
``a < b`` holds; ``max(a, b)`` keeps ``a`` unless ``b > a`` (the first of equal
values), so its derivative follows the value kept; ``pow(a, b)`` is ``a ** b``.
Expected derivatives are central finite differences (``check_grads``) or, at ties,
written by hand.
"""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

MODES = ("reverse", "forward")

CHAINS = """
    import numpy as np


    def band(x):
        if 0.0 < x < 1.0:
            return x * x
        return 3.0 * x


    def long_chain(x, y):
        t = 0.0
        if x < y <= 2.0 * y < 5.0:
            t = x * y
        return t + (x < y < 3.0) * y + (x <= y) * x


    def lazy_tail(x, k):
        # x[k] is out of range: Python reads it only where -1.0 < x[0] holds
        if -1.0 < x[0] < x[k]:
            return np.sum(x * x)
        return np.sum(np.sin(x))


    def in_a_loop(x):
        s = 0.0
        for i in range(len(x)):
            if -0.5 <= x[i] < 0.5 < s + 1.0:
                s = s + x[i] * x[i]
            else:
                s = s + np.tanh(x[i])
        return s


    def chained_equality(x, y):
        return (x == x < y) * y + (1.0 != x >= y) * x * x
"""


@pytest.mark.parametrize("point", [0.5, 1.5, -0.2])
def test_a_chained_comparison_takes_its_branch_as_python_does(load, point):
    m = load("chains_band", CHAINS)
    check_grads(m.band, (point,), modes=MODES)
    assert s2sad.value_and_grad(m.band)(point)[0] == m.band(point)


@pytest.mark.parametrize("x, y", [(0.5, 1.0), (1.5, 1.0), (0.3, 2.7), (2.0, 2.6)])
def test_a_chain_of_four_operands(load, x, y):
    m = load("chains_long", CHAINS)
    check_grads(m.long_chain, (x, y), modes=MODES)
    check_grads(m.chained_equality, (x, y), modes=MODES)


def test_the_tail_of_a_chain_is_not_computed_where_the_head_fails(load):
    m = load("chains_lazy", CHAINS)
    x = np.array([-2.0, 0.3, 0.7])
    check_grads(m.lazy_tail, (x, 5), wrt=0, modes=MODES)
    # where the head holds, x[5] is read, as in Python
    with pytest.raises(IndexError):
        m.lazy_tail(np.array([0.1, 0.3, 0.7]), 5)
    with pytest.raises(IndexError):
        s2sad.grad(m.lazy_tail)(np.array([0.1, 0.3, 0.7]), 5)


def test_a_chain_in_a_loop(load):
    m = load("chains_loop", CHAINS)
    check_grads(m.in_a_loop, (np.array([0.2, -0.9, 0.4, 0.1]),), modes=MODES)


def test_a_chain_over_arrays_raises_as_python_does(load):
    m = load("chains_arrays", CHAINS)
    x = np.array([0.5, 0.7])
    with pytest.raises(ValueError, match="ambiguous"):
        m.band(x)
    with pytest.raises(ValueError, match="ambiguous"):
        s2sad.grad(m.band)(x)


BUILTINS = """
    import numpy as np


    def payoff(s, k):
        return max(s - k, 0.0)


    def mixed(x, y):
        return min(x, y) * 2.0 + max(x, y) + max(x, -0.25, 0.5 * x * y)


    def powers(x, y):
        return pow(x, 3.0) + pow(y * y + 1.0, x) + pow(2, 3)


    def loop_max(x):
        best = -10.0
        for v in x:
            best = max(best, v * v - v)
        return best


    def max(a, b):   # the user's own max: called as written, not Python's
        return a + b


    def shadowed(x, y):
        return max(x, y)
"""


@pytest.mark.parametrize("s", [3.0, 0.5])
def test_max_of_two_numbers(load, s):
    m = load("builtins_payoff", BUILTINS.replace("    def max(a, b):", "    def unused(a, b):"))
    check_grads(m.payoff, (s, 1.0), modes=MODES)


@pytest.mark.parametrize("x, y", [(0.3, 0.7), (0.9, 0.2), (-1.5, 2.0)])
def test_min_and_max_of_several_numbers(load, x, y):
    m = load("builtins_mixed", BUILTINS.replace("    def max(a, b):", "    def unused(a, b):"))
    check_grads(m.mixed, (x, y), modes=MODES)
    check_grads(m.powers, (x * x + 0.5, y), modes=MODES)


def test_max_of_equal_values_follows_the_first_as_python_keeps_it(load):
    m = load("builtins_tie", BUILTINS.replace("    def max(a, b):", "    def unused(a, b):"))
    # max(x, y) at x == y is x: by hand, d/dx (min + 2 max-ish terms) below
    value, (dx, dy) = s2sad.value_and_grad(m.mixed, wrt=(0, 1))(1.0, 1.0)
    assert value == m.mixed(1.0, 1.0)
    # min(x, y) -> x, max(x, y) -> x, max(x, -0.25, 0.5 x y) -> x (1.0 > 0.5)
    assert (dx, dy) == (2.0 + 1.0 + 1.0, 0.0)
    tangent = s2sad.jvp(m.mixed, wrt=(0, 1))(1.0, 1.0, 1.0, 0.0)[1]
    assert tangent == 4.0


def test_max_in_a_loop(load):
    m = load("builtins_loop", BUILTINS.replace("    def max(a, b):", "    def unused(a, b):"))
    check_grads(m.loop_max, (np.array([0.3, -1.2, 2.0, 0.7]),), modes=MODES)


def test_a_users_own_max_is_called_as_written(load):
    m = load("builtins_shadowed", BUILTINS)
    assert s2sad.value_and_grad(m.shadowed, wrt=(0, 1))(0.3, 0.7) == (1.0, (1.0, 1.0))


def test_max_with_a_key_is_still_refused_with_its_location(load):
    m = load("builtins_key", """
        def f(x, y):
            return max(x, y, key=abs)
        """)
    with pytest.raises(s2sad.NoDerivativeRuleError, match="no derivative rule for max") as info:
        s2sad.grad(m.f)(3.0, 1.0)
    assert "builtins_key.py:3:12" in str(info.value)
    assert "without key=" in str(info.value)
