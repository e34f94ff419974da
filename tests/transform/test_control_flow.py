"""Reverse mode through branches and loops: every program checked against finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient as fd

import cf_functions as cf

RNG = np.random.default_rng(7)




CASES = [
    ("scalar_loop", cf.scalar_loop, [0.5, 7], 0),
    ("scalar_loop_zero_trips", cf.scalar_loop, [0.5, 0], 0),
    ("range_with_bounds", cf.range_with_bounds, [RNG.normal(size=4)], 0),
    ("loop_over_rows", cf.loop_over_rows, [RNG.normal(size=3), RNG.normal(size=(4, 3))], 0),
    ("loop_over_rows_X", cf.loop_over_rows, [RNG.normal(size=3), RNG.normal(size=(4, 3))], 1),
    ("enumerate_zip", cf.enumerate_zip, [RNG.normal(size=4), RNG.normal(size=4)], 0),
    ("branch_pos", cf.branch, [0.7], 0),
    ("branch_mid", cf.branch, [-0.5], 0),
    ("branch_neg", cf.branch, [-1.5], 0),
    ("branch_on_array_pos", cf.branch_on_array, [np.array([0.5, 1.0])], 0),
    ("branch_on_array_neg", cf.branch_on_array, [np.array([-0.5, -1.0])], 0),
    ("one_sided_taken", cf.one_sided_branch, [np.array([0.5, 2.0]), np.array([1.0, 3.0])], 1),
    ("one_sided_not_taken", cf.one_sided_branch, [np.array([0.5, 0.2]), np.array([1.0, 3.0])], 1),
    ("while_loop", cf.while_loop, [1.3], 0),
    ("nested_loops", cf.nested_loops, [0.3, 2], 0),
    ("branch_in_loop", cf.branch_in_loop, [3.0, 5], 0),
    ("conditional_expressions_a", cf.conditional_expressions, [1.0, 2.0], 0),
    ("conditional_expressions_b", cf.conditional_expressions, [3.0, 2.0], 1),
    ("conditional_expressions_c", cf.conditional_expressions, [-3.0, 2.0], 0),
    ("or_condition_in", cf.or_condition, [0.5], 0),
    ("or_condition_out", cf.or_condition, [3.0], 0),
    ("rnn_W", cf.rnn, [RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=(3, 2)),
                       RNG.normal(size=(4, 2)), RNG.normal(size=3)], 0),
    ("rnn_h0", cf.rnn, [RNG.normal(size=(3, 3)) * 0.5, RNG.normal(size=(3, 2)),
                        RNG.normal(size=(4, 2)), RNG.normal(size=3)], 3),
    ("euler_k", cf.euler, [0.7, 1.2, 50], 0),
    ("euler_y0", cf.euler, [0.7, 1.2, 50], 1),
    ("while_with_break", cf.while_with_break, [1.2], 0),
    ("for_with_break", cf.for_with_break, [0.4, 10], 0),
    ("for_with_break_never", cf.for_with_break, [0.01, 3], 0),
    ("for_with_continue", cf.for_with_continue, [0.7], 0),
    ("early_return_taken", cf.early_return, [2.0], 0),
    ("early_return_not_taken", cf.early_return, [0.5], 0),
    ("return_in_loop_taken", cf.return_in_loop, [np.array([0.5, 0.9, 1.5, 0.1])], 0),
    ("return_in_loop_not_taken", cf.return_in_loop, [np.array([0.5, 0.2])], 0),
    ("nested_break", cf.nested_break, [0.3], 0),
    # found by the fuzzer: the loop reads the sequence as it was before the loop
    ("loop_over_a_rebound_name_x", cf.loop_over_a_rebound_name, [np.array([0.4, -0.3]), 0.2], 0),
    ("loop_over_a_rebound_name_z", cf.loop_over_a_rebound_name, [np.array([0.4, -0.3]), 0.2], 1),
    # a carried name that starts as a scalar and becomes a vector
    ("shape_changes_across_trips_x0", cf.shape_changes_across_trips,
     [0.7, np.array([[0.5, 0.2], [0.1, -0.3]]), np.array([0.3, -0.2])], 0),
    ("shape_changes_across_trips_c", cf.shape_changes_across_trips,
     [0.7, np.array([[0.5, 0.2], [0.1, -0.3]]), np.array([0.3, -0.2])], 2),
    # found by the fuzzer: carried names swapped in the body (the copies act at once)
    ("swap_in_loop_x", cf.swap_in_loop, [0.3, np.array([0.5, -1.2, 0.7]), 1.1], 0),
    ("swap_in_loop_z", cf.swap_in_loop, [0.3, np.array([0.5, -1.2, 0.7]), 1.1], 2),
    ("swap_in_loop_y", cf.swap_in_loop, [0.3, np.array([0.5, -1.2, 0.7]), 1.1], 1),
    # both branches leave the same value; a negative literal raised to a power
    ("same_value_on_both_sides", cf.same_value_on_both_sides, [1.5], 0),
    ("negative_base_power", cf.negative_base_power, [1.5], 0),
    # found by the fuzzer: .T of a module constant; a constant's method in a branch
    ("transpose_of_a_constant", cf.transpose_of_a_constant, [0.7], 0),
    ("constant_attribute_in_a_tuple", cf.constant_attribute_in_a_tuple,
     [np.array([-0.4, 1.3, -0.3])], 0),
    ("constant_method_in_a_branch_taken", cf.constant_method_in_a_branch, [0.7], 0),
    ("constant_method_in_a_branch_not_taken", cf.constant_method_in_a_branch, [-0.7], 0),
    ("carried_name_meets_its_start", cf.carried_name_meets_its_start,
     [0.7, np.array([[0.5, 0.2], [0.1, -0.3]]), np.array([0.3, -0.2])], 0),
]


@pytest.mark.parametrize("label, func, args, wrt", CASES, ids=[c[0] for c in CASES])
def test_gradient_matches_finite_differences(label, func, args, wrt):
    value, g = s2sad.value_and_grad(func, wrt=wrt)(*args)
    np.testing.assert_allclose(value, func(*args), rtol=1e-12)
    np.testing.assert_allclose(g, fd(func, args, wrt), rtol=1e-5, atol=1e-7)


def test_vjp_through_loop_with_tuple_output_and_repeated_pullback():
    f = cf.two_outputs_in_loop
    (a, b), pullback = s2sad.vjp(f)(0.4, 4)
    for ct in [(1.0, 0.0), (0.0, 1.0), (0.3, -2.0)]:
        expected = fd(lambda x, n: ct[0] * f(x, n)[0] + ct[1] * f(x, n)[1], [0.4, 4], 0)
        np.testing.assert_allclose(pullback(ct), expected, rtol=1e-5, atol=1e-7)


def _loop_pushes(text):
    return sum(1 for line in text.splitlines() if "tape.push(" in line)


def test_scalar_loop_tapes_one_value_per_iteration():
    text = s2sad.source(cf.scalar_loop)
    assert _loop_pushes(text) == 1
    assert "tape.push(x_1)" in text
    assert "for i in reversed(range(n)):" in text


def test_straight_line_function_has_no_tape():
    import core_functions
    text = s2sad.source(core_functions.seed, wrt="w")
    assert "Stack" not in text and "tape" not in text


def test_tape_is_local_to_each_call():
    g = s2sad.grad(cf.scalar_loop)
    first = g(0.5, 10)
    assert g(0.5, 10) == first
    assert g(0.5, 3) == pytest.approx(fd(cf.scalar_loop, [0.5, 3], 0))


def test_euler_steps_tape_one_value_per_step():
    text = s2sad.source(cf.euler, wrt=(0, 1))
    assert _loop_pushes(text) == 1 and "tape.push(y)" in text
    assert "neg = -k" in text   # loop-invariant: read after the loop, never taped


def test_tuple_returned_from_several_places():
    for x in (0.7, -0.7):
        (a, b), pullback = s2sad.vjp(cf.tuple_returns_in_branches)(x)
        expected = fd(lambda v: 2.0 * cf.tuple_returns_in_branches(v)[0]
                      - cf.tuple_returns_in_branches(v)[1], [x], 0)
        np.testing.assert_allclose(pullback((2.0, -1.0)), expected, rtol=1e-5, atol=1e-7)
