"""Ordinary code a README-only user found refused, or refused with a hint that gave
wrong numbers when followed (stranger13): each form is differentiated and compared
with central finite differences or a derivative written by hand; what stays refused
says why, and its hint, followed, gives the right numbers."""

import functools

import numpy as np
import pytest

import refusal_forms as R
import s2sad
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([0.7, 0.2, -0.4])


def _fd(f, args, argnum=0):
    return finite_difference_gradient(f, args, argnum)


# -------------------------------------- 1. map(f, xs) read whole is a comprehension
def test_list_of_map_is_differentiated_as_the_comprehension():
    xs = [np.array([0.5, -1.0]), np.array([0.2, 0.3])]
    check_grads(R.map_tanh_list, (xs,), modes=("reverse", "forward"))
    got = s2sad.grad(R.map_tanh_list)(xs)
    for g, x in zip(got, xs):   # by hand: d/dx sum(tanh(x)^2) = 2 tanh(x) (1 - tanh(x)^2)
        np.testing.assert_allclose(g, 2 * np.tanh(x) * (1 - np.tanh(x) ** 2), rtol=1e-12)


@pytest.mark.parametrize("f", [R.map_lambda_tuple, R.map_local_lambda])
def test_map_of_a_lambda_tuple_and_sorted_of_map(f):
    check_grads(f, (X.copy(),), modes=("reverse", "forward"))


def test_sum_of_map_over_two_sequences():
    check_grads(R.map_two_sequences, ([0.5, 1.5], [2.0, -1.0]), modes=("reverse",))
    gx, gw = s2sad.grad(R.map_two_sequences, wrt=(0, 1))([0.5, 1.5], [2.0, -1.0])
    assert gx == [1.0, 3.0] and gw == [3.0, 3.0]   # by hand: 2v and 3


def test_a_map_object_kept_is_refused_without_offering_a_constant():
    xs = [np.array([0.5, -1.0])]
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        s2sad.grad(R.map_kept)(xs)
    text = str(info.value)
    assert "no derivative rule for map: its output may carry the derivatives" in text
    assert "nondifferentiable" not in text
    assert "list(map(f, xs))" in text
    # the hint followed: list(map(...))
    got = s2sad.grad(R.map_kept_as_hinted)(xs)
    np.testing.assert_allclose(got[0], 1 - np.tanh(xs[0]) ** 2, rtol=1e-12)


def test_reduce_and_calls_given_a_function_never_offer_a_constant():
    xs = [0.5, 1.5, -2.0]
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.grad(R.reduce_sum)(xs)
    assert "nondifferentiable" not in str(info.value)
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        s2sad.grad(R.applies_a_function)(np.ones((2, 3)))
    text = str(info.value)
    assert "it is given a function, whose results may carry derivatives" in text
    assert "nondifferentiable" not in text
    # the loop the reduce hint names
    assert s2sad.grad(R.reduce_as_hinted)(xs) == [1.0, 1.0, 1.0]


def test_a_numeric_class_names_the_conversion_that_works():
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        s2sad.grad(R.float16_cast)(X.copy())
    text = str(info.value)
    assert "float16 is a class" in text and "nondifferentiable" not in text
    assert "np.array(v, dtype=np.float16)" in text
    np.testing.assert_allclose(s2sad.grad(R.float16_cast_as_hinted)(X.copy()), 2.0)


def test_other_calls_without_a_rule_offer_a_constant_only_for_outputs_without_one():
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        s2sad.grad(R.calls_nextafter)(X.copy())
    assert "only if its output carries no derivative whatever the inputs (an integer, an " \
        "index, a flag), declare it constant with s2sad.nondifferentiable(numpy.nextafter)" \
        in str(info.value)


# ------------------------------------------ 2. scipy.optimize glue: lambda, partial
def test_a_lambda_bound_to_a_name_is_differentiated():
    x = np.array([0.2, 0.3])
    g = s2sad.grad(R.objective)
    np.testing.assert_allclose(g(x), _fd(R.objective, (x,)), rtol=1e-7, atol=1e-9)
    # by hand: A x - b + cos(x) (A symmetric); the Hessian A - diag(sin x)
    np.testing.assert_allclose(g(x), R.A @ x - R.B + np.cos(x), rtol=1e-12)
    hv = s2sad.hvp(R.objective)(x, np.array([1.0, 0.0]))
    np.testing.assert_allclose(hv, (R.A - np.diag(np.sin(x))) @ [1.0, 0.0], rtol=1e-12)
    assert "def objective_value_and_grad(x):" in g.source
    np.testing.assert_allclose(s2sad.grad(R.calls_module_lambda)(x), 2.0 * g(x), rtol=1e-12)


def test_two_lambdas_on_one_line_are_refused_with_a_spelling_that_works():
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(R.first)(X.copy())
    assert "2 lambdas there take its arguments" in str(info.value)
    assert "write the lambda on a line of its own" in str(info.value)


def test_a_partial_of_a_function_is_differentiated():
    x = np.array([0.2, 0.3])
    p = functools.partial(R.quad, A=R.A, b=R.B)
    np.testing.assert_allclose(s2sad.grad(p)(x), R.A @ x - R.B, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(p)(x, np.array([0.0, 1.0])), R.A[:, 1], rtol=1e-12)
    q = functools.partial(R.scaled_quad, 2.5, b=R.B)   # a bound position and a keyword
    np.testing.assert_allclose(s2sad.grad(q)(x, R.A), 2.5 * (R.A @ x - R.B), rtol=1e-12)
    np.testing.assert_allclose(s2sad.grad(q, wrt=1)(x, R.A), 2.5 * 0.5 * np.outer(x, x),
                               rtol=1e-12)
    # a bound array changed in place is read when the gradient runs, as the partial reads it
    held = functools.partial(R.quad, A=R.A.copy(), b=R.B)
    g = s2sad.grad(held)
    held.keywords["A"][0, 0] = 10.0
    np.testing.assert_allclose(g(x), _fd(held, (x,)), rtol=1e-7, atol=1e-9)


