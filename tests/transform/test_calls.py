"""Reverse mode through calls of the user's own functions, checked against finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient as fd

import call_functions as cf
import call_helpers

RNG = np.random.default_rng(11)




W, X = RNG.normal(size=(3, 3)), RNG.normal(size=3)

CASES = [
    ("helpers_W", cf.uses_helpers, [W, X], 0),
    ("helpers_x", cf.uses_helpers, [W, X], 1),
    ("recursion", cf.power, [1.3, 4], 0),
    ("recursion_base_case", cf.power, [1.3, 0], 0),
    ("calls_in_a_loop", cf.loop_calls, [0.3, 5], 0),
    ("keywords_and_defaults", cf.keyword_and_default, [W, X], 0),
    ("same_argument_twice", cf.same_argument_twice, [0.7], 0),
    ("closure", cf.calls_closure, [X], 0),
    ("tuple_result_indexed", cf.vector_helper, [X], 0),
    ("varargs_a", cf.uses_varargs, [0.3, 1.1], 0),
    ("varargs_b", cf.uses_varargs, [0.3, 1.1], 1),
    ("lambdas_x", cf.with_lambda, [X, 0.7], 0),
    ("lambdas_closure_w", cf.with_lambda, [X, 0.7], 1),
    ("nested_def_with_early_return_x", cf.with_def, [X, 0.8], 0),
    ("nested_def_closure_c", cf.with_def, [X, 0.8], 1),
]


@pytest.mark.parametrize("label, func, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_gradient_through_calls(label, func, args, wrt):
    g = s2sad.grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(g, fd(func, args, wrt), rtol=1e-5, atol=1e-7)


def test_each_callee_is_generated_once_per_activity_pattern():
    text = s2sad.source(cf.uses_helpers, wrt=(0, 1))
    assert text.count("def affine_vjp") == 1
    assert text.count("def sq_vjp") == 1
    assert "h, h_pullback = affine_vjp" in text and "h_pullback(h_bar)" in text
    # the helper's own global is copied in; the helper module is not imported
    assert "GAIN = 2.0" in text and "import call_helpers" not in text


def test_recursive_callee_refers_to_itself():
    text = s2sad.source(cf.power)
    assert text.count("def power_vjp_x(") == 1
    assert "power_vjp_x(x, sub)" in text


def test_callee_global_is_read_when_called():
    g = s2sad.grad(cf.uses_helpers, wrt=1)
    before = g(W, X)
    old = call_helpers.GAIN
    call_helpers.GAIN = 5.0
    try:
        np.testing.assert_allclose(g(W, X), fd(cf.uses_helpers, [W, X], 1), rtol=1e-5)
        assert not np.allclose(g(W, X), before)
    finally:
        call_helpers.GAIN = old


def test_custom_adjoint_for_an_opaque_function():
    import math_rules
    g = s2sad.grad(math_rules.uses_erf)(0.3)
    assert g == pytest.approx(fd(math_rules.uses_erf, [0.3], 0))


def test_nondifferentiable_declaration():
    import math_rules
    x = np.array([0.2, -0.4, 1.1])
    np.testing.assert_allclose(s2sad.grad(math_rules.uses_stop)(x), 2 * x)


def test_inactive_calls_of_helpers_need_no_derivative():
    import math_rules
    assert s2sad.grad(math_rules.inactive_helper_call, wrt=0)(2.0, 3.0) == 3.0 * 4.0


def test_local_function_mapped_is_the_comprehension():
    # list(map(f, x)) of a local lambda is [f(item) for item in x] (stranger13)
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(cf.local_function_as_value)(x), 2.0 * np.ones(3))
