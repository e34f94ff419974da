"""Issue 17: the API on Dask arrays, lazy in and lazy out.

Every derivative is built under a scheduler that refuses to compute
(``dask_column.lazy``): building it computes nothing.  The computed results are
compared with central finite differences on numpy inputs."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")

import s2sad  # noqa: E402
import s2sad.dask  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

import dask_programs as P  # noqa: E402
from dask_column import Computes, lazy  # noqa: E402


def _data(n=24, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = np.sign(rng.normal(size=n))
    w = rng.normal(size=d) * 0.3
    return w, X, y, da.from_array(X, chunks=(n // 4, d)), da.from_array(y, chunks=n // 4)


def _logistic_gradient(w, X, y):
    """The gradient of ``P.logistic``, by hand: X.T @ (-y sigmoid(-y z)) / n."""
    z = X @ w
    return X.T @ (-y / (1.0 + np.exp(y * z))) / len(y)


def _logistic_hessian(w, X, y):
    """Finite differences of the hand-written gradient (no s2sad in the reference)."""
    return np.array([finite_difference_gradient(lambda w_: _logistic_gradient(w_, X, y)[i],
                                                (w,)) for i in range(len(w))])


@pytest.mark.parametrize("func", [P.least_squares, P.logistic])
def test_grad_and_value_and_grad_are_lazy_and_right(func):
    w, X, y, dX, dy = _data()
    with lazy():
        g = s2sad.grad(func)(w, dX, dy)
        value, g2 = s2sad.value_and_grad(func)(w, dX, dy)
    assert isinstance(g, da.Array) and g.shape == w.shape and g.dtype == np.float64
    assert isinstance(value, da.Array) and value.shape == ()
    expected = finite_difference_gradient(func, (w, X, y))
    np.testing.assert_allclose(g.compute(), expected, rtol=1e-6, atol=1e-9)
    value, g2 = s2sad.dask.compute((value, g2))
    np.testing.assert_allclose(g2, expected, rtol=1e-6, atol=1e-9)
    assert value == pytest.approx(func(w, X, y), rel=1e-12)


def test_gradients_of_dask_arguments_and_a_float_are_lazy():
    w, X, y, dX, dy = _data()
    b = 0.2
    with lazy():
        gw, gb, gX = s2sad.grad(P.logistic_with_bias, wrt=(0, 1, 2))(w, b, dX, dy)
    assert isinstance(gX, da.Array) and gX.shape == X.shape
    assert isinstance(gb, da.Array) and gb.shape == ()   # a float's gradient: 0-d, lazy
    gw, gb, gX = s2sad.dask.compute((gw, gb, gX))
    args = (w, b, X, y)
    for got, i in zip((gw, gb, gX), (0, 1, 2)):
        np.testing.assert_allclose(got, finite_difference_gradient(P.logistic_with_bias, args,
                                                                   argnum=i),
                                   rtol=1e-6, atol=1e-9)


def test_vjp_and_jvp_of_a_vector_output_are_lazy_and_right():
    w, X, y, dX, dy = _data()
    rng = np.random.default_rng(3)
    ct, tangent = rng.normal(size=len(y)), rng.normal(size=w.shape)
    with lazy():
        value, pullback = s2sad.vjp(P.residuals)(w, dX, dy)
        g = pullback(ct)
        jvalue, jt = s2sad.jvp(P.residuals)(w, dX, dy, tangent)
    assert all(isinstance(v, da.Array) for v in (value, g, jvalue, jt))
    jac = finite_difference_gradient(P.residuals, (w, X, y))   # (n, d)
    g, jt = s2sad.dask.compute((g, jt))
    np.testing.assert_allclose(g, ct @ jac, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(jt, jac @ tangent, rtol=1e-6, atol=1e-9)


def test_a_dask_cotangent_is_taken_as_it_is():
    w, X, y, dX, dy = _data()
    ct = np.linspace(-1.0, 1.0, len(y))
    with lazy():
        _, pullback = s2sad.vjp(P.residuals)(w, dX, dy)
        g = pullback(da.from_array(ct, chunks=6))
    assert isinstance(g, da.Array)
    jac = finite_difference_gradient(P.residuals, (w, X, y))
    np.testing.assert_allclose(g.compute(), ct @ jac, rtol=1e-6, atol=1e-9)


def test_hvp_and_hessian_on_dask_data():
    w, X, y, dX, dy = _data()
    v = np.array([0.3, -0.2, 0.5])
    with lazy():
        hv = s2sad.hvp(P.logistic)(w, dX, dy, v)
    assert isinstance(hv, da.Array) and hv.shape == w.shape
    hv = s2sad.dask.compute(hv)
    np.testing.assert_allclose(hv, _logistic_hessian(w, X, y) @ v, rtol=1e-5, atol=1e-8)


def test_compute_computes_value_and_gradient_in_one_pass():
    """One dask.compute for the value and the gradient: X's chunks are read once."""
    from dask.callbacks import Callback

    w, X, y, dX, dy = _data()
    started = []

    class Count(Callback):
        def _start(self, dsk):
            started.append(len(dsk))

    step = s2sad.dask.computed(s2sad.value_and_grad(P.least_squares))
    with Count():
        value, g = step(w, dX, dy)
    assert len(started) == 1
    assert isinstance(g, np.ndarray) and isinstance(value, (float, np.floating))
    np.testing.assert_allclose(g, finite_difference_gradient(P.least_squares, (w, X, y)),
                               rtol=1e-6, atol=1e-9)


