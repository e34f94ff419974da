"""Issue 11, class 2 (more): which arrays share memory, found by a new user.

1. An argument the function writes into that is also a module global (or a closure
   value) the function reads: s2sad writes into a copy, so the global would not see
   the write.  Refused when the code runs, in every mode and in the CLI's modules.
2. ``x op= ...`` on an argument: computed into a new value (the caller's array stays
   as it is), and differentiated, not refused.
3. ``old = y[1]`` of a 1-D array is a number, not a view: writing into ``y`` later is
   differentiated; a view (a slice, a partial index) is still refused.
4. A name rebound on every loop trip before it is read is not "read later".
5. A helper whose every return allocates leaves its argument free.
6. Messages that name the real alias; tuple assignment into subscripts.

References: Python's own call for the value, central finite differences (or a
hand-derived derivative) for the derivatives, in reverse, forward and second order.
"""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedArgumentsError, UnsupportedSyntaxError
from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

def _copies(args):
    return [np.array(a) if isinstance(a, np.ndarray) else a for a in args]


def _check(f, *args):
    """Value against Python's own call, gradient (reverse) and tangent (forward) against
    central finite differences, the Hessian-vector product against finite differences
    of the gradient.  Every call gets fresh copies: f may write into its arguments."""
    args = [np.array(a, dtype=float) if isinstance(a, np.ndarray) else a for a in args]
    expected = f(*_copies(args))
    value, grads = s2sad.value_and_grad(f, wrt=tuple(range(len(args))))(*_copies(args))
    np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    for i, grad in enumerate(grads):
        np.testing.assert_allclose(grad, finite_difference_gradient(f, _copies(args), i),
                                   rtol=1e-6, atol=1e-7)
    x, rest = args[0], args[1:]
    v = np.linspace(0.3, 1.1, np.size(x)).reshape(np.shape(x)) if np.ndim(x) else 0.7
    primal, tangent = s2sad.jvp(f)(*_copies(args), v)
    np.testing.assert_allclose(primal, expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tangent, np.sum(grads[0] * v), rtol=1e-6, atol=1e-7)
    grad = s2sad.grad(f)
    eps = 1e-5
    fd = (np.asarray(grad(*_copies([x + eps * v] + rest)))
          - np.asarray(grad(*_copies([x - eps * v] + rest)))) / (2 * eps)
    np.testing.assert_allclose(s2sad.hvp(f)(*_copies(args), v), fd, rtol=1e-5, atol=1e-6)


# ------------------------------------------------ 1. an argument that is a global too

G = np.array([0.3, -0.7, 1.1, 0.5])


def writes_into_an_argument_and_reads_a_global(a):
    a[0] = a[1] * 3.0
    return np.sum(a * G)


def updates_an_argument_and_reads_a_global(a):
    a *= 2.0
    return np.sum(a * G)


def _reads_the_global(v):
    return np.sum(v * G)


def writes_into_an_argument_a_helper_reads_as_a_global(a):
    a[0] = a[1] * 3.0
    return _reads_the_global(a)


def _closure():
    W = np.array([0.3, -0.7, 1.1, 0.5])

    def writes_and_reads_a_closure_value(a):
        a[0] = a[1] * 3.0
        return np.sum(a * W)
    return writes_and_reads_a_closure_value, W


GLOBAL_CALLS = [
    ("grad", lambda f, a: s2sad.grad(f)(a)),
    ("value_and_grad", lambda f, a: s2sad.value_and_grad(f)(a)),
    ("vjp", lambda f, a: s2sad.vjp(f)(a)),
    ("jvp", lambda f, a: s2sad.jvp(f)(a, np.ones(4))),
    ("hvp", lambda f, a: s2sad.hvp(f)(a, np.ones(4))),
    ("hessian", lambda f, a: s2sad.hessian(f)(a)),
]


