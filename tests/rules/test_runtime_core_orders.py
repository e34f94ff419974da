"""The core runtime helpers (rules/runtime_adjoints_core*.py) in the arguments the op
table holds constant, the orders s2sad refuses, and gradient code differentiated again.

The op table checks every helper's rules against finite differences, and to second
order; a helper of the third derivative of np.prod, np.cumprod or a ** b (with the
exponent differentiated) is checked there only in its linear arguments, since one more
order is refused.  Here: their adjoints and tangents in the other arguments, checked to
first order; the refusals of the fourth derivative, in both modes; the limits and
refusals of a ** b's third derivative at a == 0; and reverse over reverse of gradient
code (the helpers' adjoint rules composed), to first and second order.
"""

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError
from s2sad.runtime import power_cross_da, power_cross_db, power_log_cross_da
from s2sad.testing import check_grads
from s2sad.values import PowerDivergesError

import runtime_core_orders as F


def _draw(seed, *shapes):
    rng = np.random.default_rng(seed)
    return tuple(rng.standard_normal(shape) for shape in shapes)


def _with_zero(a, index=1):
    a = np.array(a)
    a.flat[index] = 0.0
    return a


def test_prod_bar_x_dot_in_x_matches_differences():
    g, x, v = _draw(1, (3,), (3, 4), (3, 4))
    check_grads(F.prod_bar_x_dot_in_x, (g, x, v), modes=("reverse", "forward"))
    check_grads(F.prod_bar_x_dot_in_x, (g, _with_zero(x), v), modes=("reverse", "forward"))


def test_cumprod_second_derivatives_in_a_match_differences():
    g, a, v = _draw(2, (4, 3), (4, 3), (4, 3))
    check_grads(F.cumprod_bar_dot_in_a, (g, a, v), modes=("reverse", "forward"))
    check_grads(F.cumprod_bar_dot_in_a, (g, _with_zero(a, 4), v), modes=("reverse", "forward"))
    a, u, v = _draw(3, (3, 4), (3, 4), (4,))
    check_grads(F.cumprod_dot2_in_a, (_with_zero(a, 5), u, v), modes=("reverse", "forward"))


def test_power_second_derivatives_in_a_and_b_match_differences():
    rng = np.random.default_rng(4)
    a, b, w = rng.uniform(0.5, 2.0, (3, 4)), rng.standard_normal(4), rng.standard_normal((3, 4))
    check_grads(F.power_cross_in_a_b, (a, b, w), modes=("reverse", "forward"))
    y, v = rng.standard_normal((3, 4)), rng.standard_normal(4)
    check_grads(F.power_log_cross_in_a, (y, a, v), modes=("reverse", "forward"))


@pytest.mark.parametrize("fn, args, what", [
    (F.prod_fourth, _draw(5, (4,), (3, 4), (3, 4), (3, 4)), "np.prod"),
    (F.cumprod_fourth, _draw(6, (3, 4), (3, 4), (3, 4), (3, 4)), "np.cumprod"),
    (F.power_fourth, (np.array([0.5, 1.5]), np.array([1.0, -2.0])), "a ** b"),
], ids=["prod", "cumprod", "power"])
def test_a_fourth_derivative_is_refused_in_both_modes(fn, args, what):
    wrt = 1 if fn is F.prod_fourth else 0
    with pytest.raises(NoDerivativeRuleError, match=f"differentiates {what.replace('*', '[*]')} "
                                                    f"at most 3 times"):
        s2sad.grad(fn, wrt=wrt)(*args)
    step = np.ones_like(args[wrt])
    with pytest.raises(NoDerivativeRuleError, match="at most 3 times"):
        s2sad.jvp(fn, wrt=wrt)(*args, step)


def test_a_fourth_derivative_along_no_step_is_zero_not_refused():
    g, x, u, v = _draw(7, (4,), (3, 4), (3, 4), (3, 4))
    # (x is not differentiated: the derivatives in g and u need np.prod's third only)
    grads = s2sad.grad(F.prod_fourth, wrt=(0, 2))(g, x, u, v)
    np.testing.assert_allclose(   # linear in g: its gradient holds the values at unit g
        grads[0], [F.prod_fourth(np.eye(4)[i], x, u, v) for i in range(4)], atol=1e-12)
    check_grads(F.prod_fourth, (g, x, u, v), wrt=(0, 2, 3), modes=("reverse", "forward"))


def test_the_third_derivatives_of_a_power_at_a_zero_base():
    # the limit 0 where it is one (b above 2 in a, above 1 in b), refused where infinite
    a, w = np.array([0.0, 1.5]), np.array([2.0, 0.5])
    assert power_cross_da(a, np.array([2.5, 2.5]), w)[0] == 0.0
    assert power_cross_db(a, np.array([1.5, 1.5]), w)[0] == 0.0
    assert power_log_cross_da(a ** 3.0, a, w, 3.0)[0] == 0.0
    with pytest.raises(PowerDivergesError, match="b <= 2"):
        power_cross_da(a, np.array([2.0, 2.5]), w)
    with pytest.raises(PowerDivergesError, match="b <= 1"):
        power_cross_db(a, np.array([0.5, 1.5]), w)
    with pytest.raises(PowerDivergesError, match="b <= 2"):
        power_log_cross_da(a ** 1.5, a, w, 1.5)
    # no step there: nothing to refuse
    assert power_cross_da(a, np.array([1.0, 2.5]), np.array([0.0, 1.0]))[0] == 0.0


def test_reverse_over_reverse_of_gradient_code_matches_differences():
    x, W, b = _draw(8, (4,), (3, 4), (3,))
    check_grads(F.gradient_norms, (x, W, b), modes=("reverse", "forward"))
    # and the gradient of it to second order: hvp against differences of its gradient
    v = np.ones(4)
    grad = s2sad.grad(F.gradient_norms, wrt=0)
    eps = 1e-6
    expected = (grad(x + eps * v, W, b) - grad(x - eps * v, W, b)) / (2 * eps)
    np.testing.assert_allclose(s2sad.hvp(F.gradient_norms, wrt=0)(x, W, b, v), expected,
                               rtol=2e-5, atol=1e-7)