def test_numpy_inputs_are_unchanged():
    """The same gradient function, numpy in: numpy out (no Dask anywhere)."""
    w, X, y, _, _ = _data()
    g = s2sad.grad(P.logistic)(w, X, y)
    assert type(g) is np.ndarray
    np.testing.assert_allclose(g, finite_difference_gradient(P.logistic, (w, X, y)),
                               rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("func", [P.chunked_sum, P.row_loop])
def test_loops_over_blocks_and_rows_tape_lazy_values(func):
    w, X, _, dX, _ = _data(n=12)
    with lazy():
        g = s2sad.grad(func)(w, dX)
        _, jt = s2sad.jvp(func)(w, dX, np.ones_like(w))
    assert isinstance(g, da.Array) and isinstance(jt, da.Array)
    g, jt = s2sad.dask.compute((g, jt))
    expected = finite_difference_gradient(func, (w, X))
    np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-9)
    assert jt == pytest.approx(float(np.sum(expected)), rel=1e-6)


def test_an_if_on_a_lazy_value_computes_it_and_is_right():
    """Python's ``if`` needs a bool: Dask computes the lazy scalar there, as it does when
    the function itself runs; the gradient (of the branch taken) is right."""
    w, X, _, dX, _ = _data(n=12)
    g = s2sad.grad(P.branch_on_data)(w, dX)
    np.testing.assert_allclose(np.asarray(g), finite_difference_gradient(P.branch_on_data,
                                                                         (w, X)),
                               rtol=1e-6, atol=1e-9)


def test_a_check_on_values_runs_when_they_are_computed():
    """The standard deviation's derivative divides by it: the check that it is not 0 is
    deferred to the compute (nothing is computed while the gradient is built), where
    equal values raise s2sad's error."""
    w, X, _, dX, _ = _data(n=12)
    with lazy():
        g = s2sad.grad(P.spread)(w, dX)
    np.testing.assert_allclose(g.compute(), finite_difference_gradient(P.spread, (w, X)),
                               rtol=1e-5, atol=1e-8)
    flat = da.from_array(np.ones((12, 3)), chunks=(3, 3))
    with lazy():
        g = s2sad.grad(P.spread)(w, flat)
    with pytest.raises(s2sad.errors.S2sadError, match="standard deviation is 0"):
        g.compute()


def test_a_lazy_mask_index_is_refused_with_a_way_out():
    x = np.array([1.0, -2.0, 3.0, -0.5, 2.0])
    with lazy(), pytest.raises(s2sad.errors.LazyShapeError, match="np.where"):
        s2sad.grad(P.positive_part)(da.from_array(x, chunks=2))
    g = s2sad.grad(P.positive_part)(x)   # numpy: the same function, no refusal
    np.testing.assert_allclose(g, finite_difference_gradient(P.positive_part, (x,)),
                               rtol=1e-6, atol=1e-9)


