"""The numba runtime (``s2sad.backends.numba_runtime``): every ported helper, called
inside ``numba.njit`` code, gives what the numpy helper of :mod:`s2sad.runtime` gives,
over the kinds of arguments generated code passes (numbers, arrays of 0 to 3
dimensions, broadcasting pairs).  Compiled functions are shared by module: each type
signature compiles once.
"""

import inspect

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad.runtime as rt  # noqa: E402
import s2sad.runtime_forward as rt_forward  # noqa: E402
from s2sad.backends import numba_runtime as nr  # noqa: E402
from s2sad.errors import ValueTypeError  # noqa: E402


def _same(got, want):
    """Equal values of one shape (numbers and 0-d arrays both have the shape ())."""
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-12, atol=1e-12)


def _numpy_helper(name):
    """The helper of that name generated code imports (from s2sad.runtime or, for
    forward-mode code, s2sad.runtime_forward)."""
    return getattr(rt, name, None) or getattr(rt_forward, name)


def test_every_exported_helper_is_a_runtime_helper_with_its_signature():
    for name in nr.__all__:
        assert hasattr(rt, name) or name in rt_forward.__all__, name
        assert inspect.signature(getattr(nr, name)) == inspect.signature(_numpy_helper(name))


def test_called_from_python_the_helpers_run_the_numpy_ones():
    g, x = np.arange(6.0).reshape(2, 3), np.ones(3)
    _same(nr.unbroadcast(g, x), rt.unbroadcast(g, x))
    assert nr.shape_of(g, x) == (2, 3)


# ------------------------------------------------ shapes

@numba.njit
def _shapes(g, like):
    return nr_unbroadcast(g, like), nr_unbroadcast_to(g, np.shape(like)), nr_shape_of(g, like)


nr_unbroadcast, nr_unbroadcast_to, nr_shape_of = nr.unbroadcast, nr.unbroadcast_to, nr.shape_of

RNG = np.random.default_rng(0)

BROADCASTS = [
    (1.5, 2.0), (3, 2.0), (np.array(2.5), 1.0), (1.5, np.array(2.0)),
    (RNG.normal(size=3), 2.0), (2.0, np.ones(3)), (np.array(2.0), np.ones(2)),
    (RNG.normal(size=3), np.ones(3)), (RNG.normal(size=(4, 3)), np.ones(3)),
    (RNG.normal(size=(4, 3)), np.ones((4, 1))), (RNG.normal(size=(4, 3)), np.ones((1, 3))),
    (RNG.normal(size=(4, 3)), np.ones((4, 3))), (RNG.normal(size=3), np.ones((4, 3))),
    (RNG.normal(size=(4, 1)), np.ones((4, 3))), (RNG.normal(size=(1, 3)), np.ones((4, 1))),
    (RNG.normal(size=(2, 4, 3)), np.ones((4, 1))), (RNG.normal(size=(2, 4, 3)), 1.0),
    (RNG.normal(size=(4, 3))[:, ::2], np.ones((4, 1))),   # a strided view
    (np.ones((0, 3)), np.ones(3)), (RNG.integers(0, 5, size=(4, 3)), np.ones(3)),
]


@pytest.mark.parametrize("g, like", BROADCASTS,
                         ids=[f"{np.shape(g)}-{np.shape(x)}" for g, x in BROADCASTS])
def test_unbroadcast_and_shape_of(g, like):
    reduced, reduced_to, shape = _shapes(g, like)
    _same(reduced, rt.unbroadcast(g, like))
    _same(reduced_to, rt.unbroadcast_to(g, np.shape(like)))
    assert shape == rt.shape_of(g, like)


def test_unbroadcast_of_matching_arrays_is_the_adjoint_itself():
    g = np.ones((2, 3))
    assert _shapes(g, np.zeros((2, 3)))[0] is g


def test_unbroadcast_to_refuses_shapes_that_do_not_broadcast():
    with pytest.raises(ValueError, match="cannot be reduced"):
        _shapes(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError):
        rt.unbroadcast_to(np.ones((2, 3)), (2, 4))


