"""Issue 17: a gradient on a Dask array of many chunks streams in those chunks.

An array the runtime makes "like" a Dask array (an adjoint spread over its shape, a
tangent broadcast to it, the operands of a check run block by block) keeps that
array's chunks: one block of every row would be computed whole and held in memory,
and the gradient of data larger than memory would not run.  These tests look at the
structure (the chunks of the generated gradient's intermediates, the size of every
block Dask computes) on small arrays; values are compared with central finite
differences or with numpy."""

import sys

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")

import dask  # noqa: E402
from dask.callbacks import Callback  # noqa: E402

import s2sad  # noqa: E402
from s2sad.runtime import mean_bar, sum_bar, unbroadcast  # noqa: E402
from s2sad.runtime.shapes import broadcast_like  # noqa: E402
from s2sad.runtime.contractions import einsum_bar  # noqa: E402
from s2sad.runtime.duck import deferred, filled  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

from dask_column import lazy  # noqa: E402

ROWS, CHUNK, D = 40, 10, 3
ROW_CHUNKS = (CHUNK,) * (ROWS // CHUNK)


def logistic(w, X, y):
    """The benchmark's and the example's loss (benchmarks/dask_big.py)."""
    z = X @ w
    return np.mean(np.logaddexp(0.0, z) - y * z)


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(ROWS, D))
    y = (rng.random(ROWS) < 0.5).astype(float)
    w = rng.normal(size=D) * 0.3
    return w, X, y, da.from_array(X, chunks=(CHUNK, D)), da.from_array(y, chunks=CHUNK)


class _Blocks(Callback):
    """Notes the shape of every array block Dask computes."""

    def __init__(self):
        super().__init__()
        self.shapes = []

    def _posttask(self, key, result, dsk, state, id):
        if isinstance(result, np.ndarray):
            self.shapes.append((key[0] if isinstance(key, tuple) else key, result.shape))


def _computed_in_blocks(*values):
    """``dask.compute(*values)`` (one thread), and the blocks that held every row (but
    the results themselves, which Dask's last task joins)."""
    blocks = _Blocks()
    with blocks, dask.config.set(scheduler="sync"):
        out = dask.compute(*values)
    return out, [(name, shape) for name, shape in blocks.shapes
                 if shape and shape[0] == ROWS and not str(name).startswith("finalize")]


def _locals_of_generated_code(call):
    """The local variables of the generated ``*_value_and_grad`` function ``call`` runs."""
    seen = {}

    def on_return(frame, event, arg):
        if event == "return":
            seen.update(frame.f_locals)
        return on_return

    def tracer(frame, event, arg):   # (only the generated function's frame is followed)
        return on_return if frame.f_code.co_name.endswith("_value_and_grad") else None
    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = call()
    finally:
        sys.settrace(previous)
    return result, seen


def test_the_logistic_gradients_intermediates_keep_the_inputs_row_chunks():
    w, X, y, dX, dy = _data()
    step = s2sad.value_and_grad(logistic)
    step(w, dX, dy)   # generate the code first (its tracing is not what is looked at)
    with lazy():
        (value, grad), names = _locals_of_generated_code(lambda: step(w, dX, dy))
    rows = {name: v for name, v in names.items()
            if isinstance(v, da.Array) and v.ndim and v.shape[0] == ROWS}
    assert {"z", "sub", "sub_bar", "mul_bar", "z_bar"} <= set(rows)   # what it looks at
    single = [name for name, v in rows.items() if v.chunks[0] != ROW_CHUNKS]
    assert not single, f"intermediates not in the input's row chunks: {single}"
    (value, grad), whole = _computed_in_blocks(value, grad)
    assert not whole, f"blocks holding every row: {whole}"
    np.testing.assert_allclose(grad, finite_difference_gradient(logistic, (w, X, y)),
                               rtol=1e-6, atol=1e-9)
    assert value == pytest.approx(logistic(w, X, y), rel=1e-12)


@pytest.mark.parametrize("spread", [sum_bar, mean_bar])
def test_an_adjoint_spread_over_a_dask_array_keeps_its_chunks(spread):
    _, X, _, dX, _ = _data()
    for axis, g in [(None, 2.0), (None, np.float64(2.0)), (1, da.ones(ROWS, chunks=CHUNK)),
                    (0, np.arange(D, dtype=float))]:
        with lazy():
            out = spread(g, dX, axis=axis)
        assert out.chunks == dX.chunks, (axis, out.chunks)
        (got,), whole = _computed_in_blocks(out)
        assert not whole
        count = X.size if axis is None else X.shape[axis]
        g_numpy = np.asarray(g if not isinstance(g, da.Array) else g.compute())
        expected = np.broadcast_to(g_numpy if axis != 1 else g_numpy[:, None], X.shape)
        np.testing.assert_allclose(got, expected / (count if spread is mean_bar else 1))


