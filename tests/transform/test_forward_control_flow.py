"""Forward mode through branches and loops (the program zoo of cf_functions.py).

Every program runs in forward mode against central finite differences of
the original Python function (float64, nothing of s2sad's involved): jvp
along random tangents, and full Jacobians in both modes.  Then the
generated code itself: tangents inline in the same blocks, canonical
tangents at joins, zeros where a path leaves a tangent constant.
"""

import inspect
import zlib

import numpy as np
import pytest

import s2sad

import cf_functions as cf


def rng_for(name):
    return np.random.default_rng(zlib.crc32(name.encode()))


def moved(args, wrt, tangents, step):
    out = list(args)
    for i, t in zip(wrt, tangents):
        x = np.asarray(args[i], dtype=np.float64) + step * np.asarray(t)
        out[i] = x if np.ndim(args[i]) else float(x)
    return out


def fd_directional(f, args, wrt, tangents, eps=1e-6):
    plus, minus = f(*moved(args, wrt, tangents, eps)), f(*moved(args, wrt, tangents, -eps))
    if isinstance(plus, tuple):
        return tuple((np.asarray(p) - np.asarray(m)) / (2 * eps) for p, m in zip(plus, minus))
    return (np.asarray(plus) - np.asarray(minus)) / (2 * eps)


def fd_jacobian(f, args, i, eps=1e-6):
    x = np.asarray(args[i], dtype=np.float64)
    out = np.asarray(f(*args))
    jac = np.zeros(out.shape + x.shape)
    for index in np.ndindex(x.shape):
        e = np.zeros(x.shape)
        e[index] = 1.0
        jac[(Ellipsis,) + index] = fd_directional(f, args, [i], [e if x.ndim else 1.0], eps)
    return jac


R = np.random.default_rng(11)
W3, U3, XS, H0 = R.normal(size=(3, 3)) * 0.5, R.normal(size=(3, 2)), R.normal(size=(4, 2)), \
    R.normal(size=3)

