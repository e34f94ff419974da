"""Issue 17: derivatives of functions of Dask arrays whose length is not known before
they are computed (``X[X[:, 0] > c]``, or a lazy mask taken inside the function).
Gradients are compared with central finite differences on the numpy rows the mask
keeps; where a derivative needs the unknown length as a position (the adjoint of
``X[m]`` with respect to ``X``), it is refused with its location."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")

import s2sad  # noqa: E402
import s2sad.dask  # noqa: E402
from s2sad.errors import LazyShapeError  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

import dask_unknown_programs as P  # noqa: E402
from dask_column import lazy  # noqa: E402


def _data():
    rng = np.random.default_rng(5)
    X, y, w = rng.normal(size=(12, 4)), rng.normal(size=12), rng.normal(size=4)
    keep = X[:, 0] > -0.5
    dX, dy = da.from_array(X, chunks=(5, 2)), da.from_array(y, chunks=5)
    mask = dX[:, 0] > -0.5
    return w, X, y, keep, dX[mask], dy[mask], dX, dy


CASES = [(P.squares, False), (P.mean_squares, True), (P.elementwise, False),
         (P.normal_equations, False)]


@pytest.mark.parametrize("func,with_y", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_gradients_wrt_weights_over_rows_of_unknown_number(func, with_y):
    w, X, y, keep, Xu, yu, _, _ = _data()
    assert np.isnan(Xu.shape[0])
    args, numpy_args = ((w, Xu, yu), (w, X[keep], y[keep])) if with_y \
        else ((w, Xu), (w, X[keep]))
    with lazy():
        value, g = s2sad.value_and_grad(func)(*args)
    value, g = s2sad.dask.compute((value, g))
    assert value == pytest.approx(func(*numpy_args), rel=1e-12)
    np.testing.assert_allclose(g, finite_difference_gradient(func, numpy_args),
                               rtol=1e-6, atol=1e-9)


def test_gradient_wrt_the_data_of_unknown_length():
    w, X, _, keep, Xu, _, _, _ = _data()
    g = s2sad.dask.compute(s2sad.grad(P.elementwise, wrt=1)(w, Xu))
    np.testing.assert_allclose(g, finite_difference_gradient(P.elementwise, (w, X[keep]),
                                                             argnum=1), rtol=1e-6, atol=1e-9)


def test_a_mask_taken_inside_the_function_wrt_the_weights():
    w, X, y, _, _, _, dX, dy = _data()
    g = s2sad.dask.compute(s2sad.grad(P.masked_inside)(w, dX, dy))
    np.testing.assert_allclose(g, finite_difference_gradient(P.masked_inside, (w, X, y)),
                               rtol=1e-6, atol=1e-9)


def test_a_mask_taken_inside_the_function_wrt_the_data_is_refused_where_it_is_read():
    w, _, _, _, _, _, dX, dy = _data()
    with pytest.raises(LazyShapeError) as info:
        s2sad.grad(P.masked_inside, wrt=1)(w, dX, dy)
    assert "dask_unknown_programs.py" in str(info.value)


def test_a_tangent_of_unknown_length_fits_its_argument_of_unknown_length():
    """The fuzzer's mode dask_unknown: jvp of an argument of unknown length along a
    tangent of unknown length was refused (TangentError: "expected shape (nan, 4), got
    (nan, 4)": nan is not equal to itself)."""
    w, X, _, keep, Xu, _, dX, _ = _data()
    T = np.random.default_rng(6).normal(size=X.shape)
    Tu = da.from_array(T, chunks=(5, 2))[dX[:, 0] > -0.5]
    value, tangent = s2sad.dask.compute(s2sad.jvp(P.elementwise, wrt=1)(w, Xu, Tu))
    assert value == pytest.approx(P.elementwise(w, X[keep]), rel=1e-12)
    expected = finite_difference_gradient(P.elementwise, (w, X[keep]), argnum=1)
    assert tangent == pytest.approx(np.sum(expected * T[keep]), rel=1e-6)


@pytest.mark.parametrize("func", [P.running_sums, P.outer_sums], ids=lambda f: f.__name__)
def test_gradient_of_a_vector_of_unknown_length_through_cumsum_and_outer(func):
    """Found with the fuzzer's mode dask_unknown: the adjoints of np.cumsum (np.flip of an
    unknown length) and np.outer (a reshape to a shape holding nan) raised Dask's
    ValueError on a vector of unknown length."""
    _, X, _, keep, Xu, _, _, _ = _data()
    x, xu = X[keep][:, 1], Xu[:, 1]
    assert np.isnan(xu.shape[0])
    value, g = s2sad.dask.compute(s2sad.value_and_grad(func)(xu))
    assert value == pytest.approx(func(x), rel=1e-12)
    np.testing.assert_allclose(g, finite_difference_gradient(func, (x,)), rtol=1e-6,
                               atol=1e-8)


@pytest.mark.parametrize("func", [P.means, P.row_sums], ids=lambda f: f.__name__)
def test_means_and_sums_over_rows_of_unknown_number(func):
    """Found with the fuzzer's mode dask_unknown: the adjoint of a mean over an axis of
    unknown length divided by that length, nan, and gave a gradient of nan silently; the
    adjoint of a sum over the other axis reshaped to a shape holding nan (Dask's
    ValueError)."""
    _, X, _, keep, Xu, _, _, _ = _data()
    V = np.random.default_rng(7).normal(size=X.shape)
    Vu = da.from_array(V, chunks=(5, 2))[da.from_array(X, chunks=(5, 2))[:, 0] > -0.5]
    value, g = s2sad.dask.compute(s2sad.value_and_grad(func)(Xu))
    assert value == pytest.approx(func(X[keep]), rel=1e-12)
    np.testing.assert_allclose(g, finite_difference_gradient(func, (X[keep],)), rtol=1e-6,
                               atol=1e-8)
    hv = s2sad.dask.compute(s2sad.hvp(func)(Xu, Vu))
    Z, W = X[keep], V[keep]
    if func is P.means:   # (written by hand: 2 mean(W, 0) / n on every row)
        expected = np.broadcast_to(2 * W.mean(axis=0) / len(Z), Z.shape)
    else:                 # (-sin(row sum) times the row sum of W, on every element)
        expected = np.broadcast_to((-np.sin(Z.sum(axis=1)) * W.sum(axis=1))[:, None],
                                   Z.shape)
    np.testing.assert_allclose(hv, expected, rtol=1e-9, atol=1e-12)