def test_filled_keeps_the_chunks_of_the_array_it_is_like_and_its_dtype():
    _, _, _, dX, _ = _data()
    with lazy():
        ints = filled(dX.shape, 3, dX)
        lazy_scalar = filled(dX.shape, dX.sum(), dX)
        same = filled(dX.shape, dX, dX)
    assert ints.chunks == lazy_scalar.chunks == dX.chunks and ints.dtype == np.int64
    assert same is not dX and same.chunks == dX.chunks   # a new array object
    np.testing.assert_array_equal(ints.compute(), np.full(dX.shape, 3))
    np.testing.assert_allclose(lazy_scalar.compute(), np.full(dX.shape, dX.sum().compute()))


def test_filled_over_a_dask_array_of_unknown_length():
    _, X, _, dX, _ = _data()
    picked = dX[dX[:, 0] > 0]   # rows Dask does not count before computing
    with lazy():
        out = filled(picked.shape, 0.5, picked)
    assert out.numblocks == picked.numblocks
    np.testing.assert_allclose(out.compute(), np.full((np.sum(X[:, 0] > 0), D), 0.5))


def test_unbroadcast_spreads_a_smaller_adjoint_in_the_chunks_of_its_like():
    _, X, _, dX, _ = _data()
    row = np.arange(D, dtype=float)
    with lazy():
        from_scalar = unbroadcast(1.5, dX)
        from_row = unbroadcast(row, dX)
        summed = unbroadcast(dX, da.ones((1, D), chunks=(1, D)))   # a sum stays a sum
    assert from_scalar.chunks == from_row.chunks == dX.chunks
    np.testing.assert_allclose(from_scalar.compute(), np.full(X.shape, 1.5))
    np.testing.assert_allclose(from_row.compute(), np.broadcast_to(row, X.shape))
    np.testing.assert_allclose(summed.compute(), X.sum(axis=0, keepdims=True))


def shifted_sine(a, X):
    return np.sin(a + X)


def test_a_tangent_broadcast_to_a_dask_array_keeps_its_chunks():
    _, X, _, dX, _ = _data()
    with lazy():
        spread = broadcast_like(2, dX)
        _, tangent = s2sad.jvp(shifted_sine, wrt=0)(0.3, dX, 1.0)
    assert spread.chunks == tangent.chunks == dX.chunks and spread.dtype == np.float64
    np.testing.assert_allclose(spread.compute(), np.full(X.shape, 2.0))
    np.testing.assert_allclose(tangent.compute(), np.cos(0.3 + X))


def test_a_deferred_checks_operands_come_in_the_chunks_of_the_checked_array():
    _, X, _, dX, _ = _data()
    seen = []

    def check(block, part):
        seen.append(part.shape)
        return block + part
    with lazy():
        out = deferred(check, dX, 1.0)
    assert out.chunks == dX.chunks
    np.testing.assert_allclose(out.compute(scheduler="sync"), X + 1.0)
    assert seen and all(shape == (CHUNK, D) for shape in seen if shape != (0, 0))


def test_a_norms_adjoint_spread_over_a_dask_array_is_lazy_in_its_chunks():
    from s2sad.runtime.adjoints_linalg import norm_spread
    _, X, _, dX, _ = _data()
    g = np.arange(ROWS, dtype=float)
    with lazy():
        out = norm_spread(g, dX, axis=1)
        whole = norm_spread(2.0, dX)
    assert out.chunks == whole.chunks == dX.chunks
    np.testing.assert_allclose(out.compute(), np.broadcast_to(g[:, None], X.shape))
    np.testing.assert_allclose(whole.compute(), np.full(X.shape, 2.0))


def total_by_einsum(X):
    return np.einsum("ij->", np.sin(X))


def test_an_einsums_adjoint_spread_along_its_own_axes_is_in_blocks():
    """The operand is known to ``einsum_bar`` by its shape alone: the spread adjoint
    takes Dask's own blocks (``array.chunk-size``), never one block of the whole."""
    _, X, _, dX, _ = _data()
    with dask.config.set({"array.chunk-size": f"{CHUNK * D * 8}B"}), lazy():
        grad = s2sad.grad(total_by_einsum)(dX)
        adjoint = einsum_bar(da.asarray(2.0), "ij->", 0, (ROWS, D))
        by_row = einsum_bar(da.ones(ROWS, chunks=CHUNK), "ij->i", 0, (ROWS, D))
        spread = filled((ROWS, D), 2.0, da.ones(3, chunks=3))   # no like of that shape
    assert adjoint.numblocks[0] > 1 and spread.numblocks[0] > 1
    assert by_row.chunks[0] == ROW_CHUNKS   # the rows' own chunks where it has them
    np.testing.assert_allclose(adjoint.compute(), np.full(X.shape, 2.0))
    np.testing.assert_allclose(by_row.compute(), np.ones(X.shape))
    (grad,), whole = _computed_in_blocks(grad)
    assert not whole, f"blocks holding every row: {whole}"
    np.testing.assert_allclose(grad, np.cos(X))
    np.testing.assert_allclose(spread.compute(), np.full(X.shape, 2.0))
