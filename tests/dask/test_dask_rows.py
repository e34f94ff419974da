"""Issue 17: op-table rows whose derivative crashed on Dask inputs in s2sad's runtime
helpers (np.pad's adjoints, x.flatten(), np.choose/np.select's second order, sorted(),
x.item(), list writes, np.linspace's second order, np.trapezoid's and the cumulative
sums' helpers, np.interp's, the inverses and solves of np.linalg and
multivariate_normal), or computed a Dask array (np.diag's and np.diagonal's adjoints,
np.trace's, np.arange's, a cast's tangent, the higher derivatives of a ** b, whose
check at a == 0 now runs block by block when computed, and of np.prod and np.cumprod,
whose rows are stacked rather than written into a numpy array).

Each row runs on Dask arrays of several chunks (``dask_column.run_case``): its reverse-
and forward-mode derivatives are built under a scheduler that refuses to compute (they
are lazy), then computed and compared with the derivatives on numpy inputs and with
central finite differences.  The helpers are also checked one by one against numpy and
against the adjoint identity ``<pad(x), g> == <x, pad_bar(g)>``.
"""

import warnings

import numpy as np
import pytest

dask = pytest.importorskip("dask", reason="the Dask tests need dask[array] "
                                          "(pip install 's2sad[dask]')")
da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array] "
                                              "(pip install 's2sad[dask]')")

import test_ops  # noqa: E402  (tests/rules, on the path: tests/conftest.py)

from dask_column import ComputeForbidden, chunked, dask_case, lazy, run_case  # noqa: E402

import s2sad  # noqa: E402
from s2sad.errors import NoDerivativeRuleError, ValueTypeError  # noqa: E402
from s2sad.runtime import (choose_of, flatten_bar, flatten_dot, flatten_of,  # noqa: E402
                           inverse_of, linspace_of, pad_bar, pad_constant_bar, pad_dot, select_of,
                           solve_like)
from s2sad.runtime.linalg import LinalgDerivativeError  # noqa: E402
from s2sad.runtime.adjoints_core import power_cross_da, power_log_cross_da  # noqa: E402
from s2sad.runtime.adjoints_structure import item_pick, set_part  # noqa: E402
from s2sad.runtime.quantiles import quantile_bar  # noqa: E402
from s2sad.runtime.elementwise import power_cross  # noqa: E402
from s2sad.runtime.stats import mvn_solve  # noqa: E402
from s2sad.values import PowerDivergesError  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

MOVED = [
    "pad_bar", "pad_constant_bar", "pad_dot", "pad-constant-values", "pad-constant-pairs",
    "pad-edge", "pad-reflect", "pad-symmetric", "x.flatten()", "flatten_bar", "flatten_dot",
    "choose_bar", "choose_of", "select_bar", "select_of", "sorted_bar", "sorted_dot",
    "item_value_bar", "item_value_dot", "set_bar", "rt.linspace_bar", "rt.linspace_of",
    "rt.drop_initial", "rt.trapezoid_x_bar", "rt.trapezoid_dx_bar", "rt.trapezoid_dot",
    "rt.interp_slope", "rt.interp_fp_bar_x", "rt.inverse_of", "rt.solve_like",
    "rt.mvn_solve", "rt.mvn_inverse",
    # (computed a Dask array before)
    "diag_bar", "diagonal_bar", "diag-matrix", "diag-matrix-k1", "diagonal",
    "diagonal-offset-axes", "rt.trace_bar", "rt.cast_dot", "rt.arange_bar", "rt.power_slope",
    "rt.power_log", "rt.power_cross", "rt.power_log_cross", "rt.power_cross_da",
    "rt.power_cross_db", "rt.power_log_cross_da", "rt.diag_embed", "rt.triangle_sym",
    "rt.triangle_bar", "rt.phi", "rt.prod_bar_x_dot", "rt.prod_bar_x_dot2",
    "rt.cumprod_bar_dot", "rt.cumprod_dot2", "rt.cumprod_bar_dot2", "rt.cumprod_dot3",
    "set_part", "rt.quotient_slope",
]
ROWS = {r.op: r for r in test_ops.ROWS}


@pytest.mark.parametrize("op", MOVED)
def test_the_row_is_lazy_on_dask_and_matches_numpy_and_finite_differences(op):
    row_ = ROWS[op]
    case = dask_case(row_)
    run_case(row_.fn, case, test_ops.sample(row_, case))   # raises when eager or wrong


# ------------------------------------------------------------------ np.pad

PADS = [((4,), 2, "edge"), ((4,), (1, 3), "reflect"), ((5,), 3, "reflect"),
        ((3,), 3, "symmetric"), ((4,), 4, "wrap"), ((3, 4), ((1, 2), (3, 1)), "edge"),
        ((3, 4), ((2, 0), (1, 3)), "reflect"), ((3, 4), 2, "symmetric"),
        ((2, 3, 4), ((1, 1), (0, 2), (2, 1)), "wrap"), ((3, 4), ((1, 2), (0, 1)), "constant")]