@numba.njit
def _shape_of_three(a, b, c):
    return nr_shape_of(a, b, c)


def test_shape_of_three_values():
    for values in [(1.0, 2.0, 3.0), (np.ones((2, 1)), 1.0, np.ones(3)),
                   (np.ones(3), np.ones(3), np.ones(3))]:
        assert _shape_of_three(*values) == rt.shape_of(*values)


@numba.njit
def _zeros_like(x):
    return nr_zeros_like(x)


nr_zeros_like = nr.zeros_like


@pytest.mark.parametrize("x", [1.5, 2, True, np.array(3.0), np.ones(3), np.ones((2, 3)),
                               np.ones(3, dtype=np.int64), np.ones(2, dtype=np.float32)],
                         ids=repr)
def test_zeros_like(x):
    got, want = _zeros_like(x), rt.zeros_like(x)
    _same(got, want)
    assert np.asarray(got).dtype == np.asarray(want).dtype


def test_zeros_like_of_a_tuple_and_of_a_list():
    got = _zeros_like((1.0, np.ones(2)))
    assert isinstance(got, tuple)
    _same(got[0], 0.0)
    _same(got[1], np.zeros(2))
    got = _zeros_like(numba.typed.List([np.ones(2), np.ones(2)]))
    assert [list(item) for item in got] == [[0.0, 0.0], [0.0, 0.0]]


# ------------------------------------------------ checks and containers

nr_ensure_scalar_output, nr_loop_items, nr_add_item = (
    nr.ensure_scalar_output, nr.loop_items, nr.add_item)


@numba.njit
def _checked(value):
    nr_ensure_scalar_output(value, "loss")
    return value


def _numpy_error(value):
    with pytest.raises(Exception) as caught:
        rt.ensure_scalar_output(value, "loss")
    return caught.value


@pytest.mark.parametrize("value", [1.5, 3, True, np.array(2.0)], ids=repr)
def test_ensure_scalar_output_lets_a_number_pass(value):
    rt.ensure_scalar_output(value, "loss")
    _same(_checked(value), value)


@pytest.mark.parametrize("value", [np.ones(3), np.ones((2, 3)), 1j], ids=repr)
def test_ensure_scalar_output_refuses_as_numpy_does(value):
    want = _numpy_error(value)
    with pytest.raises(type(want)) as caught:
        _checked(value)
    assert str(caught.value) == str(want)


def test_ensure_scalar_output_refuses_a_complex_output_with_s2sads_error():
    with pytest.raises(ValueTypeError, match="complex"):
        _checked(2j)


@numba.njit
def _loop_items(sequence):
    return nr_loop_items(sequence)


def test_loop_items_of_a_sequence_is_the_sequence_and_of_a_dict_its_keys():
    x = np.arange(3.0)
    assert _loop_items(x) is x or np.array_equal(_loop_items(x), rt.loop_items(x))
    assert _loop_items((1.0, 2.0)) == rt.loop_items((1.0, 2.0))
    d = numba.typed.Dict.empty(numba.types.unicode_type, numba.types.float64)
    d["a"], d["b"] = 1.0, 2.0
    assert list(_loop_items(d)) == rt.loop_items({"a": 1.0, "b": 2.0}) == ["a", "b"]


@numba.njit
def _add_item(bar, key, g):
    return nr_add_item(bar, key, g)


def test_add_item_adds_into_one_item():
    items = numba.typed.List([np.ones(2), np.zeros(2)])
    got = _add_item(items, 1, np.arange(2.0))
    want = rt.add_item([np.ones(2), np.zeros(2)], 1, np.arange(2.0))
    for a, b in zip(got, want):
        _same(a, b)
    x_bar = np.zeros((2, 3))   # an array adjoint: one item (a row, an element) in place
    got = _add_item(_add_item(x_bar, 1, np.arange(3.0)), (0, 2), 1.5)
    want = rt.add_item(rt.add_item(np.zeros((2, 3)), 1, np.arange(3.0)), (0, 2), 1.5)
    assert got is x_bar
    _same(got, want)
    assert list(_add_item((1.0, 2.0), 0, 3.0)) == rt.add_item((1.0, 2.0), 0, 3.0) == [4.0, 2.0]


