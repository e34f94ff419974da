"""Derivatives on Dask arrays that crashed or computed in s2sad's runtime helpers: the
adjoints of np.concatenate/np.hstack/np.vstack/np.dstack/np.append/np.block and of
the split family used np.split (which Dask lacks: numpy's fallback computed the array);
np.hstack's tangent (and its adjoint's adjoint) met 0-d Dask tangents, which Dask's
hstack refuses; np.take's second-order rule passed ``mode=`` to Dask's take, which has
none; np.take_along_axis's tangent called a function Dask lacks; np.add.at's adjoint read
the cotangent at integer arrays on two axes (Dask: "nd fancy indexing").

Each derivative is built under a scheduler that refuses to compute (``dask_column.lazy``,
with a callback counting computes), must be a Dask array, and once computed equals
central finite differences of the function on numpy inputs."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="the Dask tests need dask[array]")


import s2sad  # noqa: E402
import s2sad.dask  # noqa: E402
from s2sad.errors import LazyShapeError  # noqa: E402
from s2sad.runtime.selection import (gathered, hstack_of, split_bar, split_of,  # noqa: E402
                                     take_along_of, take_of)
from s2sad.runtime.indexing import concatenate_bar  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

from dask_column import Computes, lazy  # noqa: E402


def _lazily(build):
    """``build()`` under the refusing scheduler, with no compute started; its Dask leaves."""
    counter = Computes()
    with counter, lazy():
        result = build()
    assert counter.count == 0
    return result


X = np.linspace(0.1, 1.2, 8) + np.sin(np.arange(8.0)) * 0.3
V = np.cos(np.arange(8.0)) + 0.5


def _dask(x):
    return da.from_array(x, chunks=3)


def _fd_grad(f, x):
    return finite_difference_gradient(f, (x,))


def _fd_hvp(f, x, v, eps=1e-3):
    """Central differences of the (finite-difference) gradient along ``v``."""
    def gradient(y):
        return finite_difference_gradient(f, (y,))
    return (gradient(x + eps * v) - gradient(x - eps * v)) / (2 * eps)


def _check_lazy_array(value):
    assert isinstance(value, da.Array), type(value)
    return value.compute()


# --------------------------------------------------------------- joining: no np.split

def concat(x):
    return np.sum(np.concatenate([x, x[:3] * 2.0]) ** 2)


def concat_flat(x):
    m = np.reshape(x, (2, 4))
    return np.sum(np.concatenate([m, m[:1] * x[0]], axis=None) ** 3)


def vstacked(x):
    return np.sum(np.vstack([x, np.sin(x)]) ** 2)


def hstacked(x):
    m = np.reshape(x, (2, 4))
    return np.sum(np.hstack([m, np.cos(m[:, :1])]) ** 2)


def dstacked(x):
    m = np.reshape(x, (2, 4))
    return np.sum(np.dstack([m, m * m]) ** 2)


def appended(x):
    m = np.reshape(x, (2, 4))
    return np.sum(np.append(m, m[:1] ** 2, axis=0) ** 2)


def blocked(x):
    m = np.reshape(x, (2, 4))
    return np.sum(np.block([[m, m[:, :1]], [m[:1], m[:1, :1]]]) ** 3)


@pytest.mark.parametrize("func", [concat, concat_flat, vstacked, hstacked, dstacked, appended,
                                  blocked], ids=lambda f: f.__name__)
def test_joining_gradients_are_lazy_and_right(func):
    g = _lazily(lambda: s2sad.grad(func)(_dask(X)))
    np.testing.assert_allclose(_check_lazy_array(g), _fd_grad(func, X), rtol=1e-6, atol=1e-8)


def test_concatenate_bar_and_split_bar_slice_a_dask_array_without_computing():
    g = _dask(np.arange(12.0).reshape(3, 4))
    parts = _lazily(lambda: concatenate_bar(g, [np.zeros((3, 1)), np.zeros((3, 3))], axis=1))
    assert all(isinstance(p, da.Array) for p in parts)
    np.testing.assert_array_equal(parts[1].compute(), np.arange(12.0).reshape(3, 4)[:, 1:])
    pieces = _lazily(lambda: split_of(g, [1, 3], 1))
    expected = np.array_split(np.arange(12.0).reshape(3, 4), [1, 3], 1)
    for p, e in zip(pieces, expected):
        np.testing.assert_array_equal(_check_lazy_array(p), e)
    joined = _lazily(lambda: split_bar(pieces, np.zeros((3, 4)), [1, 3], 1))
    np.testing.assert_array_equal(_check_lazy_array(joined), np.arange(12.0).reshape(3, 4))


def test_split_bar_of_indices_out_of_order_adds_the_overlapping_pieces():
    # np.split(a, [3, 1]) gives a[:3], a[3:1] (empty) and a[1:]: a[1:3] is in two pieces
    a = np.arange(5.0)
    g = [np.ones(3), np.zeros(0), np.full(4, 2.0)]
    expected = np.array([1.0, 3.0, 3.0, 2.0, 2.0])
    np.testing.assert_array_equal(split_bar(g, a, [3, 1]), expected)
    lazy_g = [_dask(p) for p in g]
    np.testing.assert_array_equal(_check_lazy_array(_lazily(lambda: split_bar(lazy_g, a, [3, 1]))),
                                  expected)


def test_split_of_keeps_numpy_views():
    a = np.arange(12.0).reshape(3, 4)
    for got, want in zip(split_of(a, 3, 0), np.split(a, 3, 0)):
        assert np.shares_memory(got, a)
        np.testing.assert_array_equal(got, want)


# ------------------------------------------------------------ np.hstack with 0-d parts

def hstack_number(x):
    return np.sum(np.hstack([np.sum(x), x]) ** 2)


def test_hstack_of_a_number_forward_with_a_dask_tangent():
    # numpy x, Dask tangent: the tangent of np.sum(x) is a 0-d Dask array
    value, tangent = _lazily(lambda: s2sad.jvp(hstack_number)(X, _dask(V)))
    assert value == pytest.approx(hstack_number(X))
    expected = _fd_grad(hstack_number, X) @ V
    assert float(_check_lazy_array(tangent)) == pytest.approx(expected, rel=1e-6)


def test_hstack_of_a_number_hvp_with_a_dask_vector():
    hv = _lazily(lambda: s2sad.hvp(hstack_number)(X, _dask(V)))
    np.testing.assert_allclose(_check_lazy_array(hv), _fd_hvp(hstack_number, X, V),
                               rtol=1e-4, atol=1e-5)


def test_hstack_of_takes_0d_dask_parts():
    parts = [_dask(np.ones(3)).sum(), _dask(np.arange(4.0))]
    joined = _lazily(lambda: hstack_of(parts))
    np.testing.assert_array_equal(_check_lazy_array(joined), [3.0, 0.0, 1.0, 2.0, 3.0])


# ------------------------------------------------------- np.take's second order, mode=

def taken(x):
    m = np.reshape(x, (2, 4))
    return np.sum(np.take(m, np.array([0, 3, 3, -1]), axis=1) ** 3)


def taken_flat(x):
    return np.sum(np.take(x, np.array([1, 1, 6])) ** 3 * x[0])


@pytest.mark.parametrize("func", [taken, taken_flat], ids=lambda f: f.__name__)
def test_take_hessian_and_hvp_on_dask(func):
    hv = _lazily(lambda: s2sad.hvp(func)(_dask(X), _dask(V)))
    np.testing.assert_allclose(_check_lazy_array(hv), _fd_hvp(func, X, V), rtol=1e-4, atol=1e-5)
    hessian = _lazily(lambda: s2sad.hessian(func)(_dask(X)))
    full = np.stack([_fd_hvp(func, X, e) for e in np.eye(8)])
    np.testing.assert_allclose(_check_lazy_array(hessian), full, rtol=1e-4, atol=1e-4)


def taken_gradient_by_hand(x):
    m = np.reshape(x, (2, 4))
    counts = np.array([1.0, 0.0, 0.0, 3.0])   # columns 0, 3, 3, -1
    return np.ravel(3.0 * counts * m ** 2)


def taken_gradient_norm(x):
    return np.sum(s2sad.grad(taken)(x) ** 2)


def test_take_reverse_over_reverse_on_dask():
    # the adjoint of take_bar (np.take's adjoint) read np.take(..., mode=) on Dask
    g = _lazily(lambda: s2sad.grad(taken_gradient_norm)(_dask(X)))
    expected = _fd_grad(lambda x: np.sum(taken_gradient_by_hand(x) ** 2), X)
    np.testing.assert_allclose(_check_lazy_array(g), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_take_of_is_np_take_lazily(mode, axis):
    a = np.arange(24.0).reshape(4, 6)
    index = np.array([[0, 3], [-1, 2]]) if mode == "raise" else np.array([[0, 9], [-7, 3]])
    got = _lazily(lambda: take_of(_dask(a), index, axis, mode))
    np.testing.assert_array_equal(_check_lazy_array(got), np.take(a, index, axis, mode=mode))
    np.testing.assert_array_equal(take_of(a, index, axis, mode), np.take(a, index, axis, mode=mode))


# --------------------------------------------------------------- np.take_along_axis

ALONG = np.array([[0, 3, 3], [1, 1, 2]])


def along(x):
    m = np.reshape(x, (2, 4))
    return np.sum(np.take_along_axis(m, ALONG, axis=1) ** 3)


def test_take_along_axis_forward_and_hvp_with_dask_tangents():
    value, tangent = _lazily(lambda: s2sad.jvp(along)(X, _dask(V)))
    assert float(_check_lazy_array(tangent)) == pytest.approx(_fd_grad(along, X) @ V, rel=1e-6)
    hv = _lazily(lambda: s2sad.hvp(along)(X, _dask(V)))
    np.testing.assert_allclose(_check_lazy_array(hv), _fd_hvp(along, X, V), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("axis", [0, 1, None])
def test_take_along_of_is_np_take_along_axis_lazily(axis):
    a = np.arange(12.0).reshape(3, 4)
    index = np.array([[0, 3, 1]]) if axis == 1 else np.array([[2, 0, 1, 1]])
    if axis is None:
        index = np.array([11, 0, 5])
    got = _lazily(lambda: take_along_of(_dask(a), index, axis))
    np.testing.assert_array_equal(_check_lazy_array(got), np.take_along_axis(a, index, axis))


# ---------------------------------------------- np.add.at on two axes: nd fancy indexing

ROWS, COLS = np.array([0, 2, 2]), np.array([1, 1, 1])


def added_on_two_axes(x):
    out = np.zeros((3, 3))
    np.add.at(out, (ROWS, COLS), x[:3] ** 2)
    return np.sum(out ** 2) + np.sum(x)


def test_add_at_on_two_axes_with_a_dask_tangent():
    # numpy x, Dask tangent and Dask vector: the adjoints read Dask arrays at (ROWS, COLS)
    hv = _lazily(lambda: s2sad.hvp(added_on_two_axes)(X, _dask(V)))
    np.testing.assert_allclose(_check_lazy_array(hv), _fd_hvp(added_on_two_axes, X, V),
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("index", [
    (np.array([[0, 2], [1, 1]]),),
    (np.array([0, 2, -1]), np.array([1, 1, 0])),
    (np.array([[0], [2]]), np.array([1, 0, 3])),
    (slice(None), np.array([[0, 3], [1, 1]])),
    (slice(1, 3), np.array([0, 2]), np.array([1, 1])),
    (np.array([0, 2]), slice(None), np.array([1, 0])),
    (1, slice(None), np.array([[1, 0], [0, 0]])),
], ids=str)
def test_gathered_reads_like_numpy(index):
    a = np.arange(3 * 4 * 2, dtype=float).reshape(3, 4, 2)[:, :, :] if len(index) == 3 else \
        np.arange(12.0).reshape(3, 4)
    got = _lazily(lambda: gathered(_dask(a), index))
    np.testing.assert_array_equal(_check_lazy_array(got), a[index])


def test_gathered_refuses_what_it_cannot_read_lazily_with_an_s2sad_error():
    a = _dask(np.arange(12.0).reshape(3, 4))
    with pytest.raises(LazyShapeError, match="several axes"):
        gathered(a, (np.array([0, 1]), None, np.array([1, 2])))


def added_gradient_norm(x):
    return np.sum(s2sad.grad(added_on_two_axes)(x) ** 2)


def added_gradient_by_hand(x):
    out = np.zeros((3, 3))
    np.add.at(out, (ROWS, COLS), x[:3] ** 2)
    g = np.ones(8)
    g[:3] += 2.0 * out[ROWS, COLS] * 2.0 * x[:3]
    return g


def test_add_at_on_two_axes_reverse_over_reverse_on_dask():
    np.testing.assert_allclose(added_gradient_by_hand(X), _fd_grad(added_on_two_axes, X),
                               rtol=1e-6, atol=1e-8)
    g = _lazily(lambda: s2sad.grad(added_gradient_norm)(_dask(X)))
    expected = _fd_grad(lambda x: np.sum(added_gradient_by_hand(x) ** 2), X)
    np.testing.assert_allclose(_check_lazy_array(g), expected, rtol=1e-6, atol=1e-6)


def written_on_two_axes(x):
    out = np.zeros((3, 3))
    out[np.array([0, 2]), np.array([2, 2])] = x[:2] ** 2
    return out


def test_write_at_integer_arrays_on_two_axes_reverse_on_dask():
    # the adjoint of the written value read the Dask cotangent at (rows, cols): Dask
    # raised NotImplementedError (nd fancy indexing).  (The backward sweep's copies of
    # the written array still compute: docs/dask.md, "writes into arrays".)
    cotangent = np.arange(9.0).reshape(3, 3) - 2.0
    _, pullback = s2sad.vjp(written_on_two_axes)(X)
    (x_bar,) = s2sad.dask.compute((pullback(da.from_array(cotangent, chunks=2)),))
    expected = _fd_grad(lambda x: np.sum(written_on_two_axes(x) * cotangent), X)
    np.testing.assert_allclose(x_bar, expected, rtol=1e-6, atol=1e-8)


# ------------------------------------------- more helpers that computed a Dask array

A3 = np.array([[0.3, -1.2, 0.8], [1.1, 0.4, -0.5], [0.2, 0.9, 1.3], [-0.7, 0.6, 0.1]])


def crossed(x):
    return np.sum(np.cross(A3, np.reshape(x[:6], (2, 3))[:1]) ** 2 * x[6])


def test_cross_forward_with_a_dask_tangent_and_cross_of():
    from s2sad.runtime.contractions import cross_lhs_bar, cross_of
    value, tangent = _lazily(lambda: s2sad.jvp(crossed)(X, _dask(V)))
    assert float(_check_lazy_array(tangent)) == pytest.approx(_fd_grad(crossed, X) @ V, rel=1e-6)
    b = np.arange(12.0).reshape(4, 3) / 7.0
    for kwargs in ({}, {"axis": 1}, {"axisa": 1, "axisb": 1, "axisc": 0}):
        got = _lazily(lambda: cross_of(_dask(A3), _dask(b), **kwargs))
        np.testing.assert_allclose(_check_lazy_array(got), np.cross(A3, b, **kwargs))
    g = _dask(np.ones((4, 3)))
    got = _lazily(lambda: cross_lhs_bar(g, _dask(A3), _dask(b)))
    np.testing.assert_allclose(_check_lazy_array(got), cross_lhs_bar(np.ones((4, 3)), A3, b))


def picked(x):
    stacked = np.stack([x, np.sin(x)])
    return np.sum(stacked[1] * x)


def test_item_of_a_stacked_dask_array_reverse():
    # item_bar of a Dask array iterated over its rows (a list), and stack_bar computed it
    from s2sad.runtime.trees import item_bar
    parts = _lazily(lambda: item_bar(_dask(np.zeros((2, 8))), 1, _dask(V)))
    expected = np.zeros((2, 8))
    expected[1] = V
    np.testing.assert_array_equal(_check_lazy_array(parts), expected)
    # through its adjoint rule: the op table's row of item_pick, on Dask arrays
    import ops_runtime_structure as F
    a, b = X[:4], V[:4]
    _, pullback = _lazily(lambda: s2sad.vjp(F.rt_item_pick, wrt=(0, 1))(_dask(a), _dask(b)))
    ct = np.array([1.0, -2.0, 0.5, 3.0])
    bars = s2sad.dask.compute(_lazily(lambda: pullback(_dask(ct))))
    for i, bar in enumerate(bars):
        expected = finite_difference_gradient(lambda a, b: np.sum(F.rt_item_pick(a, b) * ct),
                                              (a, b), argnum=i)
        np.testing.assert_allclose(bar, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("n", [0, 1, 3])
def test_bessel_i_runs_block_by_block_on_dask(n):
    from s2sad.runtime.elementwise_more import bessel_i
    x = np.linspace(-30.0, 30.0, 11)
    got = _lazily(lambda: bessel_i(n, _dask(x)))
    np.testing.assert_allclose(_check_lazy_array(got), bessel_i(n, x), rtol=1e-12)
    if n == 0:
        np.testing.assert_allclose(bessel_i(0, x), np.i0(x), rtol=1e-12)


def i0_of(x):
    return np.sum(np.i0(x * 3.0))


def test_i0_gradient_is_lazy_on_dask():
    g = _lazily(lambda: s2sad.grad(i0_of)(_dask(X)))
    np.testing.assert_allclose(_check_lazy_array(g), _fd_grad(i0_of, X), rtol=1e-6)


def test_writes_of_a_dask_value_into_new_zeros_stay_lazy():
    from s2sad.runtime.adjoints_linalg import (block_corner, block_in_corner, block_pair,
                                               poly_derivative_bar)
    from s2sad.runtime.signal import full_length_bar
    m = np.arange(4.0).reshape(2, 2)
    dm = _dask(m)
    cases = [
        (lambda a: block_pair(a, a * 2.0), m),
        (lambda a: block_in_corner(a), m),
        (lambda a: block_corner(block_pair(a, a + 1.0)), m),
        (lambda a: poly_derivative_bar(a, np.zeros((3, 2))), m),
        (lambda a: full_length_bar(a, np.zeros(3), np.zeros(2), "valid"), np.arange(2.0)),
    ]
    for make, value in cases:
        lazy_value = dm if value is m else _dask(value)
        got = _lazily(lambda: make(lazy_value))
        np.testing.assert_array_equal(_check_lazy_array(got), make(value))


def test_reorder_of_a_dask_adjoint_is_lazy():
    from s2sad.runtime.selection import reorder_bar, reorder_dot, sort_order
    a = np.array([[0.3, -1.0, 2.0], [5.0, 4.0, -2.0]])
    for axis in (0, 1, None):
        y = np.sort(a, axis=axis)
        order = sort_order(y, a, axis)
        g = np.arange(y.size, dtype=float).reshape(y.shape)
        back = _lazily(lambda: reorder_bar(_dask(g), a, order, axis))
        np.testing.assert_array_equal(_check_lazy_array(back), reorder_bar(g, a, order, axis))
        t = np.arange(a.size, dtype=float).reshape(a.shape)
        ahead = _lazily(lambda: reorder_dot(_dask(t), order, axis))
        np.testing.assert_array_equal(_check_lazy_array(ahead), reorder_dot(t, order, axis))


B3 = np.array([[0.5, -0.2], [0.1, 0.7], [-0.3, 0.4]])


def chained(x):
    m = np.reshape(x[:6], (2, 3))
    return np.sum(np.linalg.multi_dot([m, B3, m[:, :2].T, x[6:]]) ** 2)


def test_multi_dot_forward_with_a_dask_tangent():
    # multi_dot's tangent (Dask has no multi_dot): the products in turn, lazily
    _, tangent = _lazily(lambda: s2sad.jvp(chained)(X, _dask(V)))
    assert float(_check_lazy_array(tangent)) == pytest.approx(_fd_grad(chained, X) @ V, rel=1e-6)
    from s2sad.runtime.linalg import chain_product
    parts = [np.arange(3.0), np.ones((3, 2)), np.arange(4.0).reshape(2, 2), np.arange(2.0)]
    got = _lazily(lambda: chain_product([_dask(p) for p in parts]))
    assert float(_check_lazy_array(got)) == pytest.approx(float(np.linalg.multi_dot(parts)))


def diagonal_einsum(t):
    return np.sum(np.einsum("iij->j", t) ** 3) + np.sum(np.einsum("ii->i", t[:, :, 0]) ** 2)


def test_einsum_adjoint_on_a_repeated_index_is_lazy():
    # the adjoint put g on a diagonal by writing into a numpy array's diagonal view
    t = np.reshape(np.concatenate([X, V, X * V]), (4, 3, 2)) * 0.5
    t = np.concatenate([t, t[:, :1] + 0.25], axis=1)   # (4, 4, 2)
    g = _lazily(lambda: s2sad.grad(diagonal_einsum)(da.from_array(t, chunks=2)))
    np.testing.assert_allclose(_check_lazy_array(g), _fd_grad(diagonal_einsum, t),
                               rtol=1e-6, atol=1e-8)
