"""Issue 11, class 2 and one item of class 4: which arrays share memory.

A write through a name (``b[i] = v``, ``b[i] += v``, ``b += v``) changes every
array that shares memory with it.  When ``b`` may hold another array that is
read later (on some path: a branch, a conditional expression, ``and``/``or``,
a helper's result, a container, a loop's earlier trip, a view), s2sad refuses
the write with its location; when the arrays never share memory it
differentiates the program (checked against finite differences and
hand-derived derivatives).  Each refused program below gave a wrong gradient
(and for ``op=`` a wrong value) without a word before.

A function that writes into an argument writes into a copy of it: the same
array passed as two arguments would make it compute something Python's own
call does not, so that is refused when the code runs, in every mode.
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedArgumentsError, UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

GLOBAL = np.array([0.5, -1.0])


def _same(v):
    return v


def _head(v):
    return v[0:2]


# ---------------------------------------------------------------- may alias: refused
# each: (function, line of the write relative to the def, name that may change)

def via_conditional_expression(x):
    a = x * 1.0
    b = a if x[0] > 0 else x * 3.0
    b += x
    return np.sum(a * x)


def via_if_statement(x):
    a = x * 1.0
    if x[0] > 0:
        b = a
    else:
        b = x * 3.0
    b[0] = x[1]
    return np.sum(a * x)


def via_if_statement_update_of_an_item(x):
    a = x * 1.0
    if x[0] > 0:
        b = a
    else:
        b = x * 3.0
    b[0] += x[1]
    return np.sum(a * x)


def via_and(x):
    a = x * 1.0
    b = (x[0] > 0) and a
    b += x
    return np.sum(a * x)


def via_helper_returning_its_argument(x):
    a = x * 1.0
    b = _same(a)
    b += x
    return np.sum(a * x)


def via_helper_returning_a_view(x):
    a = x * 1.0
    b = _head(a)
    b[0] = x[1]
    return np.sum(a * x)


def via_dict_value(x):
    a = x * 1.0
    d = {"w": a, "v": x * 2.0}
    b = d["w"]
    b[0] = x[1]
    return np.sum(a * x)


def via_loop_carried_name(x):
    a = x * 1.0
    b = x * 3.0
    for i in range(2):
        b[0] = b[0] * x[1]
        b = a
    return np.sum(a * x) + np.sum(b)


def via_while_carried_name(x):
    a = x * 1.0
    b = x * 3.0
    i = 0
    while i < 2:
        b[1] = x[0]
        if i == 0:
            b = a
        i = i + 1
    return np.sum(a * x)


def via_transpose_in_a_branch(x):
    a = x * 1.0
    b = a.T if x[0] > 0 else x * 3.0
    b[0] = x[1]
    return np.sum(a * x)


def via_reshape_in_a_branch(x):
    a = x * 1.0
    b = np.reshape(a, (2,)) if x[0] > 0 else x * 3.0
    b[0] = x[1]
    return np.sum(a * x)


def via_ravel_in_a_branch(x):
    a = x * 1.0
    if x[0] > 0:
        b = a.ravel()
    else:
        b = x * 3.0
    b += x
    return np.sum(a * x)


def via_slice_in_a_branch(x):
    a = x * 1.0
    b = a[0:2] if x[0] > 0 else x * 3.0
    b *= x
    return np.sum(a * x)


MAY_ALIAS = [
    (via_conditional_expression, 3, "'a'"),
    (via_if_statement, 6, "'a'"),
    (via_if_statement_update_of_an_item, 6, "'a'"),
    (via_and, 3, "'a'"),
    (via_helper_returning_its_argument, 3, "'a'"),
    (via_helper_returning_a_view, 3, "'a'"),
    (via_dict_value, 4, "'a'"),
    (via_loop_carried_name, 4, "'a'"),
    (via_while_carried_name, 5, "'a'"),
    (via_transpose_in_a_branch, 3, "'a'"),
    (via_reshape_in_a_branch, 3, "'a'"),
    (via_ravel_in_a_branch, 6, "'a'"),
    (via_slice_in_a_branch, 3, "'a'"),
]

X = np.array([1.0, 2.0])


def _refusal(call, func, line):
    with pytest.raises(UnsupportedSyntaxError) as info:
        call()
    message = str(info.value)
    first = func.__code__.co_firstlineno
    assert f"test_semantics_alias.py:{first + line}:" in message, message
    return message


@pytest.mark.parametrize("func, line, other", MAY_ALIAS, ids=[f.__name__ for f, *_ in MAY_ALIAS])
def test_a_write_through_a_name_that_may_alias_a_live_array_is_refused(func, line, other):
    message = _refusal(lambda: s2sad.value_and_grad(func)(X.copy()), func, line)
    assert f"may also change {other}, which is read later" in message, message
    assert "hint:" in message and ("np.copy(b)" in message or "'b = b " in message), message


@pytest.mark.parametrize("func, line, other", MAY_ALIAS[:4] + MAY_ALIAS[7:9],
                         ids=[f.__name__ for f, *_ in MAY_ALIAS[:4] + MAY_ALIAS[7:9]])
def test_the_refusal_holds_in_forward_and_second_order(func, line, other):
    _refusal(lambda: s2sad.jvp(func)(X.copy(), X.copy()), func, line)
    _refusal(lambda: s2sad.hvp(func)(X.copy(), X.copy()), func, line)
    _refusal(lambda: s2sad.vjp(func)(X.copy()), func, line)


def writes_into_a_global_on_some_path(x):
    b = GLOBAL if x[0] > 0 else x * 3.0
    b[0] = x[1]
    return np.sum(b * x)


def writes_into_an_argument_on_some_path(x, y):
    b = y if x[0] > 0 else x * 3.0
    b[0] = x[1]
    return np.sum(b * x)


def test_a_write_that_may_reach_a_global_or_the_callers_array_is_refused():
    before = GLOBAL.copy()
    message = _refusal(lambda: s2sad.grad(writes_into_a_global_on_some_path)(X.copy()),
                       writes_into_a_global_on_some_path, 2)
    assert "'GLOBAL', defined outside the function" in message
    np.testing.assert_array_equal(GLOBAL, before)
    y = np.array([0.25, 4.0])
    message = _refusal(lambda: s2sad.grad(writes_into_an_argument_on_some_path)(X.copy(), y),
                       writes_into_an_argument_on_some_path, 2)
    assert "the caller's array 'y'" in message
    np.testing.assert_array_equal(y, [0.25, 4.0])


# ---------------------------------------------------------------- never alias: accepted

def fresh_on_both_paths_update(x):
    a = x * 1.0
    b = x * 2.0 if x[0] > 0 else x * 3.0
    b += x
    return np.sum(a * x) + np.sum(b * b)


def fresh_on_both_paths_store(x):
    a = x * 1.0
    if x[0] > 0:
        b = x * 2.0
    else:
        b = x * 3.0
    b[0] = x[1] * a[0]
    return np.sum(a * x) + np.sum(b * b)


def fresh_array_each_trip(x):
    b = x * 1.0
    for i in range(3):
        c = b * 2.0
        c[0] = c[0] * x[1]
        b = c
    return np.sum(b * x)


def alias_not_read_after_the_write(x):
    a = x * 1.0
    b = a if x[0] > 0 else x * 3.0
    b[0] = x[1] * x[0]
    return np.sum(b * x)


def fresh_dict_value(x):
    a = x * 1.0
    d = {"w": x * 2.0}
    b = d["w"]
    b[0] = x[1]
    return np.sum(a * x) + np.sum(b * x)


NEVER_ALIAS = [fresh_on_both_paths_update, fresh_on_both_paths_store, fresh_array_each_trip,
               alias_not_read_after_the_write, fresh_dict_value]


@pytest.mark.parametrize("func", NEVER_ALIAS, ids=[f.__name__ for f in NEVER_ALIAS])
@pytest.mark.parametrize("x", [[1.0, 2.0], [-0.5, 1.5]])
def test_writes_through_names_that_never_alias_are_differentiated(func, x):
    x = np.array(x)
    check_grads(func, (x,), modes=("reverse", "forward"))
    value, grad = s2sad.value_and_grad(func)(x.copy())
    assert value == pytest.approx(func(x.copy()))
    np.testing.assert_allclose(grad, finite_difference_gradient(func, (x.copy(),)),
                               rtol=1e-6, atol=1e-6)


def test_second_order_of_writes_that_never_alias_by_hand():
    x, v = np.array([1.0, 2.0]), np.array([0.3, -0.7])
    # f = sum(x^2) + (k + 1)^2 sum(x^2), k = 2 where x[0] > 0: H = 20 I
    np.testing.assert_allclose(s2sad.hvp(fresh_on_both_paths_update)(x, v), 20 * v)
    # b = (8 x0 x1^3, 8 x1): f = 8 x0^2 x1^3 + 8 x1^2
    x0, x1 = x
    hessian = np.array([[16 * x1 ** 3, 48 * x0 * x1 ** 2],
                        [48 * x0 * x1 ** 2, 48 * x0 ** 2 * x1 + 16]])
    np.testing.assert_allclose(s2sad.hvp(fresh_array_each_trip)(x, v), hessian @ v)
    # x0 > 0: b = (x0 x1, x1), f = x0^2 x1 + x1^2
    hessian = np.array([[2 * x1, 2 * x0], [2 * x0, 2.0]])
    np.testing.assert_allclose(s2sad.hvp(alias_not_read_after_the_write)(x, v),
                               hessian @ v)


def returns_early_or_updates(x, y):
    v = np.sum(x, axis=0)
    if y < 0.0:
        return v
    v += v
    return y * np.sum(v)


def test_a_name_returned_on_another_path_is_not_read_after_the_write():
    # found by the fuzzer (seed 7228) after the first version of the check: the
    # early return's value is set only on the path that never reaches the update
    x = np.array([[-0.6, 1.3, 1.2], [0.6, 1.1, 1.4]])
    assert s2sad.grad(returns_early_or_updates, wrt=1)(x, 0.5) == \
        pytest.approx(2 * np.sum(x))
    check_grads(returns_early_or_updates, (x, 0.5), modes=("reverse", "forward"))


def returns_early_then_aliases(x):
    a = x * 1.0
    if x[0] > 5.0:
        return np.sum(a)
    b = a if x[1] > 0 else x * 2.0
    b += x
    return np.sum(a * x)


def test_an_early_return_does_not_hide_a_later_alias():
    _refusal(lambda: s2sad.grad(returns_early_then_aliases)(X.copy()),
             returns_early_then_aliases, 5)


# -------------------------------------------- loop-carried names that trade arrays

def swap_keeps_an_alias(x):
    a = x * 1.0
    b = x * 2.0
    keep = b
    for i in range(3):
        a, b = b, a
    a[0] = x[1]
    return np.sum(keep * x)


def two_names_one_array_after_a_trip(x):
    a = x * 1.0
    b = x * 2.0
    for i in range(2):
        a = b
    a[0] = x[1]
    return np.sum(b * x)


def swap_of_one_array(x):
    a = x * 1.0
    b = a
    for i in range(2):
        a, b = b, a
    a[0] = x[1]
    return np.sum(b * x)


@pytest.mark.parametrize("func, line", [(swap_keeps_an_alias, 6),
                                        (two_names_one_array_after_a_trip, 5),
                                        (swap_of_one_array, 5)])
def test_carried_names_that_may_end_on_one_array_are_refused(func, line):
    # swap_keeps_an_alias: keep is a after an odd number of swaps; the gradient was
    # (4, 8, 2) where finite differences give (2, 9, 2)
    _refusal(lambda: s2sad.grad(func)(np.array([1.0, 2.0, 0.5])), func, line)


def ping_pong_buffers(x):
    u = x * 1.0
    v = x * 2.0
    for t in range(3):
        v[1:3] = u[0:2] * u[1:3]
        u, v = v, u
    return np.sum(u * x) + np.sum(v)


def rotates_three_arrays(x):
    a = x * 1.0
    b = x * 2.0
    c = x * 3.0
    for i in range(4):
        a, b, c = b, c, a
        a[0] = a[0] * x[1]
    return np.sum(a * b * c)


def trades_for_a_new_array(x):
    a = x * 1.0
    b = x * 2.0
    for i in range(3):
        a, b = b, a * 2.0
        a[1] = a[1] * x[0]
    return np.sum(a * b)


def swaps_then_writes(x):
    a = x * 1.0
    b = x * 2.0
    for i in range(2):
        a, b = b, a
    a[0] = x[1]
    return np.sum(a * b)


TRADING = [ping_pong_buffers, rotates_three_arrays, trades_for_a_new_array, swaps_then_writes]


@pytest.mark.parametrize("func", TRADING, ids=[f.__name__ for f in TRADING])
def test_carried_names_that_only_trade_their_arrays_are_differentiated(func):
    x = np.array([1.0, 2.0, 0.5])
    check_grads(func, (x,), modes=("reverse", "forward"))


def test_swaps_then_writes_by_hand():
    x = np.array([1.0, 2.0, 0.5])
    # two swaps: a = x, b = 2x, then a[0] = x1: f = 2 x0 x1 + 2 x1^2 + 2 x2^2
    value, grad = s2sad.value_and_grad(swaps_then_writes)(x)
    assert value == pytest.approx(2 * 1 * 2 + 2 * 4 + 2 * 0.25)
    np.testing.assert_allclose(grad, [2 * 2.0, 2 * 1.0 + 4 * 2.0, 4 * 0.5])


# ------------------------------- found on the way: pullbacks called twice, dict tangents

def test_a_pullback_gives_the_same_gradient_every_time_it_runs():
    x = np.array([1.0, 2.0])
    value, pullback = s2sad.vjp(fresh_array_each_trip)(x)
    # f = 8 x0^2 x1^3 + 8 x1^2 (see above): f' = (16 x0 x1^3, 24 x0^2 x1^2 + 16 x1)
    for _ in range(3):
        np.testing.assert_allclose(pullback(1.0), [128.0, 128.0])
    np.testing.assert_allclose(pullback(2.0), [256.0, 256.0])


def reads_an_array_from_a_dict(x):
    d = {"w": x * 2.0, "k": 3.0}
    return np.sum(d["w"] * x) * d["k"]


def test_a_dict_literal_carries_tangents():
    x, v = np.array([1.0, 2.0]), np.array([1.0, -0.5])
    # f = 6 sum(x^2): jvp = 12 x . v
    value, tangent = s2sad.jvp(reads_an_array_from_a_dict)(x, v)
    assert tangent == pytest.approx(12 * (1.0 - 1.0))
    value, tangent = s2sad.jvp(reads_an_array_from_a_dict)(x, np.array([1.0, 0.0]))
    assert tangent == pytest.approx(12.0)
    np.testing.assert_allclose(s2sad.hvp(reads_an_array_from_a_dict)(x, v), 12 * v)


# ------------------------------------------- the same array passed as two arguments

def writes_into_its_first_argument(a, b):
    a[0] = 5.0
    return np.sum(a * b)


def writes_into_an_argument_and_reads_a_list(a, bs):
    a[1] = a[0] * 2.0
    return np.sum(a * bs[0])


def writes_into_nothing(a, b):
    return np.sum(a * b)


SHARED = [
    ("grad", lambda f, a, b: s2sad.grad(f)(a, b)),
    ("value_and_grad", lambda f, a, b: s2sad.value_and_grad(f)(a, b)),
    ("grad wrt both", lambda f, a, b: s2sad.grad(f, wrt=(0, 1))(a, b)),
    ("vjp", lambda f, a, b: s2sad.vjp(f)(a, b)),
    ("jvp", lambda f, a, b: s2sad.jvp(f)(a, b, np.ones(2))),
    ("hvp", lambda f, a, b: s2sad.hvp(f)(a, b, np.ones(2))),
]


@pytest.mark.parametrize("mode, call", SHARED, ids=[m for m, _ in SHARED])
def test_an_argument_written_into_and_shared_with_another_is_refused(mode, call):
    A = np.array([1.0, 2.0])
    # Python's own call: a[0] = 5 changes b too, f(A, A) = 5 * 5 + 2 * 2 = 29; the copy
    # on entry would give 5 * 1 + 2 * 2 = 9
    for b in (A, A[::-1], A[:]):
        with pytest.raises(SharedArgumentsError) as info:
            call(writes_into_its_first_argument, A, b)
        message = str(info.value)
        line = writes_into_its_first_argument.__code__.co_firstlineno + 1
        assert f"writes_into_its_first_argument writes into its argument 'a' (line {line})" \
            in message and "its argument 'b'" in message and "hint:" in message, message
    np.testing.assert_array_equal(A, [1.0, 2.0])


def test_an_array_inside_a_list_argument_counts_too():
    A = np.array([1.0, 2.0])
    with pytest.raises(SharedArgumentsError, match="its argument 'bs'"):
        s2sad.grad(writes_into_an_argument_and_reads_a_list)(A, [A])


def test_arguments_that_do_not_share_memory_are_differentiated():
    A = np.array([1.0, 2.0])
    B = np.array([3.0, -1.0])
    # f = 5 b0 + a1 b1: d/da = (0, b1), d/db = (5, a1)
    value, (ga, gb) = s2sad.value_and_grad(writes_into_its_first_argument, wrt=(0, 1))(A, B)
    assert value == pytest.approx(15.0 - 2.0)
    np.testing.assert_allclose(ga, [0.0, -1.0])
    np.testing.assert_allclose(gb, [5.0, 2.0])
    # equal values in another array, and interleaved views that share no element
    np.testing.assert_allclose(s2sad.grad(writes_into_its_first_argument)(A, A.copy()),
                               [0.0, 2.0])
    C = np.arange(4.0)
    np.testing.assert_allclose(s2sad.grad(writes_into_its_first_argument)(C[::2], C[1::2]),
                               [0.0, 3.0])
    np.testing.assert_allclose(s2sad.jvp(writes_into_its_first_argument)(A, B, np.ones(2))[1],
                               -1.0)


def test_functions_that_write_into_no_argument_run_no_check():
    assert "ensure_unshared" not in s2sad.source(writes_into_nothing)
    assert "ensure_unshared" not in s2sad.jvp(writes_into_nothing).source
    A = np.array([1.0, 2.0])
    np.testing.assert_allclose(s2sad.grad(writes_into_nothing)(A, A), A)


MODULE = textwrap.dedent("""\
    import numpy as np


    def g(a, b):
        a[0] = 5.0
        return np.sum(a * b)
    """)


@pytest.mark.parametrize("flags", [[], ["--flavor", "vjp"], ["--mode", "forward"],
                                   ["--mode", "forward", "--flavor", "hvp"]])
def test_modules_written_by_the_command_line_check_too(tmp_path, flags):
    (tmp_path / "model.py").write_text(MODULE, encoding="utf-8")
    done = s2sad_command(["grad", "model.py:g", *flags,
                           "-o", "g_d.py"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    script = textwrap.dedent("""\
        import numpy as np
        import g_d
        from s2sad.errors import SharedArgumentsError
        fn = [getattr(g_d, n) for n in dir(g_d) if n.startswith("g_")][0]
        A = np.array([1.0, 2.0])
        extra = [np.ones(2)] if fn.__name__.endswith(("jvp", "hvp")) else []
        try:
            fn(A, A, *extra)
        except SharedArgumentsError as exc:
            print("refused:", exc)
        fn(A, A.copy(), *extra)
        """)
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert "refused: g writes into its argument 'a' (line 5)" in run.stdout, run.stdout