# ------------------------------------------------ products

nr_matmul_lhs_bar, nr_matmul_rhs_bar = nr.matmul_lhs_bar, nr.matmul_rhs_bar
nr_dot_lhs_bar, nr_dot_rhs_bar = nr.dot_lhs_bar, nr.dot_rhs_bar
rt_products = (rt.matmul_lhs_bar, rt.matmul_rhs_bar, rt.dot_lhs_bar, rt.dot_rhs_bar)


@numba.njit
def _product_bars(g, a, b):
    return (nr_matmul_lhs_bar(g, a, b), nr_matmul_rhs_bar(g, a, b),
            nr_dot_lhs_bar(g, a, b), nr_dot_rhs_bar(g, a, b))


@numba.njit
def _dot_bars(g, a, b):
    return nr_dot_lhs_bar(g, a, b), nr_dot_rhs_bar(g, a, b)


FACTORS = [((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)), ((3,), (3,))]


@pytest.mark.parametrize("a_shape, b_shape", FACTORS, ids=str)
def test_product_adjoints(a_shape, b_shape):
    a, b = RNG.normal(size=a_shape), RNG.normal(size=b_shape)
    g = RNG.normal(size=np.shape(a @ b))
    if not np.ndim(g):
        g = float(g)
    for got, helper in zip(_product_bars(g, a, b), rt_products):
        _same(got, helper(g, a, b))


def test_matmul_adjoints_reduce_an_adjoint_broadcast_in_a_sum():
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=3)
    g = RNG.normal(size=(4, 2))   # (a @ b) + c with c of shape (4, 2)
    lhs, rhs = _matmul_only(g, a, b)
    _same(lhs, rt.matmul_lhs_bar(g, a, b))
    _same(rhs, rt.matmul_rhs_bar(g, a, b))


@numba.njit
def _matmul_only(g, a, b):
    return nr_matmul_lhs_bar(g, a, b), nr_matmul_rhs_bar(g, a, b)


@pytest.mark.parametrize("a, b", [(2.0, np.ones(3)), (np.arange(3.0), 2.5), (1.5, 2.5)],
                         ids=["number-array", "array-number", "numbers"])
def test_dot_adjoints_with_a_number(a, b):
    g = np.dot(a, b) * 0.0 + 1.25
    lhs, rhs = _dot_bars(g, a, b)
    _same(lhs, rt.dot_lhs_bar(g, a, b))
    _same(rhs, rt.dot_rhs_bar(g, a, b))


# ------------------------------------------------ elementwise

nr_tie_mask, nr_xlogy, nr_power_log, nr_power_slope = (
    nr.tie_mask, nr.xlogy, nr.power_log, nr.power_slope)
nr_clip_mask, nr_clip_lower_mask, nr_clip_upper_mask = (
    nr.clip_mask, nr.clip_lower_mask, nr.clip_upper_mask)


@numba.njit
def _binary(a, b):
    return (nr_tie_mask(a, b), nr_xlogy(a, b), nr_power_log(a, b), nr_power_slope(a, b),
            nr_power_slope(a, b, 2.0))


def _binary_numpy(a, b):
    return (rt.tie_mask(a, b), rt.xlogy(a, b), rt.power_log(a, b), rt.power_slope(a, b),
            rt.power_slope(a, b, 2.0))


@numba.njit
def _clips(a, lo, hi):
    return (nr_clip_mask(a, lo, hi), nr_clip_lower_mask(a, lo, hi),
            nr_clip_upper_mask(a, lo, hi), nr_clip_mask(a, None, hi), nr_clip_mask(a, lo, None),
            nr_clip_lower_mask(a, lo, None), nr_clip_upper_mask(a, None, hi))


def _clips_numpy(a, lo, hi):
    return (rt.clip_mask(a, lo, hi), rt.clip_lower_mask(a, lo, hi),
            rt.clip_upper_mask(a, lo, hi), rt.clip_mask(a, None, hi), rt.clip_mask(a, lo, None),
            rt.clip_lower_mask(a, lo, None), rt.clip_upper_mask(a, None, hi))


