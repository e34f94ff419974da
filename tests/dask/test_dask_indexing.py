"""Issue 17: the adjoints of subscript reads on Dask arrays (``np.newaxis``, ``Ellipsis``,
integer lists and arrays with repeats, tuples mixing them with slices, numpy boolean
masks, ``np.take``, ``np.take_along_axis``) are lazy and right.

Every derivative is built under a scheduler that refuses to compute
(``dask_column.lazy``); the computed results are compared with central finite
differences on numpy inputs (second order: differences of differences)."""

import importlib.util
import sys
import textwrap

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")

import s2sad  # noqa: E402
import s2sad.dask  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

from dask_column import lazy  # noqa: E402
from in_process import s2sad_command

ROWS = np.array([True, False, True, True, False, True])
COLUMNS = np.array([False, True, True, False])


def column_prediction(w, X):
    pred = (X @ w)[:, None]
    return np.sum((pred - X[:, :1]) ** 2)


def leading_axis(w, X):
    return np.sum(np.sin(X[None]) * w)


def middle_axis(w, X):
    return np.sum(np.sin(X[:, None, :]) * w)


def newaxis_and_slice(w, X):
    return np.sum(np.sin(X[np.newaxis, 1:3, :]) * w[np.newaxis])


def ellipsis_and_newaxis(w, X):
    return np.sum(np.cos(X[..., None, 1:]) * w[1:, None])


def repeated_rows(w, X):
    z = X @ w
    return np.sum(z[[1, 1, 4]] ** 2)


def negative_rows(w, X):
    z = np.sin(X) * w
    return np.sum(z[[-1, 0, -1]] ** 2)


def taken(w, X):
    z = X @ w
    return np.sum(np.take(z, [0, 2, 2]) ** 2)


def taken_columns(w, X):
    return np.sum(np.take(np.sin(X), [0, 3, 0], axis=1) * w[:3])


def columns_by_list(w, X):
    return np.sum(X[:, [0, 2]] ** 2) * np.sum(w)


def repeated_columns_of_rows(w, X):
    return np.sum(np.sin(X[1:5, [2, 0, 2]]) * w[:3])


def row_and_columns(w, X):
    return np.sum(np.sin(X[2, [1, 3, 1]]) * w[1:])


def shuffled_rows(w, X):
    """A minibatch in shuffled order (distinct positions, not increasing)."""
    perm = [4, 1, 5, 0]
    return np.mean((X[perm] @ w - X[perm, 0]) ** 2)


def unsorted_take(w, X):
    return np.sum(np.take(np.sin(X), [5, 2, 3], axis=0) @ w * np.array([1.0, 10.0, 100.0]))


def permuted_columns(w, X):
    return np.sum(np.sin(X[:, [2, 0, 1]]) * w[[3, 0, 2]])


def masked_rows(w, X):
    return np.sum(np.sin(X[ROWS]) * w)


def masked_columns(w, X):
    return np.sum(np.sin(X[:, COLUMNS] * w[1:3]))


def positive_part(w, X):
    z = X @ w
    return np.sum(z[z > 0])


CONSTRUCTS = [column_prediction, leading_axis, middle_axis, newaxis_and_slice,
              ellipsis_and_newaxis, repeated_rows, negative_rows, taken, taken_columns,
              columns_by_list, repeated_columns_of_rows, row_and_columns, shuffled_rows,
              unsorted_take, permuted_columns, masked_rows, masked_columns]


def _data(seed=0):
    rng = np.random.default_rng(seed)
    w, X = rng.normal(size=4), rng.normal(size=(6, 4))
    return w, X, da.from_array(X, chunks=(2, 2))


def _close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("func", CONSTRUCTS, ids=lambda f: f.__name__)
def test_reverse_mode_is_lazy_and_right(func):
    w, X, dX = _data()
    with lazy():
        value, (gw, gX) = s2sad.value_and_grad(func, wrt=(0, 1))(w, dX)
    assert isinstance(gX, da.Array) and gX.shape == X.shape
    assert isinstance(gw, da.Array) and gw.shape == w.shape
    value, gw, gX = s2sad.dask.compute((value, gw, gX))
    assert value == pytest.approx(func(w, X), rel=1e-12)
    _close(gw, finite_difference_gradient(func, (w, X)))
    _close(gX, finite_difference_gradient(func, (w, X), argnum=1))


@pytest.mark.parametrize("func", CONSTRUCTS, ids=lambda f: f.__name__)
def test_forward_mode_is_lazy_and_right(func):
    w, X, dX = _data()
    rng = np.random.default_rng(1)
    tw, tX = rng.normal(size=w.shape), rng.normal(size=X.shape)
    with lazy():
        _, tangent = s2sad.jvp(func, wrt=(0, 1))(w, dX, tw, da.from_array(tX, chunks=2))
    assert isinstance(tangent, da.Array)
    h = 1e-6
    expected = (func(w + h * tw, X + h * tX) - func(w - h * tw, X - h * tX)) / (2 * h)
    assert tangent.compute() == pytest.approx(expected, rel=1e-5, abs=1e-7)


