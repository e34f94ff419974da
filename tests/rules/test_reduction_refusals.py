"""The reductions and scans of issue 14 refuse where a derivative does not exist, with an
s2sad error that names the op and what to do (tests/rules/rows_reductions.py checks
the values elsewhere)."""

import numpy as np
import pytest

import s2sad
from s2sad.runtime import NotDifferentiableError


def std_of(x):
    return np.std(x, axis=1)


def nanstd_of(x):
    return np.nanstd(x)


def average_returned(x, w):
    avg, total = np.average(x, weights=w, returned=True)
    return avg * total


def var_with_dtype(x):
    return np.var(x, dtype=np.int64)


def sum_with_int_dtype(x):
    return x.sum(dtype=int)


def cumsum_with_bool_dtype(x):
    return np.cumsum(x, dtype='bool')[-1]


def mean_with_complex_dtype(x):
    return np.mean(x, dtype=np.complex128).real


def prod_with_dtype_held_by_a_name(x, t):
    return np.prod(x, dtype=t)


def test_std_of_equal_values_is_refused_in_both_modes():
    x = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
    with pytest.raises(NotDifferentiableError, match=r"np\.std.*standard deviation is 0") as info:
        s2sad.vjp(std_of)(x)[1](np.ones(2))
    assert isinstance(info.value, s2sad.errors.S2sadError)
    with pytest.raises(NotDifferentiableError, match=r"np\.std") as info:
        s2sad.jvp(std_of)(x, np.ones_like(x))
    assert "hint:" in str(info.value)


def test_nanstd_of_equal_values_is_refused():
    x = np.array([1.5, np.nan, 1.5])
    with pytest.raises(NotDifferentiableError, match=r"np\.nanstd"):
        s2sad.grad(nanstd_of)(x)


def test_std_away_from_equal_values_is_not_refused():
    x = np.array([[1.0, 2.0, 3.0], [2.0, 2.5, 2.0]])
    assert np.all(np.isfinite(s2sad.vjp(std_of)(x)[1](np.ones(2))[1]))


def std_of_rows(x):
    return np.std(x, axis=0) @ np.array([1.0, 2.0]) + np.sum(x * x)


def nanstd_of_columns(x):
    return np.sum(np.nanstd(x, axis=1, keepdims=True)) + np.nansum(x ** 3)


def std_of_number(s):
    return np.std(s) + s * 2.0


@pytest.mark.parametrize("func, x", [
    (std_of_rows, np.array([[0.3, -0.5]])),            # one row: each std reduces one value
    (nanstd_of_columns, np.array([[0.3], [0.7]])),     # one column
    (nanstd_of_columns, np.array([[0.3, np.nan], [0.7, np.nan]])),   # one value not NaN
    (std_of_number, 0.7),                               # a number: std 0 everywhere
], ids=["std-one-row", "nanstd-one-column", "nanstd-one-notnan", "std-number"])
def test_std_reducing_one_value_is_zero_near_the_point_so_its_derivative_is_zero(func, x):
    """The fuzzer's seed 7011 (np.nanstd of a number) was refused: a standard deviation of
    one value is 0 near the point too, not only at it, and its derivative is 0."""
    x = np.asarray(x, dtype=float)
    h, fd = 1e-6, np.zeros_like(x)
    for i in np.ndindex(x.shape):
        if np.isnan(x[i]):
            continue
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        fd[i] = (func(up) - func(down)) / (2 * h)
    got = np.nan_to_num(s2sad.grad(func)(x.copy()))
    assert np.allclose(got, fd, atol=1e-6)
    direction = np.where(np.isnan(x), 0.0, 1.0)
    assert np.isclose(s2sad.jvp(func)(x.copy(), direction)[1], np.sum(fd * direction), atol=1e-6)


def test_average_returned_and_var_dtype_are_refused_by_name():
    x, w = np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 1.0])
    with pytest.raises(s2sad.errors.NoDerivativeRuleError, match="average.*'returned'"):
        s2sad.grad(average_returned)(x, w)
    with pytest.raises(s2sad.errors.NoDerivativeRuleError, match=r"var\(\.\.\., dtype=np.int64\)"
                       r" converts the values to integers"):
        s2sad.grad(var_with_dtype)(x)