def test_an_index_naming_a_row_twice_sums_its_parts():
    w, X, _, dX, _ = _data(n=12)
    with lazy():
        gw, gX = s2sad.grad(P.picked_rows, wrt=(0, 1))(w, dX)
    assert isinstance(gX, da.Array)
    gw, gX = s2sad.dask.compute((gw, gX))
    args = (w, X)
    np.testing.assert_allclose(gw, finite_difference_gradient(P.picked_rows, args),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gX, finite_difference_gradient(P.picked_rows, args, argnum=1),
                               rtol=1e-6, atol=1e-8)


def test_jacobian_and_hessian_wrt_numpy_weights_on_dask_data_are_lazy():
    w, X, y, dX, dy = _data(n=12)
    with lazy():
        jac = s2sad.jacobian(P.residuals)(w, dX, dy)
        hess = s2sad.hessian(P.logistic)(w, dX, dy)
    assert isinstance(jac, da.Array) and jac.shape == (12, 3)
    assert isinstance(hess, da.Array) and hess.shape == (3, 3)
    jac, hess = s2sad.dask.compute((jac, hess))
    np.testing.assert_allclose(jac, finite_difference_gradient(P.residuals, (w, X, y)),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(hess, _logistic_hessian(w, X, y), rtol=1e-5, atol=1e-8)


WRITERS = [P.column_writes, P.copied_writes, P.argument_writes]


@pytest.mark.parametrize("func", WRITERS, ids=lambda f: f.__name__)
def test_writes_into_arrays_are_lazy(func):
    """A function that writes into an array (``Z[:, j] = ...``, into ``X.copy()``, into
    an argument): the backward sweep copies the arrays it restores and the adjoints it
    zeroes with s2sad's ``copy_of`` (Dask's own copy: numpy's ``np.copy``, which Dask
    does not implement, computed them), so nothing is computed while the derivatives
    are built, in either mode; the numbers are finite differences'."""
    w, X, _, dX, _ = _data(n=12)
    text = s2sad.source(func, wrt=(0, 1))
    assert "copy_of(" in text and "np.copy" not in text
    computes = Computes()
    with computes, lazy():
        g = s2sad.grad(func)(w, dX)
        _, pullback = s2sad.vjp(func, wrt=(0, 1))(w, dX)
        w_bar, X_bar = pullback(1.0)
        _, jt = s2sad.jvp(func)(w, dX, np.ones(3))
    assert computes.count == 0
    assert all(isinstance(v, da.Array) for v in (g, w_bar, X_bar, jt))
    g, w_bar, X_bar, jt = s2sad.dask.compute((g, w_bar, X_bar, jt))
    expected = finite_difference_gradient(func, (w, X.copy()))
    np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(w_bar, expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(X_bar, finite_difference_gradient(func, (w, X.copy()), argnum=1),
                               rtol=1e-6, atol=1e-8)
    assert float(jt) == pytest.approx(float(np.sum(expected)), rel=1e-6)


def test_hvp_of_a_function_that_writes_into_arrays_is_lazy():
    """Second order (forward over the reverse code, whose copies are copy_of): lazy."""
    w, X, _, dX, _ = _data(n=12)
    v = np.array([0.3, -1.0, 0.5])
    computes = Computes()
    with computes, lazy():
        hv = s2sad.hvp(P.copied_writes)(w, dX, v)
    assert computes.count == 0 and isinstance(hv, da.Array)
    hessian = np.array([finite_difference_gradient(
        lambda w_: finite_difference_gradient(P.copied_writes, (w_, X.copy()))[i], (w,))
        for i in range(3)])
    np.testing.assert_allclose(hv.compute(), hessian @ v, rtol=1e-4, atol=1e-5)


def test_a_list_of_numpy_weights_gets_a_list_of_lazy_gradients():
    w, X, _, dX, _ = _data(n=12)
    rng = np.random.default_rng(5)
    params = [rng.normal(size=(3, 4)), rng.normal(size=4)]
    with lazy():
        g = s2sad.grad(P.layers)(params, dX)
    assert isinstance(g, list) and all(isinstance(t, da.Array) for t in g)
    g = s2sad.dask.compute(g)
    expected = finite_difference_gradient(P.layers, (params, X))
    for got, want in zip(g, expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
