"""Direct tests of s2sad.runtime, the helpers generated code calls.

References are independent of the helpers under test: hand-derived values,
explicit loops, finite differences, and for the linear helpers the
definition of an adjoint itself: for a linear map ``L`` with adjoint
``L*``, ``<L(u), g> == <u, L*(g)>`` for every ``u`` and ``g``.
"""

import itertools
import zlib

import numpy as np
import pytest

from s2sad import runtime as rt
from s2sad.testing import finite_difference_gradient


def rng_for(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def inner(a, b):
    return float(np.sum(np.asarray(a) * np.asarray(b)))


def assert_adjoint(linear, adjoint, u_shape, g_shape, rng):
    """``adjoint`` is the adjoint of ``linear``: <linear(u), g> == <u, adjoint(g)>."""
    for _ in range(2):
        u = rng.standard_normal(u_shape)
        g = rng.standard_normal(g_shape)
        out = adjoint(g)
        assert np.shape(out) == u_shape
        lhs, rhs = inner(linear(u), g), inner(u, out)
        assert lhs == pytest.approx(rhs, rel=1e-10, abs=1e-10)


# ----------------------------------------------------------------- unbroadcast

def test_unbroadcast_same_shape_returns_the_adjoint_itself():
    g = np.arange(6.0).reshape(2, 3)
    assert rt.unbroadcast(g, np.zeros((2, 3))) is g


def test_unbroadcast_sums_leading_axes():
    g = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(rt.unbroadcast(g, np.zeros((3, 4))), g[0] + g[1])
    np.testing.assert_array_equal(rt.unbroadcast(g, np.zeros(4)),
                                  g.reshape(6, 4).sum(axis=0))


def test_unbroadcast_sums_size_one_axes_keeping_them():
    g = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(rt.unbroadcast(g, np.zeros((3, 1))),
                                  [[0 + 1 + 2 + 3], [4 + 5 + 6 + 7], [8 + 9 + 10 + 11]])
    np.testing.assert_array_equal(rt.unbroadcast(g, np.zeros((1, 4))), [[12, 15, 18, 21]])
    np.testing.assert_array_equal(rt.unbroadcast(g, np.zeros((1, 1))), [[66]])


def test_unbroadcast_leading_and_size_one_axes_together():
    g = np.arange(24.0).reshape(2, 3, 4)
    expected = np.array([[g[:, i, :].sum()] for i in range(3)])
    np.testing.assert_array_equal(rt.unbroadcast(g, np.zeros((3, 1))), expected)


def test_unbroadcast_to_a_scalar():
    g = np.arange(12.0).reshape(3, 4)
    assert float(rt.unbroadcast(g, 2.5)) == 66.0
    assert np.shape(rt.unbroadcast(g, np.float64(2.5))) == ()


def test_unbroadcast_spreads_a_smaller_adjoint_as_a_writable_array():
    out = rt.unbroadcast(2.0, np.zeros((2, 3)))
    np.testing.assert_array_equal(out, np.full((2, 3), 2.0))
    out[0, 0] = 5.0  # writable, and not a stride-0 view
    assert out[1, 1] == 2.0
    np.testing.assert_array_equal(rt.unbroadcast(np.ones((1, 3)), np.zeros((2, 3))),
                                  np.ones((2, 3)))


@pytest.mark.parametrize("shape, target", [
    ((7, 3), (3,)), ((7, 3), (1, 3)), ((7, 3), (7, 1)), ((4, 5, 3), (5, 3)),
    ((4, 5, 3), (3,)), ((4, 5, 3), (4, 1, 1)), ((4, 5, 3), (1, 5, 1)), ((4, 5, 3), (1, 1, 3)),
    ((4, 5, 3), ()), ((2, 1, 3), (3,)), ((0, 3), (3,))])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128, np.int64])