# label, function, arguments, differentiable argument positions
PROGRAMS = [
    ("scalar_loop", cf.scalar_loop, [0.5, 7], (0,)),
    ("scalar_loop_zero_trips", cf.scalar_loop, [0.5, 0], (0,)),
    ("range_with_bounds", cf.range_with_bounds, [R.normal(size=4)], (0,)),
    ("loop_over_rows", cf.loop_over_rows, [R.normal(size=3), R.normal(size=(4, 3))], (0, 1)),
    ("enumerate_zip", cf.enumerate_zip, [R.normal(size=4), R.normal(size=4)], (0, 1)),
    ("branch_pos", cf.branch, [0.7], (0,)),
    ("branch_mid", cf.branch, [-0.5], (0,)),
    ("branch_neg", cf.branch, [-1.5], (0,)),
    ("branch_on_array_pos", cf.branch_on_array, [np.array([0.5, 1.0])], (0,)),
    ("branch_on_array_neg", cf.branch_on_array, [np.array([-0.5, -1.0])], (0,)),
    ("one_sided_taken", cf.one_sided_branch, [np.array([0.5, 2.0]), np.array([1.0, 3.0])],
     (0, 1)),
    ("one_sided_not_taken", cf.one_sided_branch, [np.array([0.5, 0.2]), np.array([1.0, 3.0])],
     (0, 1)),
    ("while_loop", cf.while_loop, [1.3], (0,)),
    ("nested_loops", cf.nested_loops, [0.3, 2], (0,)),
    ("branch_in_loop", cf.branch_in_loop, [3.0, 5], (0,)),
    ("conditional_expressions_a", cf.conditional_expressions, [1.0, 2.0], (0, 1)),
    ("conditional_expressions_b", cf.conditional_expressions, [3.0, 2.0], (0, 1)),
    ("conditional_expressions_c", cf.conditional_expressions, [-3.0, 2.0], (0, 1)),
    ("or_condition_in", cf.or_condition, [0.5], (0,)),
    ("or_condition_out", cf.or_condition, [3.0], (0,)),
    ("rnn", cf.rnn, [W3, U3, XS, H0], (0, 1, 2, 3)),
    ("euler", cf.euler, [0.7, 1.2, 50], (0, 1)),
    ("two_outputs_in_loop", cf.two_outputs_in_loop, [0.4, 4], (0,)),
    ("while_with_break", cf.while_with_break, [1.2], (0,)),
    ("for_with_break", cf.for_with_break, [0.4, 10], (0,)),
    ("for_with_break_never", cf.for_with_break, [0.01, 3], (0,)),
    ("for_with_continue", cf.for_with_continue, [0.7], (0,)),
    ("early_return_taken", cf.early_return, [2.0], (0,)),
    ("early_return_not_taken", cf.early_return, [0.5], (0,)),
    ("return_in_loop_taken", cf.return_in_loop, [np.array([0.5, 0.9, 1.5, 0.1])], (0,)),
    ("return_in_loop_not_taken", cf.return_in_loop, [np.array([0.5, 0.2])], (0,)),
    ("nested_break", cf.nested_break, [0.3], (0,)),
    ("loop_over_a_rebound_name", cf.loop_over_a_rebound_name, [np.array([0.4, -0.3]), 0.2],
     (0, 1)),
    ("tuple_returns_in_branches_pos", cf.tuple_returns_in_branches, [0.6], (0,)),
    ("tuple_returns_in_branches_neg", cf.tuple_returns_in_branches, [-0.6], (0,)),
    ("shape_changes_across_trips", cf.shape_changes_across_trips,
     [0.7, np.array([[0.5, 0.2], [0.1, -0.3]]), np.array([0.3, -0.2])], (0, 1, 2)),
    ("carried_name_meets_its_start", cf.carried_name_meets_its_start,
     [0.7, np.array([[0.5, 0.2], [0.1, -0.3]]), np.array([0.3, -0.2])], (0, 1, 2)),
    ("swap_in_loop", cf.swap_in_loop, [0.3, np.array([0.5, -1.2, 0.7]), 1.1], (0, 1, 2)),
    ("same_value_on_both_sides", cf.same_value_on_both_sides, [1.5], (0,)),
    ("same_value_on_both_sides_neg", cf.same_value_on_both_sides, [-1.5], (0,)),
    ("negative_base_power", cf.negative_base_power, [1.5], (0,)),
    ("transpose_of_a_constant", cf.transpose_of_a_constant, [0.7], (0,)),
    ("constant_attribute_in_a_tuple", cf.constant_attribute_in_a_tuple,
     [np.array([-0.4, 1.3, -0.3])], (0,)),
    ("constant_method_in_a_branch", cf.constant_method_in_a_branch, [0.7], (0,)),
    ("constant_method_in_a_branch_neg", cf.constant_method_in_a_branch, [-0.7], (0,)),
]
IDS = [p[0] for p in PROGRAMS]


def test_every_program_of_the_zoo_has_a_row():
    zoo = {name for name, obj in vars(cf).items()
           if inspect.isfunction(obj) and obj.__module__ == cf.__name__}
    assert zoo <= {p[1].__name__ for p in PROGRAMS}


def random_tangent(x, rng):
    t = rng.standard_normal(np.shape(x))
    return t if np.ndim(x) else float(t)


def assert_close(got, expected):
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected)
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-7)
    else:
        assert np.shape(got) == np.shape(expected)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("label, fn, args, wrt", PROGRAMS, ids=IDS)
def test_jvp_of_each_argument_matches_finite_differences(label, fn, args, wrt):
    rng = rng_for(label)
    for i in wrt:
        t = random_tangent(args[i], rng)
        value, tangent = s2sad.jvp(fn, wrt=i)(*args, t)
        expected_value = fn(*args)
        assert_close(value, expected_value if not isinstance(expected_value, tuple)
                     else tuple(expected_value))
        assert_close(tangent, fd_directional(fn, args, [i], [t]))


@pytest.mark.parametrize("label, fn, args, wrt", PROGRAMS, ids=IDS)
def test_jvp_along_all_arguments_at_once(label, fn, args, wrt):
    rng = rng_for("all" + label)
    tangents = [random_tangent(args[i], rng) for i in wrt]
    _, tangent = s2sad.jvp(fn, wrt=wrt)(*args, *tangents)
    assert_close(tangent, fd_directional(fn, args, wrt, tangents))


JACOBIANS = [p for p in PROGRAMS if p[1] not in (cf.two_outputs_in_loop,
                                                  cf.tuple_returns_in_branches)]