X = np.array([-1.0, 0.0, 0.5, 2.0, 2.0])


@pytest.mark.parametrize("a, b", [(1.5, 2.0), (0.0, 2.0), (2.0, 2.0), (-1.0, 0.5), (0.0, 0.0),
                                  (0.0, -0.5), (X, 2.0), (X, X[::-1].copy()), (2.0, X),
                                  (X, 0.0), (np.abs(X).reshape(5, 1), X)], ids=str)
def test_elementwise_slopes_and_ties(a, b):
    with np.errstate(all="ignore"):
        for got, want in zip(_binary(a, b), _binary_numpy(a, b)):
            assert np.shape(got) == np.shape(want)
            np.testing.assert_allclose(got, want, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize("a, lo, hi", [(0.5, 0.0, 1.0), (-0.5, 0.0, 1.0), (1.5, 0.0, 1.0),
                                       (0.5, 1.0, 0.0), (X, 0.0, 1.0), (X, X - 0.5, 1.0),
                                       (X, 1.0, 0.0)], ids=str)
def test_clip_masks(a, lo, hi):
    for got, want in zip(_clips(a, lo, hi), _clips_numpy(a, lo, hi)):
        _same(got, want)


nr_quotient_slope = nr.quotient_slope


@numba.njit
def _quotient_slope(v, y, b):
    return nr_quotient_slope(v, y, b)


INFINITE = np.array([np.inf, -np.inf, np.inf, 2.0, np.nan])


@pytest.mark.parametrize("v, y, b", [(3.0, 6.0, 2.0), (1.0, np.inf, 2.0), (1.0, -np.inf, -0.5),
                                     (INFINITE, INFINITE, np.array([2.0, -3.0, 0.0, 4.0, 1.0])),
                                     (X, INFINITE, 2.0), (INFINITE, INFINITE, 0.5)], ids=str)
def test_quotient_slope(v, y, b):
    with np.errstate(all="ignore"):
        got, want = _quotient_slope(v, y, b), rt.quotient_slope(v, y, b)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_array_equal(got, want)


# ------------------------------------------------ reductions

nr_sum_bar, nr_mean_bar, nr_extremum_bar, nr_prod_bar = (
    nr.sum_bar, nr.mean_bar, nr.extremum_bar, nr.prod_bar)


@numba.njit
def _reductions_all(g, x):
    return nr_sum_bar(g, x), nr_mean_bar(g, x), nr_prod_bar(g, x)


@numba.njit
def _reductions_along(g, y, x, axis):
    return nr_sum_bar(g, x, axis), nr_mean_bar(g, x, axis), nr_extremum_bar(g, y, x, axis)


@numba.njit
def _extremum_all(g, y, x):
    return nr_extremum_bar(g, y, x)


@pytest.mark.parametrize("g, x", [(1.5, RNG.normal(size=(3, 4))), (1.5, 2.0),
                                  (np.array(2.0), RNG.normal(size=(3, 4))),
                                  (1.5, RNG.normal(size=(2, 3, 4))),
                                  (2.0, np.array([0.0, 1.0, 2.0])),
                                  (2.0, np.array([0.0, 1.0, 0.0]))], ids=str)
def test_adjoints_of_whole_reductions(g, x):
    got = _reductions_all(g, x)
    for value, helper in zip(got, (rt.sum_bar, rt.mean_bar, rt.prod_bar)):
        _same(value, helper(g, x))


@pytest.mark.parametrize("shape, axis", [((3, 4), 0), ((3, 4), 1), ((3, 4), -1),
                                         ((2, 3, 4), (0, 2))], ids=str)
def test_adjoints_of_reductions_along_axes(shape, axis):
    x = RNG.normal(size=shape)
    x[0] = x[-1]   # ties: the extremum's adjoint is shared among them
    y = np.max(x, axis=axis)
    g = RNG.normal(size=y.shape)
    got = _reductions_along(g, y, x, axis)
    _same(got[0], rt.sum_bar(g, x, axis))
    _same(got[1], rt.mean_bar(g, x, axis))
    _same(got[2], rt.extremum_bar(g, y, x, axis))


@pytest.mark.parametrize("y, x", [(3.0, np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])),
                                  (2.0, 2.0), (np.nan, np.array([1.0, np.nan]))], ids=str)
