"""Regression tests for helpers that write into their arguments (issue 15, the cases a
stranger test found): reverse (grad, vjp), forward (jvp) and second order (hessian,
hvp) against central finite differences, or a located refusal."""

import numpy as np
import pytest

import s2sad
import writing_helpers_fixes as wf
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([1.0, 2.0, 3.0])
RNG = np.random.default_rng(1515)


def _hessian_fd(f, x):
    """The Hessian: central differences of finite-difference gradients."""
    eps = 1e-4
    rows = []
    for k in range(x.size):
        step = np.zeros_like(x)
        step[k] = eps
        up = finite_difference_gradient(f, (x + step,), 0)
        down = finite_difference_gradient(f, (x - step,), 0)
        rows.append((up - down) / (2 * eps))
    return np.array(rows)


def _every_mode(f, x=X):
    check_grads(f, (x.copy(),), modes=("reverse", "forward"))
    hessian = _hessian_fd(f, x)
    np.testing.assert_allclose(s2sad.hessian(f)(x.copy()), hessian, rtol=1e-4, atol=1e-4)
    v = RNG.normal(size=x.shape)
    np.testing.assert_allclose(s2sad.hvp(f)(x.copy(), v), hessian @ v, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("f", [wf.add_at_into_zeros, wf.subtract_at_into_zeros,
                               wf.set_then_add_at_into_zeros, wf.add_at_then_set_into_zeros,
                               wf.add_at_two_helpers_deep])
def test_a_ufunc_write_in_a_helper_carries_the_values_derivative(f):
    _every_mode(f)


def test_add_at_into_zeros_by_hand():
    # r = [x0 + x1, 0, x2]: d sum(r ** 2) = [2 (x0 + x1), 2 (x0 + x1), 2 x2]
    np.testing.assert_allclose(s2sad.grad(wf.add_at_into_zeros)(X.copy()), [6.0, 6.0, 6.0])


@pytest.mark.parametrize("f, line", [(wf.add_at_result_assigned, 64),
                                     (wf.add_at_returned_by_a_helper, 69),
                                     (wf.add_at_in_a_lambda, 80)])
def test_add_at_used_as_a_value_is_refused_located(f, line):
    calls = [lambda: s2sad.grad(f)(X.copy()), lambda: s2sad.vjp(f)(X.copy()),
             lambda: s2sad.jvp(f)(X.copy(), X.copy()), lambda: s2sad.hvp(f)(X.copy(), X.copy())]
    for call in calls:
        with pytest.raises(UnsupportedSyntaxError, match="as a statement of its own") as info:
            call()
        assert info.value.location.filename.endswith("writing_helpers_fixes.py")
        assert info.value.location.line == line


@pytest.mark.parametrize("f", [wf.dict_written_in_a_loop, wf.dict_written_twice,
                               wf.dict_written_twice_in_a_loop])
def test_a_helper_writing_into_a_dict_is_followed(f):
    _every_mode(f)


def test_dict_written_in_a_loop_by_hand():
    # d = {"a": 2 x0, "b": 2 x0}: 4 x0 ** 2 + x1
    x = np.array([0.3, 1.0, 2.0])
    value, g = s2sad.value_and_grad(wf.dict_written_in_a_loop)(x)
    assert value == pytest.approx(0.36 + 1.0)
    np.testing.assert_allclose(g, [8 * 0.3, 1.0, 0.0])


@pytest.mark.parametrize("f", [wf.closure_list_appended, wf.closure_dict_written,
                               wf.argument_list_item_written,
                               wf.closure_list_appended_by_a_statement,
                               wf.closure_list_appended_in_a_loop,
                               wf.closure_list_changed_through_an_alias,
                               wf.argument_list_changed_then_rebound_in_a_loop,
                               wf.closure_list_written_through_a_local_alias_in_a_loop])
def test_a_local_function_changing_a_list_or_dict_is_followed(f):
    _every_mode(f)


def test_closure_list_appended_by_hand():
    # xs[-1] = 3 x1: 6 x1 + 1
    value, g = s2sad.value_and_grad(wf.closure_list_appended)(X.copy())
    assert value == pytest.approx(13.0)
    np.testing.assert_allclose(g, [0.0, 6.0, 0.0])