@pytest.mark.parametrize("mode, call", GLOBAL_CALLS, ids=[m for m, _ in GLOBAL_CALLS])
@pytest.mark.parametrize("func", [writes_into_an_argument_and_reads_a_global,
                                  updates_an_argument_and_reads_a_global,
                                  writes_into_an_argument_a_helper_reads_as_a_global])
def test_an_argument_that_is_a_global_the_function_reads_is_refused(func, mode, call):
    # Python: f(G) = 6.36 (G itself changes); the copy on entry gave 1.32, silently
    before = G.copy()
    for given in (G, G[:], G[::-1]):
        with pytest.raises(SharedArgumentsError) as info:
            call(func, given)
        message = str(info.value)
        assert f"{func.__name__} writes into its argument 'a' (line " \
               f"{func.__code__.co_firstlineno + 1})" in message, message
        assert "'G', a global or closure value" in message and "hint:" in message, message
    np.testing.assert_array_equal(G, before)


@pytest.mark.parametrize("mode, call", GLOBAL_CALLS, ids=[m for m, _ in GLOBAL_CALLS])
def test_an_argument_that_is_a_closure_value_is_refused(mode, call):
    f, W = _closure()
    with pytest.raises(SharedArgumentsError, match="'W', a global or closure value"):
        call(f, W)


def test_an_argument_apart_from_the_globals_is_differentiated():
    _check(writes_into_an_argument_and_reads_a_global, G.copy())
    _check(updates_an_argument_and_reads_a_global, G.copy())
    _check(writes_into_an_argument_a_helper_reads_as_a_global, G.copy())
    f, W = _closure()
    _check(f, W.copy())
    # f(a) = 3 a1 G0 + sum_{i>0} a_i G_i: by hand
    grad = s2sad.grad(writes_into_an_argument_and_reads_a_global)(G.copy())
    np.testing.assert_allclose(grad, [0.0, 3 * G[0] + G[1], G[2], G[3]])


def test_the_global_check_costs_nothing_without_writes():
    def reads_a_global(a):
        return np.sum(a * G)
    assert "ensure_unshared" not in s2sad.source(reads_a_global)
    np.testing.assert_allclose(s2sad.grad(reads_a_global)(G), G)


CLI_MODULE = textwrap.dedent("""\
    import numpy as np

    G = np.array([0.3, -0.7, 1.1, 0.5])


    def g(a):
        a[0] = a[1] * 3.0
        return np.sum(a * G)
    """)


@pytest.mark.parametrize("flags", [[], ["--flavor", "vjp"], ["--mode", "forward"],
                                   ["--mode", "forward", "--flavor", "hvp"]])