@pytest.mark.parametrize("func, said", [
    (var_with_dtype, r"var\(\.\.\., dtype=np\.int64\) converts the values to integers"),
    (sum_with_int_dtype, r"x\.sum\(\.\.\., dtype=int\) converts the values to integers"),
    (cumsum_with_bool_dtype, r"cumsum\(\.\.\., dtype='bool'\) converts the values to bool"),
    (mean_with_complex_dtype, r"complex128 cannot be differentiated"),
])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_an_integer_bool_or_complex_dtype_is_refused_where_it_is_written(func, said, mode):
    x = np.array([1.5, 2.25, 4.0])
    with pytest.raises(s2sad.errors.S2sadError, match=said) as info:
        if mode == "reverse":
            s2sad.grad(func)(x)
        else:
            s2sad.jvp(func)(x, np.ones(3))
    assert info.value.location.line > 0 and "hint:" in str(info.value)


def test_a_dtype_held_by_a_name_is_refused_with_what_to_write():
    with pytest.raises(s2sad.errors.NoDerivativeRuleError,
                       match=r"prod\(\.\.\., dtype=t\).*written as one") as info:
        s2sad.grad(prod_with_dtype_held_by_a_name)(np.array([1.5, 2.0]), np.float64)
    assert "dtype=np.float64" in str(info.value)


def norm_of(x):
    return np.linalg.norm(x)


def norm_ord(x, p):
    return np.linalg.norm(x, p)


def norm_rows(x):
    return np.sum(np.linalg.norm(x, axis=1))


def test_the_2_norm_of_a_zero_vector_has_derivative_0_by_convention():
    x = np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0]])
    np.testing.assert_allclose(s2sad.grad(norm_rows)(x), [[0, 0, 0], [0.6, 0.8, 0]])
    np.testing.assert_allclose(s2sad.jvp(norm_of)(np.zeros(3), np.ones(3))[1], 0.0)
    np.testing.assert_allclose(s2sad.grad(norm_of)(np.zeros(2)), [0.0, 0.0])


@pytest.mark.parametrize("p, message", [
    (0, "ord=0 counts the nonzero elements"),
    (0.5, "ord=0.5 < 1 is not a norm"),
])
def test_vector_norms_that_are_no_norms_are_refused(p, message):
    x = np.array([1.0, -2.0, 0.5])
    with pytest.raises(NotDifferentiableError, match=message) as info:
        s2sad.grad(norm_ord, wrt="x")(x, p)
    assert "np.linalg.norm" in str(info.value) and "hint:" in str(info.value)


def test_matrix_norms_refuse_where_the_singular_values_make_them_not_differentiable():
    square = np.diag([2.0, 2.0, 1.0])            # the largest singular value twice
    with pytest.raises(NotDifferentiableError, match="largest singular value is repeated"):
        s2sad.grad(norm_ord, wrt="x")(square, 2)
    low_rank = np.outer([1.0, 2.0, 0.5], [0.3, -1.0, 2.0])
    with pytest.raises(NotDifferentiableError, match="nuclear norm.*singular value 0"):
        s2sad.grad(norm_ord, wrt="x")(low_rank, "nuc")
    with pytest.raises(NotDifferentiableError, match="smallest singular value.*0"):
        s2sad.jvp(norm_ord, wrt="x")(low_rank, -2, np.ones((3, 3)))
    # repeated singular values away from the extreme ones: the nuclear norm is smooth
    grad = s2sad.grad(norm_ord, wrt="x")(square, "nuc")
    np.testing.assert_allclose(grad, np.eye(3), atol=1e-12)
    # the spectral norm of the zero matrix: derivative 0, as for the 2-norm of a vector
    np.testing.assert_allclose(s2sad.grad(norm_ord, wrt="x")(np.zeros((2, 3)), 2), 0.0)