def test_adjoint_of_a_whole_extremum_with_ties_and_nan(y, x):
    with np.errstate(all="ignore"):
        want = rt.extremum_bar(1.5, y, x)
    got = _extremum_all(1.5, y, x)
    assert np.shape(got) == np.shape(want)
    np.testing.assert_allclose(got, want, equal_nan=True)


# ------------------------------------------------ indices and writes

nr_overwritten, nr_stored_part, nr_zero_at, nr_add_at, nr_getitem_bar, nr_snapshot = (
    nr.overwritten, nr.stored_part, nr.zero_at, nr.add_at, nr.getitem_bar, nr.snapshot)
nr_add_at_key, nr_transpose_bar, nr_mT, nr_unshared, nr_ensure_real_target = (
    nr.add_at_key, nr.transpose_bar, nr.mT, nr.unshared, nr.ensure_real_target)


@numba.njit
def _indexed(x, index, g):
    return (nr_overwritten(x, index), nr_stored_part(x, index), nr_zero_at(x, index),
            nr_add_at(x, index, g), nr_getitem_bar(g, x, index), nr_snapshot(x),
            nr_add_at_key(x.copy(), index, g))


def _indexed_numpy(x, index, g):
    return (rt.overwritten(x, index), rt.stored_part(x, index), rt.zero_at(x, index),
            rt.add_at(x, index, g), rt.getitem_bar(g, x, index), rt.snapshot(x),
            rt.add_at_key(x.copy(), index, g))


@pytest.mark.parametrize("index, g", [(1, np.ones(4)), ((1, 2), 2.0),
                                      (slice(0, 2), np.ones((2, 4))),
                                      ((slice(None), 1), np.arange(3.0))], ids=str)
def test_index_helpers(index, g):
    x = np.arange(12.0).reshape(3, 4)
    for got, want in zip(_indexed(x, index, g), _indexed_numpy(x, index, g)):
        _same(got, want)
    assert np.array_equal(x, np.arange(12.0).reshape(3, 4))   # x itself is left as it was


@numba.njit
def _transposes(g):
    return nr_transpose_bar(g), nr_mT(g)


def test_transposes():
    for x in (RNG.normal(size=(3, 4)), RNG.normal(size=(2, 3, 4))):
        got = _transposes(x)
        _same(got[0], rt.transpose_bar(x))
        _same(got[1], rt.mT(x))


@numba.njit
def _unshared(g, a, b):
    return nr_unshared(g, (a, b, 1.0))


def test_unshared_copies_exactly_where_memory_is_shared():
    x, y = np.ones((3, 4)), np.ones(3)
    assert _unshared(y, x, np.ones(2)) is y
    for g, a, b in [(y, x, y), (y[1:], y, x), (x[:, 1:], x[0], y)]:
        got = _unshared(g, a, b)
        assert got is not g and not np.shares_memory(got, g)
        _same(got, g)
        assert rt.unshared(g, (a, b, 1.0)) is not g


@numba.njit
def _real_target(array):
    return nr_ensure_real_target(array, "f.py", 3, 4)


@numba.njit
def _real_target_complex(array, tangent):
    return nr_ensure_real_target(array, "f.py", 3, 4, tangent)


def _refused_alike(compiled, *args):
    with pytest.raises(Exception) as numpy_error:
        rt.ensure_real_target(args[0], "f.py", 3, 4, *args[1:])
    with pytest.raises(type(numpy_error.value)) as caught:
        compiled(*args)
    assert str(caught.value) == str(numpy_error.value)


def test_ensure_real_target():
    x = np.ones(3)
    assert _real_target(x) is x
    for array in (np.ones(2, dtype=np.int64), np.ones(2, dtype=bool)):
        _refused_alike(_real_target, array)
    read_only = np.ones(2)
    read_only.flags.writeable = False
    _refused_alike(_real_target, read_only)
    _refused_alike(_real_target_complex, x, 1j)


