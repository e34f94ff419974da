"""Issue 17: derivatives stay lazy where numpy parameters are read item by item or
by slices against Dask data, where an adjoint reaches a name twice, and deferred
checks name the user's line.

Each derivative is built under a scheduler that refuses to compute
(``dask_column.lazy``) and a callback counting Dask computes; the computed results are
compared with central finite differences on numpy inputs."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")


import s2sad  # noqa: E402
import s2sad.dask  # noqa: E402
from s2sad.runtime.scans import NotDifferentiableError  # noqa: E402
from s2sad.testing import check_grads, finite_difference_gradient  # noqa: E402

import dask_lazy_programs as P  # noqa: E402
from dask_column import Computes, lazy  # noqa: E402


def _data(n=12, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w = rng.normal(size=d) * 0.3
    return w, X, da.from_array(X, chunks=(n // 3, 2))


def _built_lazily(build):
    """``build()`` under the refusing scheduler, counting computes (none expected)."""
    counter = Computes()
    with counter, lazy():
        result = build()
    assert counter.count == 0
    return result


FUNCTIONS = [P.per_feature, P.first_item, P.slices, P.twice, P.updated, P.picked_items]


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
def test_gradient_wrt_numpy_weights_is_built_without_a_compute(func):
    w, X, dX = _data()
    g = _built_lazily(lambda: s2sad.grad(func)(w, dX))
    assert isinstance(g, da.Array) and g.shape == w.shape and g.dtype == np.float64
    expected = finite_difference_gradient(func, (w, X))
    np.testing.assert_allclose(g.compute(), expected, rtol=1e-6, atol=1e-9)
    # the numpy inputs' gradient is numpy, and the same
    np.testing.assert_allclose(s2sad.grad(func)(w, X), expected, rtol=1e-6, atol=1e-9)
    assert type(s2sad.grad(func)(w, X)) is np.ndarray


@pytest.mark.parametrize("func", [P.twice, P.per_feature], ids=lambda f: f.__name__)
def test_gradient_wrt_dask_data_is_built_without_a_compute(func):
    w, X, dX = _data()
    gX = _built_lazily(lambda: s2sad.grad(func, wrt=1)(w, dX))
    assert isinstance(gX, da.Array) and gX.shape == X.shape
    np.testing.assert_allclose(gX.compute(), finite_difference_gradient(func, (w, X), argnum=1),
                               rtol=1e-6, atol=1e-9)


def test_value_and_gradient_compute_in_one_pass():
    w, X, dX = _data()
    value, g = _built_lazily(lambda: s2sad.value_and_grad(P.per_feature)(w, dX))
    counter = Computes()
    with counter:
        value, g = s2sad.dask.compute((value, g))
    assert counter.count == 1
    assert value == pytest.approx(P.per_feature(w, X), rel=1e-12)
    np.testing.assert_allclose(g, finite_difference_gradient(P.per_feature, (w, X)),
                               rtol=1e-6, atol=1e-9)


def test_vjp_and_jvp_of_items_of_numpy_weights_are_lazy_and_right():
    w, X, dX = _data()
    rng = np.random.default_rng(1)
    ct, tangent = rng.normal(size=X.shape[0]), rng.normal(size=w.shape)

    def build():
        value, pullback = s2sad.vjp(P.vector_items)(w, dX)
        return value, pullback(ct), s2sad.jvp(P.vector_items)(w, dX, tangent)

    value, g, (jvalue, jt) = _built_lazily(build)
    assert all(isinstance(v, da.Array) for v in (value, g, jvalue, jt))
    jac = finite_difference_gradient(P.vector_items, (w, X))   # (n, d)
    g, jt = s2sad.dask.compute((g, jt))
    np.testing.assert_allclose(g, ct @ jac, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(jt, jac @ tangent, rtol=1e-6, atol=1e-9)


def test_hvp_of_item_reads_on_dask_data():
    w, X, dX = _data()
    v = np.random.default_rng(2).normal(size=w.shape)
    hv = _built_lazily(lambda: s2sad.hvp(P.first_item)(w, dX, v))
    assert isinstance(hv, da.Array) and hv.shape == w.shape
    hv = hv.compute()

    def gradient(w_):
        return finite_difference_gradient(P.first_item, (w_, X))

    hessian = np.array([finite_difference_gradient(lambda w_: gradient(w_)[i], (w,))
                        for i in range(len(w))])
    np.testing.assert_allclose(hv, hessian @ v, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("func", [P.twice, P.updated], ids=lambda f: f.__name__)
def test_no_copy_of_an_adjoint_in_a_function_without_writes(func):
    text = s2sad.source(func)
    assert "copy_of" not in text and "np.copy" not in text
    w, X, _ = _data()
    check_grads(func, (w, X))


def test_a_deferred_check_names_the_users_line():
    w, X, dX = _data()
    X[:, 2] = 1.5   # a column of equal values: its standard deviation is 0
    dX = da.from_array(X, chunks=(4, 2))
    g = _built_lazily(lambda: s2sad.grad(P.spread)(w, dX))
    with pytest.raises(NotDifferentiableError) as info:
        g.compute()
    text = str(info.value)
    assert "dask_lazy_programs.py:" in text and "np.std(X * w, axis=0)" in text
    assert info.value.location.line == P.spread.__code__.co_firstlineno + 2


def test_check_grads_refuses_dask_arguments_with_what_to_do():
    w, X, dX = _data()
    with pytest.raises(ValueError, match=r"'X' holds a Dask array.*\.compute\(\)"):
        check_grads(P.twice, (w, dX))
    with pytest.raises(ValueError, match="holds a Dask array"):
        check_grads(P.twice, (w, [dX]))


def test_runtime_copies_of_a_dask_array_stay_lazy():
    """copy_container (an argument changed by a method) and adjoint_copy (an adjoint the
    sweep writes items into) copy a Dask array by Dask, never by numpy."""
    from s2sad.runtime import adjoint_copy, copy_container

    _, X, dX = _data()
    copies = _built_lazily(lambda: (copy_container(dX), adjoint_copy(dX)))
    for copy in copies:
        assert isinstance(copy, da.Array) and copy is not dX
        np.testing.assert_array_equal(copy.compute(), X)
    assert type(copy_container(X)) is np.ndarray and copy_container(X) is not X


def test_a_fresh_copy_of_a_dask_array_is_a_new_array_object():
    """Dask's item assignment changes the array object: a copy written into (index_set:
    second-order code's ``x = index_set(x, i, v)``) must never be the caller's array
    (Dask's astype to the same dtype returns the array itself)."""
    from s2sad.runtime.indexing import index_set
    from s2sad.runtime.duck import fresh

    x = da.from_array(np.arange(6.0), chunks=3)
    copy = fresh(x)
    copy[0] = 100.0
    written = index_set(x, 1, 5.0)
    np.testing.assert_array_equal(x.compute(), np.arange(6.0))
    assert copy.compute()[0] == 100.0 and written.compute()[1] == 5.0


def test_copy_of_and_add_into_keep_dask_arrays_lazy_and_numpy_in_place():
    """copy_of: np.copy for numpy arrays (a list a new list, a number kept), a new lazy Dask array
    for a Dask one; add_into: in place into a numpy adjoint with a numpy part, a new Dask
    array when the part is a Dask one (basic and integer-array indices)."""
    from s2sad.runtime import add_into, copy_of

    _, X, dX = _data()
    copy = _built_lazily(lambda: copy_of(dX))
    assert isinstance(copy, da.Array) and copy is not dX
    np.testing.assert_array_equal(copy.compute(), X)
    items = [1.0, 2.0]
    assert type(copy_of(items)) is list and copy_of(items) == items and copy_of(items) is not items
    assert copy_of(X) is not X and copy_of(2.5) == 2.5 and copy_of(None) is None
    w_bar = np.zeros(4)
    assert add_into(w_bar, 1, 2.0) is w_bar and w_bar[1] == 2.0
    lazy_sum = _built_lazily(lambda: add_into(add_into(np.zeros(4), slice(1, None, None),
                                                       dX[0, 1:]),
                                              np.array([0, 0]), dX[1, :2]))
    assert isinstance(lazy_sum, da.Array)
    expected = np.zeros(4)
    expected[1:] += X[0, 1:]
    np.add.at(expected, np.array([0, 0]), X[1, :2])
    np.testing.assert_allclose(lazy_sum.compute(), expected, rtol=1e-15)