@pytest.mark.parametrize("shape, width, mode", PADS)
def test_pad_bar_on_dask_is_the_transpose_of_np_pad(shape, width, mode):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    g = rng.standard_normal(np.pad(x, width, mode).shape)
    with lazy():
        x_bar = pad_bar(chunked(g), chunked(x), width, mode)
    assert isinstance(x_bar, da.Array)
    x_bar = x_bar.compute()
    # the adjoint identity, from numpy's np.pad alone
    np.testing.assert_allclose(np.sum(np.pad(x, width, mode) * g), np.sum(x * x_bar))
    np.testing.assert_allclose(x_bar, pad_bar(g, x, width, mode))


@pytest.mark.parametrize("shape, width", [((3, 4), ((1, 2), (3, 1))), ((2, 3, 2), 1)])
def test_pad_constant_bar_and_pad_dot_on_dask_against_numpy(shape, width):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    values = rng.standard_normal((len(shape), 2))
    g = rng.standard_normal(np.pad(x, width).shape)
    with lazy():
        c_bar = pad_constant_bar(chunked(g), chunked(x), width, "constant", values)
        padded = pad_dot(chunked(x), width, "constant", da.from_array(values))
    # the derivative of <np.pad(x, c), g> in c, by finite differences of numpy's np.pad
    def dotted(c):
        return np.sum(np.pad(x, width, constant_values=c) * g)
    np.testing.assert_allclose(c_bar.compute(), finite_difference_gradient(dotted, (values,)),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(padded.compute(), np.pad(x, width, constant_values=values))


@pytest.mark.parametrize("mode, width", [("wrap", 3), ("symmetric", 3), ("reflect", 2)])
def test_a_pad_dask_gets_wrong_is_refused_with_an_s2sad_error(mode, width):
    x = np.arange(2.0)
    g = chunked(np.ones(np.pad(x, width, mode).shape))
    with pytest.raises(ValueTypeError, match="Dask pads wider than the axis") as info:
        pad_bar(g, chunked(x), width, mode)
    assert "pad by at most" in str(info.value)
    with pytest.raises(ValueTypeError):
        pad_dot(chunked(x), width, mode)


# ------------------------------------------------------------------ x.flatten()

def flattened(x):
    return np.sum(np.sin(x.flatten()) * np.arange(12.0))


def test_x_flatten_differentiates_lazily_on_dask():
    x = np.random.default_rng(2).standard_normal((3, 4))
    with lazy():
        grad = s2sad.grad(flattened)(chunked(x))
    assert isinstance(grad, da.Array)
    np.testing.assert_allclose(grad.compute(), finite_difference_gradient(flattened, (x,)),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("order", ["C", "F"])
def test_flatten_helpers_on_dask_read_the_order(order):
    x = np.arange(12.0).reshape(3, 4)
    with lazy():
        flat = flatten_of(chunked(x), order)
        back = flatten_bar(chunked(x.ravel()), x, order)
        dot = flatten_dot(x, chunked(x), order)
    np.testing.assert_array_equal(flat.compute(), x.flatten(order))
    np.testing.assert_array_equal(dot.compute(), x.flatten(order))
    np.testing.assert_array_equal(back.compute(), x.ravel().reshape(3, 4, order=order))


def test_flatten_in_memory_order_of_a_dask_array_is_refused():
    with pytest.raises(NoDerivativeRuleError, match="memory"):
        flatten_of(chunked(np.ones((2, 2))), "K")


# ------------------------------------------------------------------ choose, select, linspace

def test_choose_of_select_of_linspace_of_on_dask_equal_numpy():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    index = np.array([[0, 1, 5, -1]] * 3)
    masks = [a > 0.5, a < -0.5]
    with lazy():
        chosen = choose_of(index, [chunked(a), b], "wrap")
        clipped = choose_of(index, [chunked(a), b], "clip")
        selected = select_of(masks, [chunked(a), b], 2.0)
        spaced = linspace_of(chunked(a), b, 5, False, -1)
    np.testing.assert_array_equal(chosen.compute(), np.choose(index, [a, b], mode="wrap"))
    np.testing.assert_array_equal(clipped.compute(), np.choose(index, [a, b], mode="clip"))
    np.testing.assert_array_equal(selected.compute(), np.select(masks, [a, b], 2.0))
    np.testing.assert_allclose(spaced.compute(), np.linspace(a, b, 5, False, axis=-1))


# ------------------------------------------------------------------ inverses and solves

def test_inverse_of_a_singular_dask_matrix_is_refused_when_computed():
    with lazy():   # building computes nothing (the check runs with the block)
        inverse = inverse_of(chunked(np.ones((4, 4))), "np.linalg.det")
    with pytest.raises(LinalgDerivativeError, match="singular"):
        inverse.compute()


def test_solves_with_a_numpy_matrix_and_dask_right_sides_are_lazy():
    rng = np.random.default_rng(4)
    a = rng.standard_normal((3, 3)) + 3.0 * np.eye(3)
    g, rows = rng.standard_normal((3, 40)), rng.standard_normal((40, 3))
    with lazy():
        solved = solve_like(a, chunked(g), np.zeros((3, 40)))
        per_row = mvn_solve(a, chunked(rows))
    np.testing.assert_allclose(solved.compute(), np.linalg.solve(a, g))
    np.testing.assert_allclose(per_row.compute(), np.linalg.solve(a, rows.T).T)
    assert len(per_row.chunks[0]) > 1   # streams block of rows by block


@pytest.mark.parametrize("helper", [power_cross, power_cross_da, power_log_cross_da])
def test_a_diverging_power_derivative_on_dask_is_refused_when_computed(helper):
    base = chunked(np.array([0.0, 1.0, 2.0, 0.0]))
    exponent = np.array([0.5, 0.5, 0.5, 3.0])
    with lazy():   # building computes nothing
        out = (helper(base, exponent, chunked(np.ones(4))) if helper is not power_log_cross_da
               else helper(base ** exponent, base, chunked(np.ones(4)), exponent))
    with pytest.raises(PowerDivergesError, match="infinite where a == 0"):
        out.compute()
    fine = np.array([1.0, 1.0, 2.0, 0.0])
    expected = helper(fine, exponent, np.ones(4)) if helper is not power_log_cross_da else \
        helper(fine ** exponent, fine, np.ones(4), exponent)
    again = (helper(chunked(fine), exponent, chunked(np.ones(4)))
             if helper is not power_log_cross_da
             else helper(chunked(fine) ** exponent, chunked(fine), chunked(np.ones(4)), exponent))
    np.testing.assert_allclose(again.compute(), expected)


def lower_factor_weighed(a):
    return np.sum(np.linalg.cholesky(a) * np.array([[1.0, 0.0], [2.0, 3.0]]))


def test_cholesky_of_a_dask_array_is_refused_dask_returns_the_upper_factor():
    m = np.array([[4.0, 1.0], [1.0, 3.0]])
    upper = np.linalg.cholesky(chunked(m)).compute()   # (Dask's, not numpy's, factor)
    assert not np.allclose(upper, np.linalg.cholesky(m))
    with pytest.raises(ValueTypeError, match="upper triangular factor") as info:
        s2sad.grad(lower_factor_weighed)(chunked(m))
    assert "compute the matrix first" in str(info.value)
    numpy_grad = s2sad.grad(lower_factor_weighed)(m)   # numpy's stays differentiated
    np.testing.assert_allclose(numpy_grad, finite_difference_gradient(
        lambda a: lower_factor_weighed(np.tril(a) + np.tril(a, -1).T), (m,)), rtol=1e-6)


def test_container_adjoint_helpers_read_a_dask_array_never_a_zero():
    # item_pick and _at took only numpy arrays for arrays: a Dask adjoint read as zeros
    h = np.arange(6.0).reshape(2, 3)
    with lazy():
        picked = item_pick(chunked(h), 1, np.zeros(3))
        part = set_part([chunked(h), chunked(h[0])], h, 1)
    np.testing.assert_array_equal(picked.compute(), h[1])
    np.testing.assert_array_equal(part.compute(), np.stack([h[0], h[0]]))


def test_quantile_bar_on_dask_equals_numpy():
    # np.put_along_axis on a Dask array wrote into a numpy copy: the adjoint came back empty
    rng = np.random.default_rng(5)
    a, g = rng.standard_normal((3, 5)), rng.standard_normal(3)
    with warnings.catch_warnings():   # (Dask lacks argsort: numpy's computes it, rightly)
        warnings.simplefilter("ignore")
        got = np.asarray(quantile_bar(chunked(g), chunked(a), 0.3, 1))
    np.testing.assert_allclose(got, quantile_bar(g, a, 0.3, 1))
    def weighed(x):
        return np.sum(np.quantile(x, 0.3, axis=1) * g)
    np.testing.assert_allclose(got, finite_difference_gradient(weighed, (a,)), rtol=1e-6,
                               atol=1e-8)


def selected(x, y):
    return np.select([x > 0.5, x < -0.5], [x * y, np.sin(y)], 0.0)


def test_np_select_value_and_tangent_computed_together_on_dask():
    # Dask 2026.8 names every np.select result "select": a tangent made by np.select too
    # would be the value's key in one graph, and one of them the other's numbers
    rng = np.random.default_rng(6)
    x, y, tx, ty = (rng.standard_normal((2, 3)) for _ in range(4))
    with lazy():
        value, tangent = s2sad.jvp(selected, wrt=(0, 1))(chunked(x), chunked(y), tx, ty)
    value, tangent = dask.compute(value, tangent)
    np.testing.assert_allclose(value, selected(x, y))
    step = 1e-6
    expected = (selected(x + step * tx, y + step * ty)
                - selected(x - step * tx, y - step * ty)) / (2 * step)
    np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-8)


def test_the_lazy_helper_guard_works():
    with pytest.raises(ComputeForbidden):
        with lazy():
            chunked(np.ones(4)).sum().compute()