# ------------------------------------------------ adjoints of values of unknown kind

nr_add_tree, nr_zeros_tree, nr_times_bar = nr.add_tree, nr.zeros_tree, nr.times_bar
nr_loop_items_bar, nr_loop_items_dot, nr_scalar_checked = (
    nr.loop_items_bar, nr.loop_items_dot, nr.scalar_checked)


@numba.njit
def _trees(g, x, n):
    return (nr_add_tree(g, x), nr_zeros_tree(x), nr_times_bar(g, x, n),
            nr_scalar_checked(n, "f"))


@numba.njit
def _loop_bars(g, sequence):
    return nr_loop_items_bar(g, sequence), nr_loop_items_dot(sequence, g)


@pytest.mark.parametrize("g, x", [(1.5, 2.0), (np.arange(3.0), np.ones(3)),
                                  (np.ones((2, 3)), np.ones(3))], ids=str)
def test_tree_helpers_on_numbers_and_arrays(g, x):
    got = _trees(g, x, 3)
    _same(got[0], rt.add_tree(g, x))
    _same(got[1], rt.zeros_tree(x))
    _same(got[2], rt.times_bar(g, x, 3))
    assert got[3] == rt.scalar_checked(3, "f")


def test_loop_item_adjoints_of_a_sequence_are_the_items_adjoints():
    g, x = np.arange(3.0), np.ones(3)
    got = _loop_bars(g, x)
    _same(got[0], rt.loop_items_bar(g, x))
    _same(got[1], rt.loop_items_dot(x, g))


@numba.njit
def _add_trees(a, b):
    return nr_add_tree(a, b)


@numba.njit
def _zeros_tree(x):
    return nr_zeros_tree(x)


@pytest.mark.filterwarnings("ignore::numba.NumbaPendingDeprecationWarning")   # reflected lists
def test_add_tree_of_lists_and_tuples():
    for a, b in [((1.0, np.ones(2)), (2.0, np.arange(2.0))), ([1.0, 2.0], [3.0, 4.0])]:
        got = _add_trees(a, b)
        want = rt.add_tree(a, b)
        assert type(got) is type(want)
        for item, expected in zip(got, want):
            _same(item, expected)
    for x in ([1.0, 2.0], (np.ones(2), np.ones(2))):   # (numba's lists hold one type)
        got, want = _zeros_tree(x), rt.zeros_tree(x)
        assert type(got) is type(want) is list
        for item, expected in zip(got, want):
            _same(item, expected)


# ------------------------------------------------ forward mode

nr_broadcast_like, nr_writable_copy, nr_index_set, nr_xdivy = (
    nr.broadcast_like, nr.writable_copy, nr.index_set, nr.xdivy)


@numba.njit
def _forward(t, like):
    return nr_broadcast_like(t, like), nr_writable_copy(t), nr_xdivy(t, like)


@pytest.mark.parametrize("t, like", [(1.5, 2.0), (0.0, 0.0), (1.5, np.ones(3)),
                                     (np.arange(3.0), np.ones((2, 3))),
                                     (np.arange(2.0).reshape(2, 1), np.ones((2, 3))),
                                     (np.arange(3.0), np.array([0.0, 1.0, 2.0]))], ids=str)
def test_forward_helpers(t, like):
    got = _forward(t, like)
    _same(got[0], rt_forward.broadcast_like(t, like))
    _same(got[1], rt_forward.writable_copy(t))
    with np.errstate(all="ignore"):
        want = rt_forward.xdivy(t, like)
    assert np.shape(got[2]) == np.shape(want)
    np.testing.assert_allclose(got[2], want, equal_nan=True)


def test_broadcast_like_refuses_a_tangent_larger_than_its_value():
    with pytest.raises(ValueError):
        _forward(np.ones((2, 3)), np.ones((4, 3)))


@numba.njit
def _index_set(x, index, value):
    return nr_index_set(x, index, value)


