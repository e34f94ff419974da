"""Keyword arguments of numpy's reductions taken since issue 16, at their edges: a mean
of no element (numpy's nan, with its warning), out= (a write, refused by keyword and by
position), the code written for where= (the mask passed to the helper, nothing written
where it is left out) and numba's fallback (its np.sum takes no where=)."""

import inspect
import warnings

import numpy as np
import pytest

import keywords_more_programs as P
import s2sad
from s2sad.errors import NoDerivativeRuleError, UnsupportedSyntaxError
from s2sad.testing import finite_difference_gradient as fd

X = np.array([[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]])


def test_a_mean_of_no_element_is_numpys_nan_with_its_warning_and_reads_nothing():
    with pytest.warns(RuntimeWarning):
        want = P.mean_of_none_in_a_column(X)
    with pytest.warns(RuntimeWarning):
        value, tangent = s2sad.jvp(P.mean_of_none_in_a_column)(X, np.ones_like(X))
    np.testing.assert_array_equal(value, want)   # (nan in the middle column)
    assert np.isnan(tangent[1]) and np.isfinite(tangent[[0, 2]]).all()
    np.testing.assert_allclose(tangent[[0, 2]], [1.0, 1.0])   # by hand: means of ones
    with pytest.warns(RuntimeWarning):
        value, grad = s2sad.value_and_grad(P.mean_of_none_summed)(X)
    # the middle column's elements are read by no mean: nothing flows back to them
    # (x[0] adds 1 to the first row; each mean's 0.0 weight gives the selected ones 0)
    assert np.isnan(value)
    np.testing.assert_array_equal(grad, [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]])


@pytest.mark.parametrize("func, written", [
    (P.reduce_into, "np.add.reduce(x, 0, None, o)"),
    (P.sum_where_into, "out=o"),
    (P.accumulate_into, "out=o"),
])
def test_out_stays_refused_where_it_is_written(func, written):
    with pytest.raises((UnsupportedSyntaxError, NoDerivativeRuleError)) as caught:
        s2sad.grad(func)(np.ones((3, 4)))
    lines, first = inspect.getsourcelines(func)
    line = first + next(k for k, text in enumerate(lines) if "o)" in text)
    assert f"keywords_more_programs.py:{line}:" in str(caught.value)
    assert "out" in str(caught.value)


def test_the_mask_is_passed_to_the_helper_and_left_out_without_one():
    plain = s2sad.source(P.sum_plain)
    assert "x_bar = sum_bar(1.0, x, 0)\n" in plain
    masked = s2sad.source(P.sum_masked)
    assert "sum_masked = np.sum(x, axis=0, where=cond)" in masked
    assert "x_bar = sum_bar(1.0, x, 0, False, cond)" in masked
    forward = s2sad.jvp(P.sum_masked).source
    assert "sum_masked_dot = np.sum(x_dot, axis=0, where=cond)" in forward
    assert "where" not in s2sad.jvp(P.sum_plain).source


@pytest.mark.parametrize("func, text", [(P.sum_where_line, "where=x > 0.0"),
                                        (P.add_reduce_line, "np.add.reduce")])
def test_numba_runs_numpys_code_naming_the_line_it_cannot_compile(func, text):
    pytest.importorskip("numba")
    x = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = s2sad.value_and_grad(func, backend="numba")
        value, grad = g(x)
    messages = [str(w.message) for w in caught
                if issubclass(w.category, s2sad.NumbaFallbackWarning)]
    lines, first = inspect.getsourcelines(func)
    line = first + next(k for k, source in enumerate(lines) if text in source)
    assert g.backend_used == "numpy" and len(messages) == 1
    assert f"keywords_more_programs.py, line {line}" in messages[0]
    np.testing.assert_allclose(grad, fd(func, (x,)), rtol=1e-6)


def test_an_integer_dtype_of_a_join_is_refused_where_it_is_written():
    with pytest.raises(NoDerivativeRuleError) as caught:
        s2sad.grad(P.concatenate_to_integers)(np.ones((2, 3)))
    assert "piecewise constant" in str(caught.value)
    assert "keywords_more_programs.py" in str(caught.value)


def test_an_initial_value_carrying_a_derivative_is_refused_with_what_to_write():
    with pytest.raises(NoDerivativeRuleError) as caught:
        s2sad.grad(P.prod_initial_of_x)(np.full((2, 3), 0.5))
    assert "np.prod(x) * v" in str(caught.value)