def test_cli_modules_check_the_globals_too(tmp_path, flags):
    (tmp_path / "model.py").write_text(CLI_MODULE, encoding="utf-8")
    done = s2sad_command(["grad", "model.py:g", *flags,
                           "-o", "g_d.py"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    script = textwrap.dedent("""\
        import numpy as np
        import g_d, model
        from s2sad.errors import SharedArgumentsError
        fn = [getattr(g_d, n) for n in dir(g_d) if n.startswith("g_")][0]
        extra = [np.ones(4)] if fn.__name__.endswith(("jvp", "hvp")) else []
        try:
            fn(model.G, *extra)
        except SharedArgumentsError as exc:
            print("refused:", exc)
        fn(model.G.copy(), *extra)
        """)
    run = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stderr
    assert "refused: g writes into its argument 'a' (line 7)" in run.stdout, run.stdout


# ------------------------------------------------ 2. op= on an argument

def scales_an_argument(x):
    x *= 2.0
    return np.sum(x * x)


def adds_the_sine_of_an_argument(x):
    x += np.sin(x)
    return np.sum(x ** 2)


def shifts_a_number(x):
    x -= 0.5
    return x ** 2


def updates_one_argument_reads_another(x, y):
    x *= y
    x += 1.0
    return np.sum(x * y)


def test_an_argument_updated_with_op_equals_is_differentiated():
    X = np.array([0.4, -1.2, 0.9])
    _check(scales_an_argument, X)
    _check(adds_the_sine_of_an_argument, X)
    _check(updates_one_argument_reads_another, X, np.array([1.5, 0.2, -0.6]))
    # f(x) = (x - 0.5)^2 for a float: f' = 2 (x - 0.5), f'' = 2, by hand
    value, grad = s2sad.value_and_grad(shifts_a_number)(0.7)
    assert value == pytest.approx(0.04) and grad == pytest.approx(0.4)
    assert isinstance(grad, float)
    assert s2sad.jvp(shifts_a_number)(0.7, 1.0)[1] == pytest.approx(0.4)
    assert s2sad.hvp(shifts_a_number)(0.7, 1.0) == pytest.approx(2.0)
    # the caller's array is left as it is (s2sad never changes the caller's arrays)
    np.testing.assert_array_equal(X, [0.4, -1.2, 0.9])


def test_an_argument_updated_and_shared_with_another_is_refused():
    A = np.array([1.0, 2.0, 3.0])
    with pytest.raises(SharedArgumentsError, match="its argument 'y'"):
        s2sad.grad(updates_one_argument_reads_another)(A, A)
    # numbers share nothing
    assert s2sad.grad(updates_one_argument_reads_another, wrt=(0, 1))(0.5, 0.5) is not None


def keeps_the_argument_under_another_name(x):
    y = x
    x *= 2.0
    return np.sum(y)


def test_an_update_another_name_sees_is_still_refused():
    # Python: y is x, so y doubles too; s2sad must not give sum(x)
    with pytest.raises(UnsupportedSyntaxError):
        s2sad.grad(keeps_the_argument_under_another_name)(np.array([1.0, 2.0]))


# ------------------------------------------------ 5. helpers whose every return allocates

def _zeros_then_item(v):
    w = np.zeros_like(v)
    w[0] = v[0]
    return w


def _product_then_item(v):
    w = v * 1.0
    w[0] = 0.0
    return w


def _copy_then_item(v):
    w = np.copy(v)
    w[1] = 2.0
    return w


def _array_of(v):
    return np.array(v)


def _clipped(v):
    return np.clip(v, -10, 10)


def _method_copy(v):
    return v.copy()


def _slice_of(v):
    return v[0:3]


def _writes_into_the_result(h):
    def f(x):
        a = x * 1.0
        z = h(a)
        z[1] = z[0] * 3.0
        return np.sum(z * a) + np.sum(a ** 2)
    return f


@pytest.mark.parametrize("helper", [_zeros_then_item, _product_then_item, _copy_then_item,
                                    _array_of, _clipped, _method_copy])
def test_a_helper_that_allocates_leaves_its_argument_free(helper):
    _check(_writes_into_the_result(helper), np.array([0.3, -0.7, 1.1, 0.5]))


def test_a_helper_returning_a_view_is_still_refused():
    with pytest.raises(UnsupportedSyntaxError, match="'a'"):
        s2sad.grad(_writes_into_the_result(_slice_of))(np.array([0.3, -0.7, 1.1, 0.5]))


# ------------------------------------------------ 4. a name rebound before it is read again

def rebinds_new_each_trip(x):
    h = x * 1.0
    for t in range(3):
        new = np.tanh(h)
        h = new
        h[0] = 0.0
    return np.sum(h * x)
def rebinds_next_each_trip(x):
    cur = x * 0.5
    for t in range(3):
        nxt = cur * x + 1.0
        cur = nxt
        cur[0] = cur[1] * 0.5
    return np.sum(cur)
def aliases_a_fresh_array_each_trip(x):
    s = 0.0
    for t in range(2):
        y = x * 2.0
        z = y
        z[0] = x[1]
        s = s + np.sum(z * x)
    return s
def reads_the_alias_on_the_next_trip(x):
    h = x * 1.0
    new = x * 2.0
    for t in range(3):
        h = new * 1.0 + np.sum(new)
        new = h
        h[0] = 0.0
    return np.sum(h * x)


@pytest.mark.parametrize("func", [rebinds_new_each_trip, rebinds_next_each_trip,
                                  aliases_a_fresh_array_each_trip])
def test_a_name_rebound_before_any_read_is_not_read_later(func):
    _check(func, np.array([0.3, -0.7, 1.1, 0.5]))


def test_a_name_read_on_the_next_trip_is_still_refused():
    # 'new' holds h's array when h[0] = 0.0 writes, and the next trip reads it first
    with pytest.raises(UnsupportedSyntaxError, match="'new'"):
        s2sad.grad(reads_the_alias_on_the_next_trip)(np.array([0.3, -0.7, 1.1, 0.5]))


def read_in_one_branch_later(x, flag):
    y = x * 1.0
    z = y
    z[0] = 2.0
    if flag > 0:
        return np.sum(y * x)
    y = x * 3.0
    return np.sum(y * x)


def test_a_read_on_one_path_counts():
    # y holds z's array and is read on one path before any rebinding: still refused
    with pytest.raises(UnsupportedSyntaxError, match="'y'"):
        s2sad.grad(read_in_one_branch_later)(np.array([1.0, 2.0]), 1.0)


# ------------------------------------------------ 3. an item read is a number, not a view

def keeps_an_item_then_writes(x):
    y = x.copy()
    old = y[1]
    y[1] = old * 2.0 + x[0]
    return np.sum(y ** 2) + old


def keeps_an_element_of_a_matrix(x):
    Y = np.outer(x, x)
    corner = Y[0, 1]
    Y[0, 1] = corner * 3.0
    return np.sum(Y) + corner


def keeps_a_fancy_index(x):
    y = x * 2.0
    picked = y[[0, 2]]
    y[0] = 7.0
    return np.sum(y * x) + np.sum(picked * x[1])


def keeps_an_item_by_a_computed_index(x):
    y = x * 1.0
    k = len(x) - 1
    last = y[k]
    y[k] = last ** 2
    return np.sum(y) * last


@pytest.mark.parametrize("func", [keeps_an_item_then_writes, keeps_an_element_of_a_matrix,
                                  keeps_a_fancy_index, keeps_an_item_by_a_computed_index])
def test_an_item_copied_out_of_an_array_is_differentiated(func):
    _check(func, np.array([0.3, -0.7, 1.1, 0.5]))


def keeps_a_row(X):
    Y = X * 1.0
    row = Y[0]
    Y[0, 1] = 5.0
    return np.sum(row * X)


def writes_into_a_row(X):
    Y = X * 1.0
    row = Y[1]
    row[0] = 5.0
    return np.sum(Y * X)


def keeps_a_slice(x):
    y = x * 1.0
    head = y[0:2]
    y[0] = 5.0
    return np.sum(head * x[0:2])


@pytest.mark.parametrize("func", [keeps_a_row, writes_into_a_row])
def test_a_row_of_a_matrix_is_a_view_and_refused_where_it_is_written(func):
    X = np.arange(6.0).reshape(2, 3)
    for call in (lambda: s2sad.grad(func)(X), lambda: s2sad.jvp(func)(X, np.ones((2, 3))),
                 lambda: s2sad.hvp(func)(X, np.ones((2, 3)))):
        with pytest.raises(UnsupportedSyntaxError) as info:
            call()
        where = info.value.location
        assert where.line == func.__code__.co_firstlineno + 3, str(info.value)
        assert "'row'" in str(info.value) and "hint:" in str(info.value)
    # the same code over a vector: y[0] is a number and row[0] = ... is a TypeError in
    # Python; keeps_a_row over a vector fails in numpy too (Y[0, 1]), so neither applies


def test_a_slice_is_still_refused_when_the_code_is_generated():
    with pytest.raises(UnsupportedSyntaxError, match="'head'"):
        s2sad.source(keeps_a_slice)


# ------------------------------------------------ 6. messages that name the real alias

def _pair(v):
    return v, 2.0


def writes_into_the_first_of_a_pair(x):
    a = x * 1.0
    z, k = _pair(a)
    z[0] = 1.0
    return np.sum(a * x) * k


def writes_into_a_copy_of_the_first_of_a_pair(x):
    a = x * 1.0
    z, k = _pair(a)
    z = np.copy(z)
    z[0] = 1.0
    return np.sum(a * x) * k + np.sum(z * x)


def test_the_message_names_the_array_the_helper_was_given():
    # decided when the code runs (a helper's result, as a plain name): forward mode at
    # the write, reverse mode at the call, which it differentiates on a copy of 'a'
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.jvp(writes_into_the_first_of_a_pair)(np.array([1.0, 2.0]), np.ones(2))
    message = str(info.value)
    assert "may also change 'a'" in message and "'k'" not in message, message
    assert "z = np.copy(z)" in message   # the hint, which the next function follows
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(writes_into_the_first_of_a_pair)(np.array([1.0, 2.0]))
    message = str(info.value)
    assert "here 'a'" in message and "'k'" not in message, message
    assert "_pair(np.copy(a))" in message, message
    _check(writes_into_a_copy_of_the_first_of_a_pair, np.array([0.3, -0.7, 1.1]))


def writes_into_an_item_of_a_tuple_argument(p):
    a, b = p
    a[0] = 3.0
    return np.sum(a * b)


def writes_into_a_copy_of_an_item(p):
    a, b = p
    a = np.copy(a)
    a[0] = 3.0
    return np.sum(a * b)


def test_an_item_of_a_tuple_argument_names_the_argument():
    p = (np.array([1.0, 2.0]), np.array([3.0, 5.0]))
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(writes_into_an_item_of_a_tuple_argument)(p)
    message = str(info.value)
    assert "the caller's array 'p'" in message and "'b'" not in message, message
    assert "a = np.copy(a)" in message
    # following the hint: f = 3 b0 + a1 b1; d/db = (3, a1), d/da = (0, b1), by hand
    value, grad = s2sad.value_and_grad(writes_into_a_copy_of_an_item)(p)
    assert value == pytest.approx(writes_into_a_copy_of_an_item(p))
    np.testing.assert_allclose(grad[0], [0.0, 5.0])
    np.testing.assert_allclose(grad[1], [3.0, 2.0])


def item_of_an_item_from_a_pair_of_arrays(x):
    y = x * 1.0
    w = x * 2.0
    t = (y, w)
    u, v = t
    u[0] = 5.0
    return np.sum(v * x) + np.sum(u)


def the_same_array_twice(x):
    y = x * 1.0
    t = (y, y)
    u, v = t
    u[0] = 5.0
    return np.sum(v * x) + np.sum(u)


def test_items_of_a_local_tuple_are_decided_by_their_values():
    # u and v are two arrays: differentiated; the same array twice: refused when it runs
    _check(item_of_an_item_from_a_pair_of_arrays, np.array([0.3, -0.7, 1.1]))
    with pytest.raises(UnsupportedSyntaxError, match="'v'"):
        s2sad.grad(the_same_array_twice)(np.array([0.3, -0.7, 1.1]))


def swaps_two_items(x):
    y = x * 1.0
    y[1], y[2] = y[2], y[1]
    return np.sum(y * x)


def stores_items_and_a_name(x):
    y = x * 2.0
    s, y[0], y[2] = np.sum(x), x[1] ** 2, y[0]
    return np.sum(y * x) * s


def stores_items_of_a_tuple(x):
    y = x * 1.0
    t = (np.sin(x[0]), x[2] * x[1])
    y[0], y[1] = t
    return np.sum(y * y)


def swaps_two_rows(X):
    Y = X * 1.0
    Y[0], Y[1] = Y[1], Y[0]
    return np.sum(Y * X)


def swaps_two_row_copies(X):
    Y = X * 1.0
    Y[0], Y[1] = Y[1].copy(), Y[0].copy()
    return np.sum(Y * X)


@pytest.mark.parametrize("func", [swaps_two_items, stores_items_and_a_name,
                                  stores_items_of_a_tuple])
def test_tuple_assignment_into_items(func):
    _check(func, np.array([0.3, -0.7, 1.1, 0.5]))


def test_tuple_assignment_of_rows_that_are_views_is_refused_when_it_runs():
    X = np.arange(6.0).reshape(2, 3)
    with pytest.raises(UnsupportedSyntaxError, match="a view of 'Y'") as info:
        s2sad.grad(swaps_two_rows)(X)
    assert info.value.location.line == swaps_two_rows.__code__.co_firstlineno + 2
    with pytest.raises(UnsupportedSyntaxError, match="a view of 'Y'"):
        s2sad.jvp(swaps_two_rows)(X, np.ones((2, 3)))
    # the hint's copies: the rows swap; f = sum(Y * X) with Y = X swapped: grad = 2 X swapped
    _check(swaps_two_row_copies, X)
    np.testing.assert_allclose(s2sad.grad(swaps_two_row_copies)(X), 2 * X[::-1])


def unpacks_a_nested_pair(x):
    (a, b), c = (x[0], x[1]), x[2]
    return a * b * c


def unpacks_a_nested_pair_into_an_item(x):
    y = np.zeros(2)
    (y[0], b), c = (x[0], x[1]), x[2]
    return y[0] * b * c


def test_nested_unpacking():
    # into names and into an item of an array (refused before issue 15): grad of a * b * c
    for f in (unpacks_a_nested_pair, unpacks_a_nested_pair_into_an_item):
        np.testing.assert_allclose(s2sad.grad(f)(np.array([1.0, 2.0, 3.0])), [6.0, 3.0, 2.0])


def updates_an_argument_in_a_loop(x):
    for i in range(3):
        x *= 1.1
        x += np.sin(x)
    return np.sum(x ** 2)


def keeps_the_argument_then_updates_it_in_a_loop(x):
    y = x
    for i in range(3):
        x *= 2.0
    return np.sum(y * y)


def test_an_argument_updated_in_a_loop():
    _check(updates_an_argument_in_a_loop, np.array([0.3, -0.7]))
    # y is x: Python's y is 8x at the end; refused rather than differentiated as sum(x*x)
    with pytest.raises(UnsupportedSyntaxError, match="'y'"):
        s2sad.grad(keeps_the_argument_then_updates_it_in_a_loop)(np.array([0.3, -0.7]))


def local_function_writes_into_a_captured_array(x):
    a = x * 1.0
    b = a

    def g():
        a[0] = 5.0
        return 1.0
    c = g()
    return np.sum(b * x) * c


def test_a_write_in_a_local_function_reaches_the_callers_names():
    # b is a: b[0] becomes 5, f = 5 x0 + x1^2: grad (5, 2 x1), by hand
    x = np.array([1.0, 2.0])
    value, grad = s2sad.value_and_grad(local_function_writes_into_a_captured_array)(x)
    assert value == pytest.approx(local_function_writes_into_a_captured_array(x.copy()))
    np.testing.assert_allclose(grad, [5.0, 4.0])


def swaps_items_of_an_argument(x):
    x[0], x[2] = x[2] * 2.0, x[0]
    return np.sum(x * np.arange(1.0, 5.0)) * x[0]


def rotates_items_in_a_loop(x):
    y = x * 1.0
    for i in range(3):
        y[0], y[1], y[2] = y[1], y[2], y[0] * x[3]
    return np.sum(y * y)


@pytest.mark.parametrize("func", [swaps_items_of_an_argument, rotates_items_in_a_loop])
def test_tuple_assignment_into_an_argument_and_in_loops(func):
    _check(func, np.array([0.3, -0.7, 1.1, 0.5]))


# ------------------------------------------------ may alias on one path only

def updates_a_name_that_may_be_another(x):
    a = x * 1.0
    b = a if x[0] > 0 else x * 3.0
    b += x
    return np.sum(a * x) + np.sum(b)


def writes_a_name_bound_in_one_branch(x):
    a = x * 1.0
    if x[0] > 0:
        b = a
    else:
        b = x * 3.0
    b[1] = x[2] ** 2
    return np.sum(a * x) + np.sum(b * x)


def carries_an_alias_on_some_trips(x, n):
    a = x * 1.0
    b = x * 2.0
    for i in range(n):
        b[0] = b[0] * x[1]
        b = a
    return np.sum(a * x) + np.sum(b)


@pytest.mark.parametrize("func", [updates_a_name_that_may_be_another,
                                  writes_a_name_bound_in_one_branch])
def test_a_name_that_may_alias_is_decided_on_the_path_taken(func):
    # the path that shares: refused when it runs, at the write, in every mode
    sharing = np.array([0.3, -0.7, 1.1])
    line = func.__code__.co_firstlineno + (3 if func is updates_a_name_that_may_be_another
                                          else 6)
    for call in (lambda: s2sad.grad(func)(sharing.copy()),
                 lambda: s2sad.jvp(func)(sharing.copy(), np.ones(3)),
                 lambda: s2sad.hvp(func)(sharing.copy(), np.ones(3))):
        with pytest.raises(UnsupportedSyntaxError, match="'a'") as info:
            call()
        assert info.value.location.line == line
    # the path that makes a new array: differentiated
    _check(func, np.array([-0.3, -0.7, 1.1]))


def test_a_loop_carried_alias_is_decided_on_the_trips_taken():
    x = np.array([0.3, -0.7, 1.1])
    for n in (0, 1):   # the write happens before b holds a
        value, grad = s2sad.value_and_grad(carries_an_alias_on_some_trips)(x.copy(), n)
        assert value == pytest.approx(carries_an_alias_on_some_trips(x.copy(), n))
        np.testing.assert_allclose(
            grad, finite_difference_gradient(carries_an_alias_on_some_trips, [x, n]),
            rtol=1e-6, atol=1e-7)
    with pytest.raises(UnsupportedSyntaxError, match="'a'"):   # trip 2 writes into a
        s2sad.grad(carries_an_alias_on_some_trips)(x.copy(), 2)


def writes_the_last_row_after_the_loop(X, w):
    Y = np.sin(X)
    s = 0.0
    for row in Y:
        s = s + np.sum(row * w)
    row[0] = w[0] * 3.0
    return s + np.sum(row * row)


def writes_the_last_row_then_reads_the_matrix(X, w):
    Y = np.sin(X)
    s = 0.0
    for row in Y:
        s = s + np.sum(row * w)
    row[0] = w[0] * 3.0
    return s + np.sum(row * row) + np.sum(Y * Y)


def test_a_loop_target_written_after_its_loop():
    # (found by a stranger) the path where the loop ran no trip (row unbound) was
    # taken for an array defined outside the function: a false refusal naming 'UNBOUND'
    X = np.array([[0.1, 0.2, 0.3], [0.4, -0.5, 0.6], [0.7, 0.8, -0.9]])
    w = np.array([0.3, -0.2, 0.5])
    expected = finite_difference_gradient(writes_the_last_row_after_the_loop, (X, w), argnum=1)
    np.testing.assert_allclose(s2sad.grad(writes_the_last_row_after_the_loop, wrt=1)(X, w),
                               expected, rtol=1e-6, atol=1e-8)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(writes_the_last_row_then_reads_the_matrix, wrt=1)(X, w)
    assert "may also change 'Y'" in str(info.value) and "UNBOUND" not in str(info.value)