def test_index_set_writes_into_a_copy():
    x = np.arange(6.0).reshape(2, 3)
    for index, value in [(1, 7.0), ((0, 2), 7.0), (slice(0, 1), np.ones((1, 3)))]:
        _same(_index_set(x, index, value), rt_forward.index_set(x, index, value))
    assert np.array_equal(x, np.arange(6.0).reshape(2, 3))
    n = np.arange(3)
    got = _index_set(n, 1, 2.7)   # an integer array keeps its dtype, as numpy's write does
    assert got.dtype == rt_forward.index_set(n, 1, 2.7).dtype
    _same(got, rt_forward.index_set(n, 1, 2.7))
    read_only = np.ones(2)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        _index_set(read_only, 0, 1.0)


# ------------------------------------------------ variances, standard deviations, nan_to_num

nr_reduced_count, nr_nonzero_checked, nr_finite_mask = (
    nr.reduced_count, nr.nonzero_checked, nr.finite_mask)


@numba.njit
def _counts(a, axis):
    return nr_reduced_count(a, axis, 1), nr_reduced_count(a)


@numba.njit
def _checked_nonzero(y, needed):
    return nr_nonzero_checked(y, "np.std", needed), nr_nonzero_checked(y, "np.std")


@numba.njit
def _finite(x):
    return nr_finite_mask(x)


def test_reduced_count_and_finite_mask():
    a = np.ones((3, 4))
    assert _counts(a, 0) == (rt.reduced_count(a, 0, 1), rt.reduced_count(a))
    assert _counts(a, (0, 1)) == (rt.reduced_count(a, (0, 1), 1), rt.reduced_count(a))
    for x in (np.array([1.0, np.inf, np.nan]), 2.0, np.inf):
        _same(_finite(x), rt.finite_mask(x))


@pytest.mark.parametrize("y, needed", [(2.0, 1.0), (0.0, 0.0), (np.array([1.0, 2.0]), 1.0),
                                       (np.array([0.0, 2.0]), np.array([0.0, 1.0]))],
                         ids=str)
def test_nonzero_checked_passes_a_value_whose_zeros_carry_nothing(y, needed):
    _same(_checked_nonzero(y, needed)[0] if np.all(y != 0) else _checked_nonzero_only(y, needed),
          rt.nonzero_checked(y, "np.std", needed))


@numba.njit
def _checked_nonzero_only(y, needed):
    return nr_nonzero_checked(y, "np.std", needed)


def test_nonzero_checked_refuses_a_zero_as_numpy_does():
    """The same refusal; numba's message is a constant, without the place of the 0 that
    numpy's names for an array (the scalar's message)."""
    with pytest.raises(Exception) as want:
        rt.nonzero_checked(0.0, "np.std", 1.0)
    for y, needed in [(0.0, 1.0), (np.array([0.0, 2.0]), np.array([1.0, 1.0]))]:
        with pytest.raises(type(want.value)) as caught:
            _checked_nonzero_only(y, needed)
        assert str(caught.value) == str(want.value)
    with pytest.raises(type(want.value), match=r"reduction that takes the argument's "
                                                r"element \(0,\)"):
        rt.nonzero_checked(np.array([0.0, 2.0]), "np.std", np.array([1.0, 1.0]))


nr_sinc_slope = nr.sinc_slope


@numba.njit
def _sinc_slope(x):
    return nr_sinc_slope(x)


def test_sinc_slope_near_zero_and_away():
    xs = np.array([0.0, 1e-4, -2e-4, 0.3, -1.7, 2.0])
    _same(_sinc_slope(xs), rt.sinc_slope(xs))
    for x in xs:
        _same(_sinc_slope(float(x)), rt.sinc_slope(float(x)))


nr_add_into = nr.add_into


@numba.njit
def _added_into_newaxis(x_bar, g):
    return nr_add_into(x_bar, (slice(0, 2), None), g)


def test_add_into_takes_a_newaxis_in_numba():
    """``x_bar = add_into(x_bar, (slice(0, 2), None), g)``: the adjoint of ``x[0:2, None]``
    added in place (the values by hand)."""
    got = _added_into_newaxis(np.ones(3), np.array([[1.5], [-2.0]]))
    np.testing.assert_allclose(got, [2.5, -1.0, 1.0])