def quantile_nearest(x):
    return np.quantile(x, 0.3, method="nearest")


def median_of(x):
    return np.median(x)


def test_quantile_methods_without_a_rule_are_refused():
    with pytest.raises(NotDifferentiableError, match="method='nearest'") as info:
        s2sad.grad(quantile_nearest)(np.array([1.0, 3.0, 2.0, 5.0]))
    assert "np.quantile" in str(info.value) and "hint:" in str(info.value)


def test_median_ties_go_to_the_ranks_of_a_stable_sort():
    # [2, 1, 2]: sorted 1, 2 (index 0), 2 (index 2); the middle rank is index 0's 2
    np.testing.assert_allclose(s2sad.grad(median_of)(np.array([2.0, 1.0, 2.0])), [1, 0, 0])


def nanmax_rows(x):
    return np.nanmax(x, axis=1)


def nanmean_rows(x):
    return np.nanmean(x, axis=1)


def nanmedian_rows(x):
    return np.nanmedian(x, axis=1)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("op", [nanmax_rows, nanmean_rows, nanmedian_rows])
def test_nan_entries_and_slices_of_nan_only_get_derivative_0(op):
    x = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan]])
    _, pullback = s2sad.vjp(op)(x)
    x_bar = pullback(np.array([1.0, 1.0]))
    assert np.all(np.isfinite(x_bar))
    assert np.all(x_bar[np.isnan(x)] == 0.0)
    _, tangent = s2sad.jvp(op)(x, np.ones_like(x))
    assert np.isfinite(tangent[0]) and tangent[0] > 0


def quantile_in_q(x, q):
    return np.quantile(x, q)


def test_a_quantile_differentiated_in_q_is_refused_and_in_its_values_is_not():
    x = np.array([3.0, 1.0, 2.0, 5.0])
    with pytest.raises(NotDifferentiableError, match=r"np\.quantile.*not in q") as info:
        s2sad.grad(quantile_in_q, wrt=("x", "q"))(x, 0.3)
    assert "hint:" in str(info.value)
    with pytest.raises(NotDifferentiableError, match=r"np\.quantile.*not in q"):
        s2sad.jvp(quantile_in_q, wrt="q")(x, 0.3, 1.0)
    np.testing.assert_allclose(s2sad.grad(quantile_in_q, wrt="x")(x, 0.5), [0.5, 0, 0.5, 0])
    np.testing.assert_allclose(s2sad.jvp(quantile_in_q, wrt="x")(x, 0.5, np.ones(4))[1], 1.0)


def test_singular_value_checks_see_through_rounding():
    """An SVD gives a rank-1 matrix's other singular values as 1e-17 and a repeated one
    as two numbers one rounding apart: both are refused as the exact cases are (the
    derivative there is not defined; what the rounding picks is noise)."""
    q, _ = np.linalg.qr(np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0], [1.5, 0.2, -0.7]]))
    repeated = q @ np.diag([2.0, 2.0, 1.0]) @ q.T      # largest singular value twice
    with pytest.raises(NotDifferentiableError, match="largest singular value is repeated"):
        s2sad.grad(norm_ord, wrt="x")(repeated, 2)
    smallest_twice = q @ np.diag([3.0, 1.0, 1.0]) @ q.T
    with pytest.raises(NotDifferentiableError, match="smallest singular value is repeated"):
        s2sad.grad(norm_ord, wrt="x")(smallest_twice, -2)
    rank_one = np.outer([1.0, 2.0, 0.5], [0.3, -1.0, 2.0]) @ q
    with pytest.raises(NotDifferentiableError, match="nuclear norm.*singular value 0"):
        s2sad.grad(norm_ord, wrt="x")(rank_one, "nuc")
    # distinct singular values: the derivative of the spectral norm is u1 v1^T
    distinct = q @ np.diag([3.0, 2.0, 1.0]) @ q.T
    np.testing.assert_allclose(s2sad.grad(norm_ord, wrt="x")(distinct, 2),
                               np.outer(q[:, 0], q[:, 0]), atol=1e-12)