@pytest.mark.parametrize("label, fn, args, wrt", JACOBIANS, ids=[p[0] for p in JACOBIANS])
def test_jacobian_in_both_modes_matches_finite_differences(label, fn, args, wrt):
    i = wrt[-1]
    expected = fd_jacobian(fn, args, i)
    forward = s2sad.jacobian(fn, wrt=i, mode="forward")(*args)
    reverse = s2sad.jacobian(fn, wrt=i, mode="reverse")(*args)
    assert np.shape(forward) == np.shape(reverse) == expected.shape
    np.testing.assert_allclose(forward, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(forward, reverse, rtol=1e-10, atol=1e-12)


def test_tuple_output_through_a_loop_gives_a_tuple_of_tangents():
    value, (a_dot, b_dot) = s2sad.jvp(cf.two_outputs_in_loop)(0.4, 4, 1.0)
    assert value == cf.two_outputs_in_loop(0.4, 4)
    expected = fd_directional(cf.two_outputs_in_loop, [0.4, 4], [0], [1.0])
    np.testing.assert_allclose((a_dot, b_dot), expected, rtol=1e-6)


# ----------------------------------------------------------- more programs

def carried_starts_constant(x, n):
    s = 0.0
    p = 1.0
    for i in range(n):
        p = p * 0.5
        s = s + p * np.sin(x * i)
    return s + p


def zero_on_one_branch(x):
    if x > 0.0:
        y = x * x
    else:
        y = 0.0
    return y * 3.0


def buffer_filled_in_loop(w, n):
    out = np.zeros(n)
    for i in range(n):
        out[i] = np.sin(w * i)
    return out * w


def write_in_branch_in_loop(x):
    y = np.zeros(4)
    for i in range(4):
        if i % 2 == 0:
            y[i] = x[i] * x[i]
        else:
            y[i] = 1.0
    return np.sum(y * x)


def vector_state_in_while(x):
    v = x * 1.0
    n = 0
    while np.sum(v * v) < 10.0:
        v = v * 1.3 + 0.1
        n = n + 1
    return v


def broadcast_carried(x, c):
    total = x
    for i in range(3):
        total = total + c
    return total


EXTRA = [
    ("carried_starts_constant", carried_starts_constant, [0.8, 4], (0,)),
    ("carried_starts_constant_zero_trips", carried_starts_constant, [0.8, 0], (0,)),
    ("zero_on_one_branch_pos", zero_on_one_branch, [0.6], (0,)),
    ("zero_on_one_branch_neg", zero_on_one_branch, [-0.6], (0,)),
    ("buffer_filled_in_loop", buffer_filled_in_loop, [0.7, 5], (0,)),
    ("write_in_branch_in_loop", write_in_branch_in_loop, [np.array([0.3, -1.2, 0.8, 2.0])],
     (0,)),
    ("vector_state_in_while", vector_state_in_while, [np.array([0.5, -0.4, 1.1])], (0,)),
    ("broadcast_carried", broadcast_carried, [0.5, np.array([1.0, 2.0, 3.0])], (0, 1)),
]


@pytest.mark.parametrize("label, fn, args, wrt", EXTRA, ids=[p[0] for p in EXTRA])
def test_more_control_flow_in_forward_mode(label, fn, args, wrt):
    rng = rng_for(label)
    for i in wrt:
        t = random_tangent(args[i], rng)
        value, tangent = s2sad.jvp(fn, wrt=i)(*args, t)
        np.testing.assert_allclose(value, fn(*args))
        assert_close(tangent, fd_directional(fn, args, [i], [t]))


# ------------------------------------------------------- the generated code

def body_of(text):
    return text[text.index("def "):]


def test_tangents_go_inline_in_the_loop_body_without_a_tape():
    text = s2sad.jvp(cf.scalar_loop).source
    assert body_of(text) == '''def scalar_loop_jvp(x, n, x_dot):
    # line 7: for i in range(n):
    x_1 = x
    x_1_dot = x_dot
    for i in range(n):
        # line 8: x = 0.99 * x + np.sin(x)
        mul = 0.99 * x_1
        mul_dot = 0.99 * x_1_dot
        sin = np.sin(x_1)
        sin_dot = x_1_dot * np.cos(x_1)
        x_2 = mul + sin
        x_2_dot = mul_dot + sin_dot
        # line 7: for i in range(n):
        x_1 = x_2
        x_1_dot = x_2_dot
    return x_1, unshared(x_1_dot, (x_dot,))
'''
    # (after no trip x_1_dot is the caller's own tangent: it is copied, not handed back)
    assert "tape" not in text and "Stack" not in text


def test_carried_name_constant_on_entry_gets_a_zero_tangent_before_the_loop():
    text = s2sad.jvp(cf.while_loop).source
    loop = text.index("while cond:")
    assert text.index("s_dot = 0.0") < loop
    assert "s_dot = s_dot + x_2_dot" in text[loop:]


def test_tangent_zero_on_one_branch_is_materialized_there():
    text = s2sad.jvp(zero_on_one_branch).source
    then_part, else_part = body_of(text).split("else:")
    assert "y_1_dot = x_dot * x + x * x_dot" in then_part
    assert "        y_1 = 0.0\n        y_1_dot = 0.0\n" in else_part


def test_merge_of_branches_copies_tangents_in_both_branches():
    text = s2sad.jvp(cf.one_sided_branch, wrt="w").source
    then_part, else_part = body_of(text).split("else:")
    assert "y_2_dot = 3.0 * y_dot" in then_part
    assert "y_2_dot = y_dot" in else_part


def test_array_written_in_a_loop_keeps_one_private_tangent():
    text = s2sad.jvp(buffer_filled_in_loop).source
    loop = text.index("\n    for i in range(n):")
    assert text.index("out_dot = zeros_like(out)") < loop
    assert "out_dot[i] = sin_dot" in text[loop:]
    assert text.count("out_dot = ") == 1     # allocated once, written in place


def test_generation_is_deterministic():
    for fn in (cf.nested_break, cf.rnn, cf.return_in_loop):
        first = s2sad.source(fn, mode="forward")
        assert s2sad.source(fn, mode="forward") == first
        from s2sad.api.core import CACHE
        CACHE.clear()
        assert s2sad.source(fn, mode="forward") == first


# ------------------------------------------- calls of the user's own functions

import call_functions as calls  # noqa: E402

RC = np.random.default_rng(12)
WC, XC = RC.normal(size=(3, 3)), RC.normal(size=3)
CALLS = [
    ("helpers", calls.uses_helpers, [WC, XC], (0, 1)),
    ("recursion", calls.power, [1.3, 4], (0,)),
    ("recursion_base_case", calls.power, [1.3, 0], (0,)),
    ("calls_in_a_loop", calls.loop_calls, [0.3, 5], (0,)),
    ("keywords_and_defaults", calls.keyword_and_default, [WC, XC], (0, 1)),
    ("same_argument_twice", calls.same_argument_twice, [0.7], (0,)),
    ("closure", calls.calls_closure, [XC], (0,)),
    ("tuple_result_indexed", calls.vector_helper, [XC], (0,)),
    ("varargs", calls.uses_varargs, [0.3, 1.1], (0, 1)),
    ("lambdas", calls.with_lambda, [XC, 0.7], (0, 1)),
    ("nested_def", calls.with_def, [XC, 0.8], (0, 1)),
]


@pytest.mark.parametrize("label, fn, args, wrt", CALLS, ids=[p[0] for p in CALLS])
def test_jvp_through_calls_of_user_functions(label, fn, args, wrt):
    rng = rng_for("calls" + label)
    tangents = [random_tangent(args[i], rng) for i in wrt]
    value, tangent = s2sad.jvp(fn, wrt=wrt)(*args, *tangents)
    np.testing.assert_allclose(value, fn(*args))
    assert_close(tangent, fd_directional(fn, args, wrt, tangents))
    for i, t in zip(wrt, tangents):     # one argument at a time: other activity patterns
        _, tangent = s2sad.jvp(fn, wrt=i)(*args, t)
        assert_close(tangent, fd_directional(fn, args, [i], [t]))


def test_each_callee_jvp_is_generated_once_and_takes_tangents_by_name():
    text = s2sad.jvp(calls.keyword_and_default, wrt="W").source
    assert text.count("def affine_jvp_W(W, x, b=0.5, *, W_dot):") == 1
    assert "affine_1, affine_1_dot = affine_jvp_W(W, x, b=-0.25, W_dot=W_dot)" in text
    assert "affine_2, affine_2_dot = affine_jvp_W(x=x, W=W, W_dot=W_dot)" in text