def test_unbroadcast_sums_like_numpy_for_every_layout(shape, target, dtype):
    g = (np.arange(int(np.prod(shape))).reshape(shape) % 7 - 3).astype(dtype)
    for layout in (g, np.asfortranarray(g)):
        out = rt.unbroadcast_to(layout, target)
        extra = len(shape) - len(target)
        expected = np.sum(g, axis=tuple(range(extra)))
        axes = tuple(i for i, n in enumerate(target) if n == 1 and expected.shape[i] != 1)
        expected = np.sum(expected, axis=axes, keepdims=True)
        assert np.shape(out) == target and np.result_type(out) == expected.dtype
        np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_unbroadcast_refuses_incompatible_shapes():
    with pytest.raises(ValueError):
        rt.unbroadcast(np.ones((3, 4)), np.zeros((3, 2)))


@pytest.mark.parametrize("like_shape, out_shape", [
    ((), (3, 4)), ((4,), (3, 4)), ((3, 1), (3, 4)), ((1, 4), (2, 3, 4)), ((3, 1), (2, 3, 4)),
    ((1, 1, 1), (2, 3, 4)), ((2, 1, 4), (2, 3, 4)),
])
def test_unbroadcast_is_the_adjoint_of_broadcasting(like_shape, out_shape):
    assert_adjoint(lambda u: np.broadcast_to(u, out_shape),
                   lambda g: rt.unbroadcast(g, np.zeros(like_shape)),
                   like_shape, out_shape, rng_for(like_shape, out_shape))


# ------------------------------------------------------------------ reductions

REDUCTIONS = [((5,), None, False), ((3, 4), None, True), ((3, 4), 0, False), ((3, 4), -1, True),
              ((2, 3, 4), (0, 2), False), ((2, 3, 4), (-1, 0), True), ((2, 3, 4), 1, False)]


@pytest.mark.parametrize("shape, axis, keepdims", REDUCTIONS)
def test_sum_bar_is_the_adjoint_of_sum(shape, axis, keepdims):
    out_shape = np.sum(np.zeros(shape), axis=axis, keepdims=keepdims).shape
    assert_adjoint(lambda u: np.sum(u, axis=axis, keepdims=keepdims),
                   lambda g: rt.sum_bar(g, np.zeros(shape), axis, keepdims),
                   shape, out_shape, rng_for(shape, axis, keepdims))


@pytest.mark.parametrize("shape, axis, keepdims", REDUCTIONS)
def test_mean_bar_is_the_adjoint_of_mean(shape, axis, keepdims):
    out_shape = np.mean(np.zeros(shape), axis=axis, keepdims=keepdims).shape
    assert_adjoint(lambda u: np.mean(u, axis=axis, keepdims=keepdims),
                   lambda g: rt.mean_bar(g, np.zeros(shape), axis, keepdims),
                   shape, out_shape, rng_for(shape, axis, keepdims))


def test_sum_bar_returns_a_writable_array():
    out = rt.sum_bar(1.0, np.zeros((2, 3)))
    out += 1.0
    np.testing.assert_array_equal(out, np.full((2, 3), 2.0))


def test_mean_bar_divides_by_the_reduced_count():
    np.testing.assert_allclose(rt.mean_bar(np.array([1.0, 2.0]), np.zeros((2, 4)), axis=1),
                               [[0.25] * 4, [0.5] * 4])


def _products_of_others(x, axis):
    """Reference by explicit loops: each element's product of the others along ``axis``."""
    x = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    out = np.empty_like(x)
    for idx in np.ndindex(x.shape[:-1]):
        row = x[idx]
        for k in range(row.size):
            out[idx + (k,)] = np.prod(np.delete(row, k))
    return np.moveaxis(out, -1, axis)


@pytest.mark.parametrize("x", [
    np.array([2.0, 3.0, 5.0, 7.0]),
    np.array([2.0, 0.0, 5.0, 7.0]),          # one zero: only it gets a non-zero adjoint
    np.array([0.0, 3.0, 0.0, 7.0]),          # two zeros: every adjoint is zero
    np.array([0.0]),
    np.array([4.0]),
])
def test_prod_bar_whole_vector_exact_with_zeros(x):
    expected = _products_of_others(x, 0)
    np.testing.assert_array_equal(rt.prod_bar(1.0, x), expected)
    np.testing.assert_array_equal(rt.prod_bar(2.0, x), 2.0 * expected)


