"""Issue 16: loops indexing arrays item by item get reverse code made for the ranks
of the arguments (``x[i]`` of a 1-D ``x`` is one number: no ``unbroadcast``, no
accumulator taped for its shape, adjoints added into ``x_bar[i]`` in place).

Every expected derivative is a central finite difference (``s2sad.testing``) or
a second difference of the function itself, never a value s2sad produced.
"""

import numpy as np
import pytest

import s2sad
from s2sad.api.entries import reverse_entry
from s2sad.testing import check_grads, finite_difference_gradient

import scalar_loops as sl

RNG = np.random.default_rng(16)


def _vec(n, low=0.2, high=1.5):
    return RNG.uniform(low, high, n)


CASES = [
    (sl.sum_squares, (_vec(7),), None),
    (sl.dot_loop, (_vec(5), _vec(5)), None),
    (sl.matrix_loop, (_vec(6).reshape(2, 3),), None),
    (sl.row_items, (_vec(6).reshape(3, 2),), None),
    (sl.two_accumulators, (_vec(6),), None),
    (sl.while_loop, (_vec(5),), None),
    (sl.accumulator_start, (_vec(4), 0.7), None),
    (sl.accumulator_start, (_vec(4), _vec(3)), None),
    (sl.integer_weights, (_vec(5), np.array([1, -2, 3, 0, 2])), 0),
    (sl.scaled_by, (0.9, _vec(4)), None),
    (sl.scaled_by, (np.array(0.9), _vec(4)), None),
    (sl.count_given, (_vec(6), 4), 0),
    (sl.scalar_argument, (0.8,), None),
    (sl.first_items, (_vec(5),), None),
    (sl.first_items, (_vec(6).reshape(3, 2),), None),
    (sl.items_written, (_vec(4),), None),
    (sl.number_into_row, (_vec(3),), None),
    (sl.number_into_slice, (_vec(3),), None),
]


def _id(case):
    return f"{case[0].__name__}-" + "-".join(
        f"{np.ndim(a)}d{type(a).__name__}" for a in case[1])


@pytest.mark.parametrize("func,args,wrt", CASES, ids=[_id(c) for c in CASES])
def test_gradients_and_tangents_agree_with_finite_differences(func, args, wrt):
    check_grads(func, args, wrt=wrt, modes=("reverse", "forward"))
    index = 0 if wrt is None else wrt
    expected = finite_difference_gradient(func, args, argnum=index)
    got = s2sad.grad(func, wrt=index)(*args)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def _fd_hvp(func, args, index, v, eps=1e-4):
    """H v by central second differences of ``func`` itself."""
    x = np.asarray(args[index], dtype=float)
    flat, dv = x.ravel(), np.ravel(v)
    out = np.zeros(flat.size)

    def at(point):
        new = list(args)
        new[index] = point.reshape(x.shape) if x.ndim else float(point[0])
        return float(func(*new))

    for k in range(flat.size):
        e = np.zeros(flat.size)
        e[k] = eps
        out[k] = (at(flat + e + eps * dv) - at(flat + e - eps * dv)
                  - at(flat - e + eps * dv) + at(flat - e - eps * dv)) / (4 * eps * eps)
    return out.reshape(x.shape)


HVP_CASES = [c for c in CASES if c[0] not in (sl.number_into_row, sl.number_into_slice)]


@pytest.mark.parametrize("func,args,wrt", HVP_CASES, ids=[_id(c) for c in HVP_CASES])
def test_hessian_vector_products_agree_with_second_differences(func, args, wrt):
    index = 0 if wrt is None else wrt
    x = args[index]
    v = RNG.uniform(-1.0, 1.0, np.shape(x))
    v = float(v) if np.ndim(x) == 0 and not isinstance(x, np.ndarray) else v
    args = tuple(np.asarray(a, dtype=float) if i == index and isinstance(a, np.ndarray)
                 else a for i, a in enumerate(args))
    got = s2sad.hvp(func, wrt=index)(*args, v)
    got = got[1] if isinstance(got, tuple) else got
    np.testing.assert_allclose(got, _fd_hvp(func, args, index, v), rtol=1e-4, atol=1e-5)


def _ranked_text(func, wrt, ranks, flavor="value_and_grad"):
    """The reverse code the API runs for arguments of the ranks ``ranks``."""
    return reverse_entry(func, wrt, flavor, ranks=ranks).text


def test_the_code_for_a_1d_array_has_no_shape_machinery():
    text = _ranked_text(sl.sum_squares, ("x",), (("x", 1),))
    assert "unbroadcast" not in text
    assert "tape" not in text and "Stack" not in text   # the accumulator is not taped
    assert "add_item" not in text
    assert "x_bar[i] +=" in text                        # in place, in the fresh x_bar
    general = s2sad.grad(sl.sum_squares).source         # no ranks (what the CLI writes)
    # (the accumulator's value before each update is taped: its adjoint is reduced to
    # that value's shape, which x[i] of a 2-D x would grow)
    assert "unbroadcast" in general and "tape.push(s_old)" in general


def test_the_code_for_items_of_a_matrix_and_of_its_rows_has_no_unbroadcast():
    for func in (sl.matrix_loop, sl.row_items):
        text = _ranked_text(func, ("X",), (("X", 2),))
        assert "unbroadcast" not in text, text
        assert "tape.push(s" not in text, text   # no accumulator taped


def test_a_number_argument_of_a_loop_needs_no_unbroadcast():
    text = _ranked_text(sl.scalar_argument, ("a",), (("a", 0),))
    assert "unbroadcast" not in text


def test_a_1d_then_a_2d_argument_each_get_their_own_code():
    g = s2sad.grad(sl.first_items)
    for x in (_vec(4), _vec(6).reshape(2, 3), _vec(5), _vec(4).reshape(4, 1)):
        np.testing.assert_allclose(g(x), finite_difference_gradient(sl.first_items, (x,)),
                                   rtol=1e-5, atol=1e-7)
    g2 = s2sad.value_and_grad(sl.first_items)   # 2-D first, then 1-D
    for x in (_vec(6).reshape(3, 2), _vec(3)):
        value, grad = g2(x)
        assert value == pytest.approx(sl.first_items(x))
        np.testing.assert_allclose(grad, finite_difference_gradient(sl.first_items, (x,)),
                                   rtol=1e-5, atol=1e-7)


def test_a_keyword_argument_is_specialized_too():
    x = _vec(5)
    expected = finite_difference_gradient(sl.dot_loop, (x, x + 1.0))
    np.testing.assert_allclose(s2sad.grad(sl.dot_loop)(x, y=x + 1.0), expected, rtol=1e-5)
    np.testing.assert_allclose(s2sad.grad(sl.dot_loop)(x=x, y=x + 1.0), expected, rtol=1e-5)


def test_the_vjp_of_a_ranked_loop_may_be_pulled_back_twice():
    x = _vec(5)
    value, pullback = s2sad.vjp(sl.sum_squares)(x)
    assert value == pytest.approx(np.sum(x * x))
    np.testing.assert_allclose(pullback(2.0), 4.0 * x)
    np.testing.assert_allclose(pullback(1.0), 2.0 * x)


def test_functions_without_item_loops_keep_one_entry():
    def plain(x):
        return np.sum(np.sin(x) * x)
    g = s2sad.grad(plain)
    g(_vec(3))
    g(_vec(3).reshape(1, 3))
    from s2sad.api.core import CACHE
    assert len(CACHE.keys_for(plain.__code__)) == 1