def test_a_partial_that_cannot_be_called_so_is_refused_without_its_values():
    p = functools.partial(max, np.arange(400.0))
    with pytest.raises(s2sad.SourceUnavailableError) as info:
        s2sad.grad(p)(np.ones(400))
    text = str(info.value)
    assert "a partial of max" in text and "array(" not in text and len(text) < 600
    # the spelling the hint names: a def with the fixed values as globals
    np.testing.assert_allclose(s2sad.grad(R.quad_by_partial_hint)(np.array([0.2, 0.3])),
                               R.A @ np.array([0.2, 0.3]) - R.B, rtol=1e-12)


# --------------------------------------- 3. outputs without a derivative, casts, copies
def test_float64_of_a_value_is_a_cast():
    x = np.array([2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(lambda_free_float64)(x), [3.0, 2.0])


def lambda_free_float64(x):
    return np.float64(x[0]) * x[1]


def test_a_partial_of_a_numpy_function():
    x = np.array([0.2, 0.3])
    p = functools.partial(np.add, np.array([1.0, 2.0]))
    np.testing.assert_allclose(s2sad.jacobian(p)(x), np.eye(2))


def test_searchsorted_and_digitize_give_constants():
    x = np.array([0.3, 1.7, 2.2])
    np.testing.assert_allclose(s2sad.grad(R.binned)(x), np.searchsorted(R.EDGES, x))
    np.testing.assert_allclose(s2sad.grad(R.binned_digitize)(x),
                               2 * x * np.digitize(x, R.EDGES))


def test_the_array_methods_whose_results_are_constants():
    x = np.array([0.3, -1.2, 2.0])
    # by hand: 2 at the max, 1 at the min, the sorted position at each
    np.testing.assert_allclose(s2sad.grad(R.method_tests)(x), [1.0, 1.0, 4.0])
    check_grads(R.method_tests, (x,), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.grad(R.method_nonzero)(x), [0.6, 0.0, 4.0 + 1.0])


def test_a_fresh_method_copy_passed_to_a_writing_helper():
    X2 = np.array([[1.0, 2.0], [0.5, -1.0]])
    check_grads(R.rows_of_a_method_copy, (X2,), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.grad(R.rows_of_a_method_copy)(X2),
                               s2sad.grad(R.rows_of_a_named_copy)(X2), rtol=1e-12)


# ----------------------------------------------- 4. values that are not arrays
def test_finfo_fields_are_constants():
    x = np.array([0.5, -1.0])
    eps, tiny = np.finfo(float).eps, np.finfo(float).tiny
    np.testing.assert_allclose(s2sad.grad(R.log_with_eps)(x),
                               2 * x / (x ** 2 + eps) + [tiny, 0.0], rtol=1e-14)
    check_grads(R.log_with_eps, (x,), modes=("reverse", "forward"))


def test_a_string_method_is_named_as_one_and_its_hint_works():
    params = {"W0": np.array([1.0, -2.0]), "b0": np.ones(2)}
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(R.l2_of_startswith)(params)
    assert "'.startswith()' is a method of strings" in str(info.value)
    assert 'k[:1] == "W" for k.startswith("W")' in str(info.value)
    got = s2sad.grad(R.l2_as_hinted)(params)
    np.testing.assert_allclose(got["W0"], [2.0, -4.0])
    np.testing.assert_allclose(got["b0"], [0.0, 0.0])


def test_a_field_of_an_object_names_the_namedtuple_spelling_that_works():
    """The API reads a namedtuple argument's fields (ntuple23); a module written without
    the arguments (the CLI, s2sad.source) names the unpacking that works there."""
    from collections import namedtuple
    Params = namedtuple("Params", ["W", "b"])
    p = Params(np.ones((3, 2)), np.array([0.5, -0.5]))
    X = np.arange(6.0).reshape(2, 3)
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.source(R.loss_of_fields)
    assert "unpack it: W, b = p" in str(info.value) and "Python API" in str(info.value)
    r = X @ p.W + p.b   # by hand: d/dW = 2 X^T r, d/db = 2 sum of r's rows
    for f in (R.loss_unpacked, R.loss_of_fields):
        got = s2sad.grad(f)(p, X)
        np.testing.assert_allclose(got.W, 2 * X.T @ r)
        np.testing.assert_allclose(got.b, 2 * r.sum(axis=0))


def test_a_write_through_a_transpose_names_the_write_that_works():
    X2 = np.array([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(R.transposed_write)(X2)
    text = str(info.value)
    assert "a write through the view Y.T (Y.T[0] = ...) is not supported" in text
    assert "Y.T[0] = v is Y[:, 0] = v" in text
    def python(X):   # what Y.T[0] = ... does, run by Python
        Y = X.copy()
        Y.T[0] = Y[0] * 2.0
        return np.sum(Y ** 2)
    np.testing.assert_allclose(s2sad.grad(R.transposed_as_hinted)(X2), _fd(python, (X2,)),
                               rtol=1e-6)


def test_a_derivative_of_a_derivative_made_inside_a_differentiated_function():
    got = s2sad.grad(R.newton_nested)(1.2, 0.3)
    np.testing.assert_allclose(got, _fd(R.newton_nested, (1.2, 0.3)), rtol=1e-5)