def _fd_hvp(func, args, argnum, v, step=1e-4):
    """``H @ v`` by central differences of central differences of ``func`` alone."""
    def at(d, e):
        moved = list(args)
        moved[argnum] = args[argnum] + d * v + e
        return func(*moved)
    out = np.zeros(np.shape(args[argnum]))
    for i in np.ndindex(out.shape):
        e = np.zeros(out.shape)
        e[i] = step
        out[i] = (at(step, e) - at(step, -e) - at(-step, e) + at(-step, -e)) / (4 * step ** 2)
    return out


@pytest.mark.parametrize("func", CONSTRUCTS, ids=lambda f: f.__name__)
def test_hvp_is_lazy_and_right(func):
    w, X, dX = _data()
    rng = np.random.default_rng(2)
    vw, vX = rng.normal(size=w.shape), rng.normal(size=X.shape)
    with lazy():
        hw = s2sad.hvp(func, wrt=0)(w, dX, vw)
        hX = s2sad.hvp(func, wrt=1)(w, dX, da.from_array(vX, chunks=2))
    assert isinstance(hw, da.Array) and isinstance(hX, da.Array)
    hw, hX = s2sad.dask.compute((hw, hX))
    np.testing.assert_allclose(hw, _fd_hvp(func, (w, X), 0, vw), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(hX, _fd_hvp(func, (w, X), 1, vX), rtol=1e-4, atol=1e-5)


def test_a_mask_of_a_lazy_intermediate_is_refused_where_it_is_read():
    w, X, dX = _data()
    with lazy(), pytest.raises(s2sad.errors.LazyShapeError, match="np.where") as caught:
        s2sad.grad(positive_part)(w, dX)
    where = caught.value.location
    assert where is not None and where.filename == __file__
    assert where.line == positive_part.__code__.co_firstlineno + 2
    _close(s2sad.grad(positive_part)(w, X), finite_difference_gradient(positive_part, (w, X)))


def test_a_mask_of_more_than_one_axis_is_refused_on_dask():
    """A numpy mask of a Dask array's two axes gives a result whose length Dask does
    not know (``nan``): its derivative is refused the same way, never wrong."""
    w, X, dX = _data()
    mask = X > 0

    def masked(w, X):
        return np.sum(np.sin(X[mask])) * np.sum(w)

    with lazy(), pytest.raises(s2sad.errors.LazyShapeError):
        s2sad.grad(masked, wrt=(0, 1))(w, dX)


MODULE = textwrap.dedent("""\
    import numpy as np


    def loss(w, X, y):
        pred = (X @ w)[:, None]
        picked = pred[[0, 2, 2, 5]]
        return np.sum((picked - y[[0, 2, 2, 5], None]) ** 2) + np.sum(X[:, [1, 1]] ** 2)
    """)


def test_a_cli_module_with_these_subscripts_runs_on_dask(tmp_path):
    (tmp_path / "model.py").write_text(MODULE, encoding="utf-8")
    proc = s2sad_command(["grad", "model.py:loss", "--wrt",
                           "w,X", "-o", "model_grad.py"], cwd=tmp_path, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    modules = []
    for name in ("model", "model_grad"):
        spec = importlib.util.spec_from_file_location(name, tmp_path / f"{name}.py")
        modules.append(importlib.util.module_from_spec(spec))
        spec.loader.exec_module(modules[-1])
    model, module = modules
    w, X, dX = _data()
    y = np.arange(6.0)
    with lazy():
        _, (gw, gX) = module.loss_value_and_grad(w, dX, da.from_array(y, chunks=3))
    assert isinstance(gw, da.Array) and isinstance(gX, da.Array)
    gw, gX = s2sad.dask.compute((gw, gX))
    _close(gw, finite_difference_gradient(model.loss, (w, X, y)))
    _close(gX, finite_difference_gradient(model.loss, (w, X, y), argnum=1))
    _, (nw, nX) = module.loss_value_and_grad(w, X, y)
    _close(nw, gw)
    _close(nX, gX)


# ------------------------------------------ the scatter-add itself (runtime.scatter)
# Indexes whose read Dask itself does not run lazily (integer arrays on two axes: "nd
# fancy indexing"; np.take_along_axis, which Dask lacks) still have a lazy adjoint when
# the gradient reaches them as a Dask array: checked against numpy's own np.add.at.

SCATTERS = [
    (slice(None), None, slice(1, 3)),                     # np.newaxis among slices
    (Ellipsis, None, 2),                                   # Ellipsis, newaxis, an integer
    ([5, 0, 5, -1],),                                      # repeats, a negative position
    (slice(None, None, -2), [3, 3, 0]),                    # a reversed slice and repeats
    (2, [1, 3, 1]),                                        # an integer with a list
    ([0, 5, 0], [1, 2, 1]),                                # points (two lists)
    ([[0], [5]], [1, 2, 1]),                               # lists broadcast together
    ([1, 4], slice(None), None),                           # a list, a slice, a newaxis
    (np.array([True, False, True, True, False, True]),),   # a numpy mask of rows
    (slice(1, None), np.array([False, True, True, False])),
    np.array([[2, 2], [0, 5]]),                            # a 2-d integer array
    (np.int64(3), None),                                   # a numpy integer
    ([3, 1],),                                             # distinct, not increasing
    ([5, 4, 3, 2],),
    ([2, 5, -6],),                                         # -6 is 0: distinct
    (slice(None), [2, 0, 1]),                              # columns permuted
    ([4, 0], [3, 1]),                                      # points, not increasing
    (slice(6, None),),                                     # empty: rows past the end
    (slice(2, 2), slice(None)),
]


def test_added_at_is_np_add_at_on_random_indexes():
    """Integer arrays on random axes of random shapes, with and without repeats, in
    any order, against numpy's own np.add.at."""
    from s2sad.runtime.scatter import added_at
    rng = np.random.default_rng(17)
    for _ in range(150):
        shape = tuple(int(n) for n in rng.integers(2, 6, size=rng.integers(1, 4)))
        axes = sorted(rng.choice(len(shape), size=rng.integers(1, len(shape) + 1),
                                 replace=False))
        length = int(rng.integers(1, 6))
        index = tuple(rng.integers(-n, n, size=length) if axis in axes else slice(None)
                      for axis, n in enumerate(shape))
        base = rng.normal(size=shape)
        g = rng.normal(size=base[index].shape)
        expected = base.copy()
        np.add.at(expected, index, g)
        with lazy():
            out = added_at(da.from_array(base, chunks=2), index, da.from_array(g))
        np.testing.assert_allclose(out.compute(), expected, rtol=1e-12, err_msg=str(index))


@pytest.mark.parametrize("index", SCATTERS, ids=range(len(SCATTERS)))
def test_added_at_is_np_add_at_lazily(index):
    from s2sad.runtime.scatter import added_at
    rng = np.random.default_rng(3)
    base = rng.normal(size=(6, 4))
    g = rng.normal(size=np.zeros((6, 4))[index].shape)
    expected = base.copy()
    np.add.at(expected, index, g)
    with lazy():
        out = added_at(da.from_array(base, chunks=(4, 3)), index, da.from_array(g))
        numpy_base = added_at(base, index, da.from_array(g))
    assert isinstance(out, da.Array) and isinstance(numpy_base, da.Array)
    np.testing.assert_allclose(out.compute(), expected, rtol=1e-12)
    np.testing.assert_allclose(numpy_base.compute(), expected, rtol=1e-12)


def test_take_along_axis_adjoint_is_lazy_and_adds_repeats():
    from s2sad.runtime import take_along_axis_bar
    rng = np.random.default_rng(4)
    arr = rng.normal(size=(6, 4))
    along = np.array([[0, 0], [3, 1], [3, 3], [1, 2], [2, 2], [0, 3]])
    g = rng.normal(size=along.shape)
    for axis, indices in ((1, along), (0, np.array([[5, 0, 5, 1], [5, 5, 2, 0]])),
                          (None, np.array([5, 5, 23]))):
        gg = g if axis == 1 else rng.normal(size=indices.shape)
        expected = np.zeros_like(arr)
        if axis is None:
            np.add.at(expected.reshape(-1), indices, gg)
        else:
            moved = np.moveaxis(expected, axis, -1)
            rows = np.arange(moved.shape[0])[:, None]
            np.add.at(moved, (rows, np.moveaxis(indices, axis, -1)), np.moveaxis(gg, axis, -1))
        with lazy():
            out = take_along_axis_bar(da.from_array(gg, chunks=2),
                                      da.from_array(arr, chunks=2), indices, axis)
        assert isinstance(out, da.Array)
        np.testing.assert_allclose(out.compute(), expected, rtol=1e-12)


def test_a_lazy_integer_index_is_refused():
    from s2sad.runtime.scatter import added_at
    with lazy(), pytest.raises(s2sad.errors.LazyShapeError, match="compute the index"):
        added_at(da.zeros(6, chunks=3), da.from_array(np.array([1, 1])), da.ones(2))