def test_prod_bar_with_one_zero_by_hand():
    np.testing.assert_array_equal(rt.prod_bar(1.0, np.array([2.0, 0.0, 5.0])), [0.0, 10.0, 0.0])


def test_prod_bar_along_an_axis_with_zeros():
    x = np.array([[1.0, 2.0, 0.0], [3.0, 0.0, 0.0], [2.0, 2.0, 2.0]])
    g = np.array([1.0, 10.0, 100.0])
    np.testing.assert_array_equal(rt.prod_bar(g, x, axis=1), g[:, None] * _products_of_others(x, 1))
    g0 = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(rt.prod_bar(g0, x, axis=0, keepdims=True),
                                  g0 * _products_of_others(x, 0))
    np.testing.assert_array_equal(rt.prod_bar(g0[0], x, axis=-2), g0 * _products_of_others(x, 0))


def test_prod_bar_tuple_axis_against_finite_differences():
    x = np.random.default_rng(3).uniform(0.5, 1.5, (2, 3, 2))
    x[0, 1, 1] = 0.0
    g = np.random.default_rng(4).standard_normal(3)
    reference = finite_difference_gradient(lambda v: float(np.sum(g * np.prod(v, axis=(0, 2)))),
                                           (x,), 0)
    np.testing.assert_allclose(rt.prod_bar(g, x, axis=(0, 2)), reference, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(rt.prod_bar(g, x, axis=(2, -3)), reference, rtol=1e-8,
                               atol=1e-10)


def test_prod_bar_over_an_empty_axis():
    out = rt.prod_bar(np.ones(2), np.zeros((2, 0)), axis=1)
    assert out.shape == (2, 0)


def test_extremum_bar_without_ties_picks_the_extremum():
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    np.testing.assert_array_equal(rt.extremum_bar(1.0, np.max(x), x), [[0, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(rt.extremum_bar(np.array([2.0, 3.0]), np.max(x, axis=1), x,
                                                  axis=1), [[0, 2, 0], [3, 0, 0]])
    np.testing.assert_array_equal(
        rt.extremum_bar(np.array([[2.0, 3.0, 4.0]]), np.min(x, axis=0, keepdims=True), x,
                        axis=0, keepdims=True), [[2, 0, 4], [0, 3, 0]])


def test_extremum_bar_shares_the_adjoint_among_ties():
    x = np.array([1.0, 3.0, 3.0, 2.0])
    np.testing.assert_array_equal(rt.extremum_bar(1.0, np.max(x), x), [0, 0.5, 0.5, 0])
    x = np.array([[4.0, 4.0, 4.0], [1.0, 0.0, 1.0]])
    np.testing.assert_allclose(rt.extremum_bar(np.array([3.0, 2.0]), np.max(x, axis=-1), x,
                                               axis=-1), [[1, 1, 1], [1, 0, 1]])
    np.testing.assert_allclose(rt.extremum_bar(np.array([3.0, 2.0]), np.min(x, axis=-1), x,
                                               axis=-1), [[1, 1, 1], [0, 2, 0]])
    # the shares of a tie always add up to the adjoint (the derivative along x + t)
    x = np.array([[2.0, 2.0], [2.0, 1.0]])
    assert rt.extremum_bar(1.0, np.max(x), x).sum() == pytest.approx(1.0)


def test_extremum_bar_shares_ties_even_beside_a_slot_without_extremum():
    # a NaN slot holds no element equal to its maximum, a tied slot holds two: the
    # count of equal elements matches the number of slots, yet the tie must be shared
    x = np.array([[np.nan, 1.0], [5.0, 5.0]])
    with np.errstate(invalid="ignore"):   # the NaN slot's own share is 0 / 0
        out = rt.extremum_bar(np.array([1.0, 1.0]), np.max(x, axis=1), x, axis=1)
    np.testing.assert_array_equal(out[1], [0.5, 0.5])


def test_extremum_bar_tuple_axis_against_finite_differences():
    x = np.random.default_rng(5).permutation(24).reshape(2, 3, 4) * 0.5
    g = np.array([1.0, -2.0, 0.5])
    reference = finite_difference_gradient(lambda v: float(np.sum(g * np.max(v, axis=(0, 2)))),
                                           (x,), 0)
    np.testing.assert_allclose(rt.extremum_bar(g, np.max(x, axis=(0, 2)), x, axis=(0, 2)),
                               reference, rtol=1e-8, atol=1e-10)


# ------------------------------------------------------- products of arrays

_SHAPES = [(), (4,), (3, 4), (2, 3, 4)]
_RHS = [(), (4,), (4, 2), (2, 4, 5), (3, 2, 4, 2)]


def _dot_cases():
    for a, b in itertools.product(_SHAPES, _RHS):
        try:
            np.dot(np.zeros(a), np.zeros(b))
        except ValueError:
            continue
        yield a, b


@pytest.mark.parametrize("a_shape, b_shape", list(_dot_cases()))
def test_dot_bars_are_the_adjoints_of_dot(a_shape, b_shape):
    rng = rng_for("dot", a_shape, b_shape)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    out_shape = np.dot(a, b).shape
    assert_adjoint(lambda u: np.dot(u, b), lambda g: rt.dot_lhs_bar(g, a, b),
                   a_shape, out_shape, rng)
    assert_adjoint(lambda u: np.dot(a, u), lambda g: rt.dot_rhs_bar(g, a, b),
                   b_shape, out_shape, rng)


def test_dot_bars_by_hand():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([5.0, 6.0])
    g = np.array([1.0, -1.0])
    np.testing.assert_array_equal(rt.dot_lhs_bar(g, a, b), [[5, 6], [-5, -6]])
    np.testing.assert_array_equal(rt.dot_rhs_bar(g, a, b), [1 - 3, 2 - 4])
    np.testing.assert_array_equal(rt.dot_lhs_bar(2.0, b, b), 2.0 * b)
    assert float(rt.dot_lhs_bar(np.array([1.0, 2.0]), 3.0, b)) == 5.0 + 12.0


_MATMUL_LHS = [(4,), (3, 4), (2, 3, 4), (2, 1, 3, 4)]
_MATMUL_RHS = [(4,), (4, 2), (2, 4, 5), (3, 4, 2), (1, 4, 2)]


def _matmul_cases():
    for a, b in itertools.product(_MATMUL_LHS, _MATMUL_RHS):
        try:
            np.matmul(np.zeros(a), np.zeros(b))
        except ValueError:
            continue
        yield a, b


@pytest.mark.parametrize("a_shape, b_shape", list(_matmul_cases()))
def test_matmul_bars_are_the_adjoints_of_matmul(a_shape, b_shape):
    rng = rng_for("matmul", a_shape, b_shape)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    out_shape = np.matmul(a, b).shape
    assert_adjoint(lambda u: np.matmul(u, b), lambda g: rt.matmul_lhs_bar(g, a, b),
                   a_shape, out_shape, rng)
    assert_adjoint(lambda u: np.matmul(a, u), lambda g: rt.matmul_rhs_bar(g, a, b),
                   b_shape, out_shape, rng)


def test_matmul_bars_by_hand():
    a, b = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    g = np.ones((2, 2))
    np.testing.assert_array_equal(rt.matmul_lhs_bar(g, a, b), g @ b.T)
    np.testing.assert_array_equal(rt.matmul_rhs_bar(g, a, b), a.T @ g)
    v = np.array([1.0, 2.0])
    assert np.shape(rt.matmul_lhs_bar(3.0, v, v)) == (2,)
    np.testing.assert_array_equal(rt.matmul_lhs_bar(3.0, v, v), 3.0 * v)


@pytest.mark.parametrize("a_shape, b_shape", [((4,), (3,)), ((2, 2), (3,)), ((), (3,)),
                                              ((2, 3), (1, 2))])
def test_outer_bars_are_the_adjoints_of_outer(a_shape, b_shape):
    rng = rng_for("outer", a_shape, b_shape)
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    out_shape = np.outer(a, b).shape
    assert_adjoint(lambda u: np.outer(u, b), lambda g: rt.outer_lhs_bar(g, a, b),
                   a_shape, out_shape, rng)
    assert_adjoint(lambda u: np.outer(a, u), lambda g: rt.outer_rhs_bar(g, a, b),
                   b_shape, out_shape, rng)


# ------------------------------------------------------------------ selections

def test_tie_mask():
    np.testing.assert_array_equal(rt.tie_mask(np.array([1.0, 2.0, 3.0]), 2.0), [0, 0.5, 1])
    np.testing.assert_array_equal(rt.tie_mask(2.0, np.array([1.0, 2.0, 3.0])), [1, 0.5, 0])


def test_clip_masks_partition_the_adjoint():
    a = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    inside = rt.clip_mask(a, -0.5, 0.5)
    lower = rt.clip_lower_mask(a, -0.5, 0.5)
    upper = rt.clip_upper_mask(a, -0.5, 0.5)
    np.testing.assert_array_equal(inside, [0, 1, 1, 1, 0])
    np.testing.assert_array_equal(lower, [1, 0, 0, 0, 0])
    np.testing.assert_array_equal(upper, [0, 0, 0, 0, 1])


def test_clip_masks_with_a_missing_bound():
    a = np.array([-2.0, 0.0, 2.0])
    np.testing.assert_array_equal(rt.clip_mask(a, None, 1.0), [1, 1, 0])
    np.testing.assert_array_equal(rt.clip_upper_mask(a, None, 1.0), [0, 0, 1])
    np.testing.assert_array_equal(rt.clip_mask(a, -1.0, None), [0, 1, 1])
    np.testing.assert_array_equal(rt.clip_lower_mask(a, -1.0, None), [1, 0, 0])


def test_clip_masks_broadcast_beyond_the_clipped_value():
    a = np.array([0.1, 0.9, -2.0])
    lo = np.array([[0.0, 0.2, -1.0], [-1.0, 0.95, -3.0]])
    assert rt.clip_mask(a, lo, 0.8).shape == (2, 3)
    np.testing.assert_array_equal(rt.clip_mask(a, lo, 0.8), [[1, 0, 0], [1, 0, 1]])


def test_clip_masks_match_finite_differences_with_crossed_bounds():
    """numpy's clip is minimum(maximum(a, a_min), a_max), even when a_min > a_max."""
    a = np.array([0.3, 1.5, -0.2, 0.9])
    lo = np.array([1.0, 1.0, -1.0, 0.5])
    hi = np.array([0.6, 0.6, 0.4, 0.8])
    for argnum, mask in [(0, rt.clip_mask), (1, rt.clip_lower_mask), (2, rt.clip_upper_mask)]:
        jac = finite_difference_gradient(np.clip, (a, lo, hi), argnum)
        np.testing.assert_allclose(np.diag(jac), mask(a, lo, hi), atol=1e-8)


def test_xlogy():
    np.testing.assert_allclose(rt.xlogy(np.array([2.0, 0.0, 0.0]), np.array([3.0, 0.0, 5.0])),
                               [2.0 * np.log(3.0), 0.0, 0.0])
    assert rt.xlogy(0.0, 0.0) == 0.0
    assert np.ndim(rt.xlogy(1.0, 2.0)) == 0


def test_transpose_bar_is_the_adjoint_of_transpose():
    for axes in [None, (1, 0, 2), (2, 0, 1), (-1, 0, 1), (0, -1, -2)]:
        assert_adjoint(lambda u: np.transpose(u, axes), lambda g: rt.transpose_bar(g, axes),
                       (2, 3, 4), np.transpose(np.zeros((2, 3, 4)), axes).shape,
                       rng_for("transpose", axes))


@pytest.mark.parametrize("shapes, axis", [
    ([(3,), (4,)], 0), ([(2, 3), (1, 3), (2, 3)], 0), ([(2, 3), (2, 1)], 1),
    ([(2, 3), (2, 2)], -1), ([(2, 3), (3, 1)], None),
])
def test_concatenate_bar_is_the_adjoint_of_concatenate(shapes, axis):
    rng = rng_for("concatenate", shapes, axis)
    arrays = [rng.standard_normal(s) for s in shapes]
    g = rng.standard_normal(np.concatenate(arrays, axis=axis).shape)
    pieces = rt.concatenate_bar(g, arrays, axis)
    assert [np.shape(p) for p in pieces] == [tuple(s) for s in shapes]
    us = [rng.standard_normal(s) for s in shapes]
    assert inner(np.concatenate(us, axis=axis), g) == pytest.approx(
        sum(inner(u, p) for u, p in zip(us, pieces)), rel=1e-10)


@pytest.mark.parametrize("shape, count, axis", [((3,), 2, 0), ((), 3, 0), ((2, 3), 2, 1),
                                                ((2, 3), 3, -1), ((2, 3), 2, -2)])
def test_stack_bar_is_the_adjoint_of_stack(shape, count, axis):
    rng = rng_for("stack", shape, count, axis)
    arrays = [rng.standard_normal(shape) for _ in range(count)]
    g = rng.standard_normal(np.stack(arrays, axis=axis).shape)
    pieces = rt.stack_bar(g, arrays, axis)
    assert [np.shape(p) for p in pieces] == [shape] * count
    us = [rng.standard_normal(shape) for _ in range(count)]
    assert inner(np.stack(us, axis=axis), g) == pytest.approx(
        sum(inner(u, p) for u, p in zip(us, pieces)), rel=1e-10)


def test_getitem_bar_and_add_at_accumulate_repeated_indices():
    x = np.zeros(4)
    index = np.array([0, 2, 0, 0])
    np.testing.assert_array_equal(rt.getitem_bar(np.array([1.0, 2.0, 3.0, 4.0]), x, index),
                                  [8.0, 0.0, 2.0, 0.0])
    before = np.array([1.0, 1.0, 1.0, 1.0])
    out = rt.add_at(before, index, 1.0)
    np.testing.assert_array_equal(out, [4.0, 1.0, 2.0, 1.0])
    np.testing.assert_array_equal(before, [1.0, 1.0, 1.0, 1.0])  # not modified
    np.testing.assert_array_equal(rt.add_at(np.zeros((2, 3)), (slice(None), 1), [1.0, 2.0]),
                                  [[0, 1, 0], [0, 2, 0]])
    np.testing.assert_array_equal(rt.add_at(np.zeros(3), np.array([True, False, True]),
                                            [5.0, 6.0]), [5.0, 0.0, 6.0])


def test_zeros_like_gives_float_adjoints_of_the_right_structure():
    assert rt.zeros_like(3) == 0.0 and isinstance(rt.zeros_like(3), float)
    z = rt.zeros_like(np.arange(3))
    assert z.dtype == np.float64 and z.shape == (3,)
    assert rt.zeros_like(np.zeros(2, dtype=np.float32)).dtype == np.float32
    pair = rt.zeros_like((1.0, np.ones(2)))
    assert isinstance(pair, tuple) and pair[0] == 0.0 and pair[1].shape == (2,)
    assert isinstance(rt.zeros_like([1.0, 2.0]), list)


def test_ensure_scalar_output_points_to_vjp():
    rt.ensure_scalar_output(1.0, "f")
    rt.ensure_scalar_output(np.float64(1.0), "f")
    with pytest.raises(ValueError, match="vjp"):
        rt.ensure_scalar_output(np.ones(2), "f")


# --------------------------------------------------------------------- the tape

def test_stack_is_last_in_first_out():
    tape = rt.Stack()
    assert len(tape) == 0
    tape.push(1)
    tape.push("two")
    tape.push(np.ones(2))
    assert len(tape) == 3
    assert isinstance(tape.pop(), np.ndarray)
    assert tape.pop() == "two"
    tape.push(4)
    assert len(tape) == 2
    assert tape.pop() == 4 and tape.pop() == 1
    assert len(tape) == 0
    with pytest.raises(IndexError):
        tape.pop()


def test_stack_instances_are_independent():
    a, b = rt.Stack(), rt.Stack()
    a.push(1)
    assert len(b) == 0
