"""Writes into arrays: x[i] = v, x[i:j] += v, buffers filled in loops, in reverse mode."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient as fd
from s2sad.errors import UnsupportedSyntaxError

import store_functions as sf

RNG = np.random.default_rng(5)




W, X0 = RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=3)
CASES = [
    ("rnn_buffer_W", sf.rnn_buffer, [W, X0, 4], 0),
    ("rnn_buffer_x0", sf.rnn_buffer, [W, X0, 4], 1),
    ("write_param", sf.write_param, [RNG.normal(size=4)], 0),
    ("overwrite_then_read", sf.overwrite_then_read, [RNG.normal(size=3)], 0),
    ("scatter_by_index_array", sf.scatter, [RNG.normal(size=2), np.array([1, 3])], 0),
    ("accumulate_rows", sf.accumulate_rows, [RNG.normal(size=(4, 3))], 0),
    ("write_in_branch_pos", sf.write_in_branch, [np.array([0.5, 0.2, -0.3])], 0),
    ("write_in_branch_neg", sf.write_in_branch, [np.array([-0.5, 0.2, -0.3])], 0),
    ("scalar_into_slice_x", sf.write_scalar_into_slice, [RNG.normal(size=4), 0.7], 0),
    ("scalar_into_slice_c", sf.write_scalar_into_slice, [RNG.normal(size=4), 0.7], 1),
    # found by the fuzzer: b[0:3] = b gave a zero gradient
    ("write_array_into_itself", sf.write_array_into_itself, [np.array([0.5, 1.5, 2.0])], 0),
    ("copy_by_arithmetic_then_write", sf.copy_by_arithmetic_then_write, [0.7], 0),
]


@pytest.mark.parametrize("label, func, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_gradient_with_writes(label, func, args, wrt):
    before = [np.copy(a) for a in args]
    g = s2sad.grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(g, fd(func, args, wrt), rtol=1e-5, atol=1e-7)
    for a, b in zip(args, before):   # the caller's arrays are never written
        np.testing.assert_array_equal(a, b)


def test_written_argument_is_copied_once_at_the_start():
    text = s2sad.source(sf.write_param)
    assert "x_1 = copy_of(x)" in text   # (np.copy, lazy for Dask)
    assert text.count("copy_of(x)") == 1


def test_each_write_saves_only_what_it_overwrites():
    text = s2sad.source(sf.rnn_buffer)
    assert "tape.push(overwritten(h, add_1))" in text
    assert "h[add_1] = tape.pop()" in text
    assert "h_bar = add_into(h_bar, t, h_item_bar)" in text   # in place for numpy
    assert "zero_at" not in text                 # the adjoint buffer is updated in place


def test_write_through_a_shared_view_is_refused():
    # (raised for the arrays the function is called with: a list argument may make
    # such a write one s2sad follows, see errors.SharedWriteError)
    gradient = s2sad.grad(sf.view_conflict)
    with pytest.raises(UnsupportedSyntaxError, match="would also change 'row'") as info:
        gradient(np.array([1.0, 2.0, 3.0]))
    assert info.value.location.line > 0 and "y[0] = 5.0" in str(info.value)
    assert gradient.source is None


def test_write_into_repeated_positions_keeps_the_last_write():
    # numpy keeps the last of the writes into position 1: y[1] = x[1], so f = x[1]
    grad = s2sad.grad(sf.scatter)(np.array([2.0, 3.0]), np.array([1, 1]))
    np.testing.assert_array_equal(grad, [0.0, 1.0])


def test_vjp_with_writes_returns_the_final_buffer_and_repeats():
    value, pullback = s2sad.vjp(sf.buffer_out)(0.4, 5)
    np.testing.assert_allclose(value, sf.buffer_out(0.4, 5))
    for seed in range(3):
        ct = np.random.default_rng(seed).normal(size=6)
        expected = fd(lambda x: float(np.sum(ct * sf.buffer_out(x, 5))), [0.4], 0)
        np.testing.assert_allclose(pullback(ct), expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(value, sf.buffer_out(0.4, 5))   # untouched by the pullbacks


def test_a_loop_with_no_derivative_still_undoes_its_writes():
    # the backward sweep of y = x * buf must see buf before the loop overwrote it
    x = np.array([0.3, -0.2, 0.5])
    np.testing.assert_allclose(s2sad.grad(sf.inactive_loop_writes_after_active_read)(x), 2 * x)


def test_vjp_of_an_array_made_in_a_branch():
    for x in (np.array([-0.5, 0.2]), np.array([0.5, 0.2])):
        (a, b), pullback = s2sad.vjp(sf.array_made_in_a_branch)(x, np.ones(2))
        ct = np.array([1.0, -2.0])
        expected = fd(lambda v: float(np.sum(ct * sf.array_made_in_a_branch(v, np.ones(2))[0])),
                      [x], 0)
        np.testing.assert_allclose(pullback((ct, 0.0)), expected, rtol=1e-5, atol=1e-7)


def test_forward_mode_keeps_a_copy_apart_from_later_writes():
    # found by the fuzzer: v = b * 1.0 folded to an alias of b's tangent, which the
    # write into b then changed
    from s2sad.testing import check_grads
    check_grads(sf.copy_by_arithmetic_then_write, (0.7,), modes=("reverse", "forward"))
