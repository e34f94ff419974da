"""Issue 11, classes 1 and 5: the value a name holds after a loop (the last trip's,
after ``break`` too; unbound after a loop that ran no trip), unbound names raise as
Python does, and plain Python that must simply work.

Every derivative is compared with central finite differences (first order) or with
finite differences of a hand-written gradient (second order), never with s2sad.
"""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnboundVariableError, UnsupportedSyntaxError
from s2sad.testing import check_grads
from in_process import s2sad_command

RNG = np.random.default_rng(11)
X = RNG.normal(size=(3, 2))


def hvp_reference(grad, args, v, eps=1e-5):
    """H v from central differences of a hand-written gradient of argument 0."""
    plus = (args[0] + eps * v,) + tuple(args[1:])
    minus = (args[0] - eps * v,) + tuple(args[1:])
    return (np.asarray(grad(*plus)) - np.asarray(grad(*minus))) / (2 * eps)


def check_all(f, args, grad_of_first, wrt=0):
    """Value (against Python), reverse and forward (against finite differences) and
    second order (against finite differences of the hand-written gradient)."""
    check_grads(f, args, wrt=wrt, modes=("reverse", "forward"))
    x = np.asarray(args[0], dtype=float)
    v = np.ones_like(x) * 0.7 if x.ndim else 0.7
    expected = hvp_reference(grad_of_first, args, v)
    np.testing.assert_allclose(s2sad.hvp(f)(*args, v), expected, rtol=1e-5, atol=1e-6)
    if x.ndim == 0:
        np.testing.assert_allclose(s2sad.hessian(f)(*args), expected / 0.7,
                                   rtol=1e-5, atol=1e-6)


# ----------------------------------------------------------- class 1: loop targets

def pre_bound_range(x):
    i = 0
    for i in range(3):
        pass
    return x * x * i


def unbound_before_range(x):
    for i in range(3):
        pass
    return x * x * i


def computed_bounds(x, n):
    for i in range(n - 1, 2 * n + 1, 2):
        pass
    return x * x * i


def after_break(x):
    for i in range(5):
        if i == 2:
            break
    return x * x * i


def after_break_in_while_body(x):
    k = 0
    for i in range(6):
        k = k + 1
        if k * 2 > 5:
            break
    return x * x * (i + k)


def last_row(X):
    for row in X:
        pass
    return np.sum(row * row)


def last_row_after_break(X):
    for row in X:
        if np.sum(row) > 0.5:
            break
    return np.sum(row * row * row)


def last_list_item(x):
    for item in [x, 2.0 * x, x * x]:
        pass
    return item * x


def last_of_enumerate(X):
    for j, row in enumerate(X):
        pass
    return np.sum(row * row) * j


def last_of_zip(X):
    for a, b in zip(X, X * 2.0):
        pass
    return np.sum(a * b)


def tuple_unpacking_target(X):
    for a, b in X:
        pass
    return a * a * b


def nested_loops_reuse_name(x):
    for i in range(2):
        for i in range(4):
            pass
    return x * x * i


def inner_zero_trip_keeps_outer_value(x):
    for i in range(3):
        for i in range(0):
            pass
    return x * x * i


def loop_inside_branch(x):
    i = 10
    if x > 0:
        for i in range(3):
            pass
    return x * x * i


def sequential_loops(x):
    s = 0.0
    for i in range(3):
        s = s + x * i
    for i in range(2):
        s = s + x * x
    return s * i


def target_read_in_next_trip(x):
    s = 0.0
    for k in range(3):
        s = s + x * x * k
        for i in range(k + 1):
            pass
        s = s + x * i
    return s


def zero_trip_keeps_old_value(x, n):
    i = 7
    for i in range(n):
        pass
    return x * x * i


def grad_sq(factor):
    return lambda x, *rest: 2.0 * x * factor


LOOP_CASES = [
    (pre_bound_range, (1.5,), grad_sq(2)),
    (unbound_before_range, (1.5,), grad_sq(2)),
    (computed_bounds, (1.5, 3), grad_sq(6)),   # range(2, 7, 2): 6
    (after_break, (1.5,), grad_sq(2)),
    (after_break_in_while_body, (1.5,), grad_sq(2 + 3)),
    (last_list_item, (1.5,), lambda x: 3.0 * x * x),
    (nested_loops_reuse_name, (1.5,), grad_sq(3)),
    (inner_zero_trip_keeps_outer_value, (1.5,), grad_sq(2)),
    (loop_inside_branch, (1.5,), grad_sq(2)),
    (loop_inside_branch, (-1.5,), grad_sq(10)),
    (sequential_loops, (1.5,), lambda x: 3.0 + 4.0 * x),
    (target_read_in_next_trip, (1.5,), lambda x: 6.0 * x + 3.0),
    (zero_trip_keeps_old_value, (1.5, 0), grad_sq(7)),
    (zero_trip_keeps_old_value, (1.5, 4), grad_sq(3)),
]


@pytest.mark.parametrize("f, args, grad", LOOP_CASES,
                         ids=[f"{c[0].__name__}{c[1]}" for c in LOOP_CASES])
def test_loop_target_keeps_last_trip_value(f, args, grad):
    assert s2sad.value_and_grad(f)(*args)[0] == pytest.approx(f(*args))
    check_all(f, args, grad)
    g = s2sad.grad(f)(*args)
    assert g == pytest.approx(grad(*args), rel=1e-12)


def test_last_row_of_an_array():
    expected = np.zeros_like(X)
    expected[-1] = 2.0 * X[-1]
    value, g = s2sad.value_and_grad(last_row)(X)
    assert value == pytest.approx(np.sum(X[-1] ** 2))
    np.testing.assert_allclose(g, expected)
    check_grads(last_row, (X,), modes=("reverse", "forward"))
    v = RNG.normal(size=X.shape)
    hv = np.zeros_like(X)
    hv[-1] = 2.0 * v[-1]
    np.testing.assert_allclose(s2sad.hvp(last_row)(X, v), hv, atol=1e-12)


def test_row_after_break_is_the_row_that_broke():
    A = np.array([[0.1, 0.2], [0.4, 0.3], [-1.0, 2.0]])
    value, g = s2sad.value_and_grad(last_row_after_break)(A)
    assert value == pytest.approx(last_row_after_break(A))
    expected = np.zeros_like(A)
    expected[1] = 3.0 * A[1] ** 2
    np.testing.assert_allclose(g, expected)
    check_grads(last_row_after_break, (A,), modes=("reverse", "forward"))
    v = RNG.normal(size=A.shape)
    hv = np.zeros_like(A)
    hv[1] = 6.0 * A[1] * v[1]
    np.testing.assert_allclose(s2sad.hvp(last_row_after_break)(A, v), hv, atol=1e-12)


@pytest.mark.parametrize("f", [last_of_enumerate, last_of_zip, tuple_unpacking_target])
def test_enumerate_zip_and_unpacking_targets(f):
    grads = {
        last_of_enumerate: lambda A: np.concatenate([np.zeros((2, 2)), 4.0 * A[2:]]),
        last_of_zip: lambda A: np.concatenate([np.zeros((2, 2)), 4.0 * A[2:]]),
        tuple_unpacking_target: lambda A: np.array(
            [[0.0, 0.0], [0.0, 0.0], [2.0 * A[2, 0] * A[2, 1], A[2, 0] ** 2]]),
    }
    value, g = s2sad.value_and_grad(f)(X)
    assert value == pytest.approx(f(X))
    np.testing.assert_allclose(g, grads[f](X), rtol=1e-12)
    check_grads(f, (X,), modes=("reverse", "forward"))
    v = RNG.normal(size=X.shape)
    np.testing.assert_allclose(s2sad.hvp(f)(X, v), hvp_reference(grads[f], (X,), v),
                               rtol=1e-6, atol=1e-8)


# ----------------------------------------------------------- class 1: unbound names

def bound_in_untaken_branch(x):
    if x > 100:
        y = x
    return y


def zero_trip_unbound(x, n):
    for i in range(n):
        pass
    return x * i


def zero_trip_row(X):
    for row in X:
        pass
    return np.sum(row)


def assigned_only_in_loop(x, n):
    for i in range(n):
        last = x * i
    return last


def read_in_first_trip(x):
    for i in range(3):
        if i > 0:
            x = x + prev
        prev = x * x
    return x


UNBOUND_CASES = [
    (bound_in_untaken_branch, (1.0,), "y"),
    (zero_trip_unbound, (1.0, 0), "i"),
    (zero_trip_row, (np.zeros((0, 2)),), "row"),
    (assigned_only_in_loop, (1.0, 0), "last"),
]


@pytest.mark.parametrize("f, args, name", UNBOUND_CASES,
                         ids=[c[0].__name__ for c in UNBOUND_CASES])
def test_reading_an_unbound_name_raises_like_python(f, args, name):
    with pytest.raises(UnboundLocalError):
        f(*args)
    line = next(n for n, text in enumerate(open(__file__).read().splitlines(), 1)
                if text.startswith(f"def {f.__name__}("))
    tangent = np.ones_like(np.asarray(args[0], dtype=float))
    calls = [lambda: s2sad.value_and_grad(f)(*args), lambda: s2sad.vjp(f)(*args),
             lambda: s2sad.jvp(f)(*args, tangent)]
    for call in calls:
        with pytest.raises(UnboundVariableError) as info:
            call()
        assert isinstance(info.value, UnboundLocalError)
        text = str(info.value)
        assert f"local variable {name!r}" in text, text
        assert f"test_semantics_loops.py:{info.value.location.line}:" in text, text
        assert line < info.value.location.line < line + 6
    with pytest.raises(UnboundLocalError):
        s2sad.hvp(f)(*args, np.ones_like(np.asarray(args[0], dtype=float)))


def test_bound_on_the_path_taken_works():
    check_all(bound_in_untaken_branch, (150.0,), lambda x: 1.0)
    check_all(assigned_only_in_loop, (1.5, 3), lambda x, n: 2.0)
    check_grads(zero_trip_row, (X,), modes=("reverse", "forward"))
    # the name read in the first trip: read only from the second trip on
    check_grads(read_in_first_trip, (0.3,), modes=("reverse", "forward"))


# ----------------------------------------------------------- class 5: plain Python

K = 3.0


def reversed_range(x, n):
    s = 0.0
    for i in reversed(range(n)):
        s = s * x + i
    return s


def reversed_computed_range(x, n):
    s = 0.0
    for i in reversed(range(1, 2 * n, 2)):
        s = s * x + i
    return s * i


def reversed_rows(X):
    s = 0.0
    for row in reversed(X):
        s = s * 0.5 + np.sum(row * row)
    return s


def reversed_list(x):
    s = 0.0
    for item in reversed([x, x * x, 3.0]):
        s = s * x + item
    return s


def test_reversed_range():
    # s = 3x^3 + 2x^2 + x for n = 4
    assert s2sad.value_and_grad(reversed_range)(2.0, 4) == (34.0, 45.0)
    check_all(reversed_range, (2.0, 4), lambda x, n: 9 * x * x + 4 * x + 1)
    # items 5, 3, 1: s = 5x^2 + 3x + 1, times the last item, 1
    check_all(reversed_computed_range, (0.7, 3), lambda x, n: 10 * x + 3)


def test_reversed_rows_and_lists():
    weights = np.array([1.0, 0.5, 0.25])[:, None]
    value, g = s2sad.value_and_grad(reversed_rows)(X)
    assert value == pytest.approx(reversed_rows(X))
    np.testing.assert_allclose(g, 2.0 * weights * X)
    check_grads(reversed_rows, (X,), modes=("reverse", "forward"))
    v = RNG.normal(size=X.shape)
    np.testing.assert_allclose(s2sad.hvp(reversed_rows)(X, v), 2.0 * weights * v)
    # s = 3x^2 + x^2 * x + x = x^3 + 3x^2 + x
    check_all(reversed_list, (0.7,), lambda x: 3 * x * x + 6 * x + 1)


def default_names_a_global(x, k=K):
    return x * x * k


def test_default_naming_a_module_global(tmp_path):
    assert s2sad.value_and_grad(default_names_a_global)(2.0) == (12.0, 12.0)
    assert s2sad.value_and_grad(default_names_a_global)(2.0, 5.0) == (20.0, 20.0)
    assert s2sad.grad(default_names_a_global, wrt="k")(2.0) == 4.0
    check_all(default_names_a_global, (1.5,), lambda x: 2.0 * x * K)
    assert s2sad.jvp(default_names_a_global)(2.0, 1.0) == (12.0, 12.0)
    assert s2sad.hessian(default_names_a_global)(2.0) == 6.0


def test_default_naming_a_module_global_in_the_cli_module(tmp_path):
    import importlib.util
    import os
    import subprocess
    import sys
    here = os.path.dirname(__file__)
    out = tmp_path / "dg.py"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(here)] + os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    s2sad_command(["grad",
                    f"{__file__}:default_names_a_global", "--wrt", "x", "-o", str(out)],
                   check=True, env=env, cwd=here)
    sys.path.insert(0, here)
    try:
        spec = importlib.util.spec_from_file_location("dg_generated", out)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(here)
    assert module.default_names_a_global_value_and_grad(2.0) == (12.0, 12.0)


def counter_from_parameter(x, start):
    idx = start
    s = 0.0
    for j in range(3):
        s = s + x[idx] * x[idx]
        idx += 1
    return s


def counter_grad(x, start):
    g = np.zeros_like(x)
    g[start:start + 3] = 2.0 * x[start:start + 3]
    return g


def test_integer_counter_from_a_parameter():
    x = np.array([0.5, -1.0, 2.0, 0.3, 1.7, -0.4])
    value, g = s2sad.value_and_grad(counter_from_parameter)(x, 1)
    assert value == pytest.approx(counter_from_parameter(x, 1))
    np.testing.assert_allclose(g, counter_grad(x, 1))
    check_all(counter_from_parameter, (x, 2), counter_grad)
    # a 0-d array start would be updated in place by idx += 1: refused when it runs
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(counter_from_parameter)(x, np.array(1))
    assert "may write into an array another name holds: 'start'" in str(info.value)
    assert "test_semantics_loops.py:" in str(info.value)


def _module_from_source(tmp_path, name, source):
    import importlib.util
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_long_expressions(tmp_path):
    import sys
    terms = " + ".join(["x * x"] * 300)
    nested = "x"
    for _ in range(200):
        nested = f"np.sin({nested})"
    module = _module_from_source(tmp_path, "deep_expressions", (
        f"import numpy as np\n\n\ndef long_sum(x):\n    return {terms}\n\n\n"
        f"def nested_calls(x):\n    return {nested}\n"))
    limit = sys.getrecursionlimit()
    x = 0.3
    value, g = s2sad.value_and_grad(module.long_sum)(x)
    assert value == pytest.approx(300 * x * x) and g == pytest.approx(600 * x)
    assert s2sad.jvp(module.long_sum)(x, 1.0)[1] == pytest.approx(600 * x)
    assert s2sad.hessian(module.long_sum)(x) == pytest.approx(600.0)
    # d/dx sin^200(x): the product of cos of each inner value
    inner, derivative = x, 1.0
    for _ in range(200):
        derivative *= np.cos(inner)
        inner = np.sin(inner)
    value, g = s2sad.value_and_grad(module.nested_calls)(x)
    assert value == pytest.approx(inner) and g == pytest.approx(derivative)
    assert s2sad.jvp(module.nested_calls)(x, 1.0)[1] == pytest.approx(derivative)
    check_grads(module.nested_calls, (x,), modes=("reverse", "forward"))
    assert sys.getrecursionlimit() == limit   # raised only while s2sad generates


def keyword_only(x, *, k=2.0):
    return x * x * k


def keyword_only_required(x, *, k):
    return np.sum(x * x) * k


def keyword_only_two(x, *, k=2.0, m=K):
    return x * x * k + m * x


def test_keyword_only_parameters_reverse_and_forward():
    f = keyword_only
    assert s2sad.value_and_grad(f)(2.0) == (8.0, 8.0)              # 2 x k
    assert s2sad.value_and_grad(f)(2.0, k=3.0) == (12.0, 12.0)
    assert s2sad.grad(f, wrt="k")(2.0, k=5.0) == 4.0                # x^2
    assert s2sad.grad(f, wrt=("x", "k"))(2.0, k=5.0) == (20.0, 4.0)
    assert s2sad.vjp(f)(2.0, k=3.0)[1](1.0) == 12.0
    assert s2sad.jvp(f)(2.0, 1.0) == (8.0, 8.0)
    assert s2sad.jvp(f)(2.0, 1.0, k=3.0) == (12.0, 12.0)
    assert s2sad.jvp(f, wrt="k")(2.0, 1.0, k=3.0) == (12.0, 4.0)
    x = np.array([1.0, -2.0, 0.5])
    value, g = s2sad.value_and_grad(keyword_only_required)(x, k=2.0)
    assert value == pytest.approx(np.sum(x * x) * 2.0)
    np.testing.assert_allclose(g, 4.0 * x)
    assert s2sad.grad(keyword_only_required, wrt="k")(x, k=2.0) == pytest.approx(np.sum(x * x))
    _, t = s2sad.jvp(keyword_only_required)(x, np.ones(3), k=2.0)
    assert t == pytest.approx(4.0 * np.sum(x))
    value, (gx, gm) = s2sad.value_and_grad(keyword_only_two, wrt=("x", "m"))(2.0, m=1.0)
    assert (value, gx, gm) == (10.0, 9.0, 2.0)
    assert s2sad.jvp(keyword_only_two)(2.0, 1.0, m=1.0) == (10.0, 9.0)
    with pytest.raises(TypeError):
        s2sad.grad(keyword_only_required)(x)   # k is required, as in Python


def test_keyword_only_parameters_second_order():
    f = keyword_only
    assert s2sad.hvp(f)(2.0, 1.0) == pytest.approx(4.0)             # 2 k
    assert s2sad.hvp(f)(2.0, 1.0, k=3.0) == pytest.approx(6.0)
    assert s2sad.hessian(f)(2.0, k=3.0) == pytest.approx(6.0)
    h = s2sad.hessian(f, wrt=("x", "k"))(2.0, k=3.0)
    np.testing.assert_allclose(np.array(h, dtype=float), [[6.0, 4.0], [4.0, 0.0]])
    x = np.array([1.0, -2.0, 0.5])
    np.testing.assert_allclose(s2sad.hvp(keyword_only_required)(x, np.ones(3), k=2.0),
                               4.0 * np.ones(3))
    assert s2sad.hessian(keyword_only_two)(2.0, k=1.0) == pytest.approx(2.0)


def test_keyword_only_parameters_in_cli_modules(tmp_path):
    import importlib.util
    import os
    import subprocess
    import sys
    here = os.path.dirname(__file__)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [os.path.dirname(here)] + os.environ.get("PYTHONPATH", "").split(os.pathsep)))
    modules = {}
    for name, extra in [("rev", ["--wrt", "k"]), ("fwd", ["--mode", "forward", "--wrt", "x"]),
                        ("hvp", ["--mode", "forward", "--flavor", "hvp", "--wrt", "x"])]:
        out = tmp_path / f"kw_{name}.py"
        s2sad_command(["grad", f"{__file__}:keyword_only_two",
                        *extra, "-o", str(out)], check=True, env=env, cwd=here)
        sys.path.insert(0, here)
        try:
            spec = importlib.util.spec_from_file_location(f"kw_{name}", out)
            modules[name] = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(modules[name])
        finally:
            sys.path.remove(here)
    # f = x^2 k + m x at x = 2, k = 2, m = 3
    assert modules["rev"].keyword_only_two_value_and_grad(2.0) == (14.0, 4.0)
    assert modules["rev"].keyword_only_two_value_and_grad(2.0, k=1.0) == (10.0, 4.0)
    # (forward and hvp modules keep the signature: the tangent after x, k and m by keyword)
    assert modules["fwd"].keyword_only_two_jvp(2.0, 1.0, k=2.0, m=3.0) == (14.0, 11.0)
    assert modules["fwd"].keyword_only_two_jvp(2.0, 1.0) == (14.0, 11.0)
    (value, g), hv = modules["hvp"].keyword_only_two_hvp(2.0, 1.0, k=2.0, m=3.0)
    assert (value, g, hv) == (14.0, 11.0, 4.0)


def default_then_tangent(x, k=K):
    return x * x * k


def test_forward_module_of_a_function_with_defaults_has_no_default_on_a_tangent():
    # the generated jvp takes (x, k, x_dot): k's default used to fall on x_dot
    source = s2sad.jvp(default_then_tangent).source
    assert "def default_then_tangent_jvp(x, k, x_dot):" in source, source
    assert s2sad.jvp(default_then_tangent)(2.0, 1.0) == (12.0, 12.0)


def carried_through_a_branch(x):
    for i in range(4):
        if i == 0:
            t = x
        else:
            t = t * x
    return t


def test_name_read_from_the_previous_trip_in_a_branch():
    # t = x^4
    check_all(carried_through_a_branch, (1.3,), lambda x: 4.0 * x ** 3)


# ------------------------------------------- class 1: more targets, second order by FD

def enum_break(X):
    for j, row in enumerate(X):
        if np.sum(row) > 0.0:
            break
    return np.sum(row * row) * (j + 1)

def zip_break(X, Y):
    for a, b in zip(X, Y):
        if np.sum(a) > 0.0:
            break
    return np.sum(a * b * b)

def nested_unpack_enum_break(X):
    for j, (a, b) in enumerate(X):
        if a > 0.0:
            break
    return a * b * b * (j + 1)

def inner_break_outer_read(x):
    s = 0.0
    for k in range(3):
        for i in range(5):
            if i >= k:
                break
        s = s + x * x * i
    return s

def continue_loop(x):
    for i in range(5):
        if i > 2:
            continue
        x = x * 1.5
    return x * x * i

def while_then_for(x):
    n = 0
    while n < 3:
        n = n + 1
    for i in range(n):
        pass
    return x * x * (i + n)

def return_inside(x):
    for i in range(5):
        if i == 3:
            return x * x * i
    return x

def lambda_reads_target(x):
    for i in range(3):
        pass
    g = lambda t: t * i
    return g(x * x)

def appended_last(x):
    acc = []
    for i in range(3):
        acc.append(x * i)
    for v in acc:
        pass
    return v * x

def break_then_zero_trip(x, n):
    for i in range(5):
        if i == 1:
            break
    for i in range(n):
        pass
    return x * x * i

def row_modified_after(X):
    for row in X:
        pass
    row = row * 2.0
    return np.sum(row * X[0])


def fd_hvp(f, args, v, h=1e-4):
    """H v from central differences of s2sad-independent finite-difference gradients."""
    from s2sad.testing import finite_difference_gradient
    x = np.asarray(args[0], dtype=float)
    plus = finite_difference_gradient(f, (x + h * v,) + tuple(args[1:]), 0, eps=1e-5)
    minus = finite_difference_gradient(f, (x - h * v,) + tuple(args[1:]), 0, eps=1e-5)
    return (np.asarray(plus) - np.asarray(minus)) / (2 * h)


XB = np.array([[-1.0, 0.3], [0.5, 0.4], [2.0, -0.1]])
MORE_CASES = [
    (enum_break, (XB,)), (zip_break, (XB, XB[::-1] * 1.3)), (nested_unpack_enum_break, (XB,)),
    (inner_break_outer_read, (1.3,)), (continue_loop, (1.3,)), (while_then_for, (1.3,)),
    (return_inside, (1.3,)), (lambda_reads_target, (1.3,)), (appended_last, (1.3,)),
    (break_then_zero_trip, (1.3, 0)), (break_then_zero_trip, (1.3, 3)),
    (row_modified_after, (XB,)),
]


@pytest.mark.parametrize("f, args", MORE_CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(MORE_CASES)])
def test_more_loop_targets_all_modes(f, args):
    assert s2sad.value_and_grad(f)(*args)[0] == pytest.approx(f(*args), rel=1e-12)
    check_grads(f, args, wrt=0, modes=("reverse", "forward"))
    v = np.full_like(np.asarray(args[0], dtype=float), 0.7)
    np.testing.assert_allclose(s2sad.hvp(f)(*args, v), fd_hvp(f, args, v),
                               rtol=1e-4, atol=1e-5)


def read_before_assignment_on_a_path(x, flag):
    if flag:
        return x * y   # noqa: F821 - y is assigned below: unbound when flag is true
    y = 2.0
    return x * x * y


def test_read_before_assignment_raises_only_on_the_path_that_reads():
    check_all(read_before_assignment_on_a_path, (1.5, False), lambda x, flag: 4.0 * x)
    with pytest.raises(UnboundLocalError):
        read_before_assignment_on_a_path(1.5, True)
    for call in (lambda: s2sad.value_and_grad(read_before_assignment_on_a_path)(1.5, True),
                 lambda: s2sad.jvp(read_before_assignment_on_a_path)(1.5, True, 1.0),
                 lambda: s2sad.hvp(read_before_assignment_on_a_path)(1.5, True, 1.0)):
        with pytest.raises(UnboundVariableError, match="local variable 'y'"):
            call()


def helper_reads_its_target(x):
    for i in range(5):
        if i == 3:
            break
    return x * x * i


def helper_reads_its_last_row(X):
    for row in X:
        pass
    return np.sum(row * row)


def calls_helpers_that_read_targets(x):
    return helper_reads_its_target(x) + helper_reads_its_target(2.0 * x)


def calls_row_helper(X):
    return helper_reads_its_last_row(X) * 2.0


def test_loop_targets_in_helpers_first_and_second_order():
    # 3 x^2 + 3 (2x)^2 = 15 x^2
    assert s2sad.value_and_grad(calls_helpers_that_read_targets)(1.3) == \
        pytest.approx((15 * 1.3 ** 2, 30 * 1.3))
    check_all(calls_helpers_that_read_targets, (1.3,), lambda x: 30.0 * x)
    check_grads(calls_row_helper, (X,), modes=("reverse", "forward"))
    v = RNG.normal(size=X.shape)
    hv = np.zeros_like(X)
    hv[-1] = 4.0 * v[-1]
    np.testing.assert_allclose(s2sad.hvp(calls_row_helper)(X, v), hv, atol=1e-12)


def keyword_only_vector(x, *, k=2.0):
    return x * x * k


def test_keyword_only_parameters_jacobian_and_grad_of_grad():
    x = np.array([1.0, 2.0])
    for mode in ("reverse", "forward", "auto"):
        np.testing.assert_allclose(s2sad.jacobian(keyword_only_vector, mode=mode)(x, k=3.0),
                                   np.diag(6.0 * x))
        np.testing.assert_allclose(
            s2sad.jacobian(keyword_only_vector, wrt="k", mode=mode)(x, k=3.0), x * x)
    np.testing.assert_allclose(s2sad.jacobian(keyword_only_vector)(x), np.diag(4.0 * x))
    assert s2sad.vjp(keyword_only_vector, wrt="k")(x, k=3.0)[1](np.ones(2)) == 5.0
    # d/dk of d/dx (x^2 k) = 2x
    assert s2sad.grad(s2sad.grad(keyword_only), wrt="k")(2.0, k=3.0) == pytest.approx(4.0)


def enumerate_reversed_rows(X):
    s = 0.0
    for j, row in enumerate(reversed(X)):
        s = s * 0.5 + np.sum(row * row) * (j + 1)
    return s


def zip_reversed_list(x):
    s = 0.0
    for a, b in zip(reversed([x, 2.0 * x, x * x]), [1.0, 2.0, 3.0]):
        s = s * x + a * b
    return s


def test_reversed_inside_enumerate_and_zip():
    # rows from the end: row 2 weighs 1 * 0.25, row 1 2 * 0.5, row 0 3
    weights = np.array([3.0, 1.0, 0.25])[:, None]
    value, g = s2sad.value_and_grad(enumerate_reversed_rows)(X)
    assert value == pytest.approx(enumerate_reversed_rows(X))
    np.testing.assert_allclose(g, 2.0 * weights * X)
    check_grads(enumerate_reversed_rows, (X,), modes=("reverse", "forward"))
    v = RNG.normal(size=X.shape)
    np.testing.assert_allclose(s2sad.hvp(enumerate_reversed_rows)(X, v), 2.0 * weights * v)
    # s = x^4 + 4 x^2 + 3 x
    check_all(zip_reversed_list, (1.3,), lambda x: 4 * x ** 3 + 8 * x + 3)


def last_row_then_write(x):
    X = np.outer(x, x)
    for row in X:
        pass
    X[-1] = 5.0
    return np.sum(row * x)


def carried_row_then_write(x):
    X = np.outer(x, x)
    last = X[0]
    for row in X:
        last = row
    X[-1] = 5.0
    return np.sum(last * x)


@pytest.mark.parametrize("f, name", [(last_row_then_write, "row"),
                                     (carried_row_then_write, "last")])
def test_a_row_kept_after_the_loop_shares_its_array(f, name):
    # the write changes the row the name holds (Python: row is a view of X): refused
    # at the write rather than differentiated as if the row kept its old values
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(np.array([0.5, 1.5, -2.0]))
    assert f"change {name!r}" in str(info.value)
    assert "X[-1] = 5.0" in str(info.value)


def view_kept_through_a_zero_trip_loop(x, n):
    X = np.outer(x, x)
    last = X[-1]
    for i in range(n):
        last = last * 2.0
    X[-1] = 5.0
    return np.sum(last * x)


def test_a_view_held_on_entry_of_a_loop_shares_its_array():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(view_kept_through_a_zero_trip_loop)(np.array([0.5, 1.5, -2.0]), 0)
    # X[-1] of a matrix is a view, known when the code runs (an item of a vector is not)
    assert "also change 'last'" in str(info.value)


def counter_without_a_loop(x, start):
    idx = start
    idx += 1
    return x[idx] * x[idx] + x[start]


def array_bumped_through_an_alias(x):
    y = x * 1.0
    z = y
    z += 1
    return np.sum(y * x)


def test_integer_counter_copied_from_a_parameter_without_a_loop():
    x = np.array([0.5, -1.0, 2.0, 0.3])
    value, g = s2sad.value_and_grad(counter_without_a_loop)(x, 1)
    assert value == pytest.approx(counter_without_a_loop(x, 1))
    np.testing.assert_allclose(g, [0.0, 1.0, 4.0, 0.0])
    check_grads(counter_without_a_loop, (x, 1), wrt=0, modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.hvp(counter_without_a_loop)(x, 1, np.ones(4)),
                               [0.0, 0.0, 2.0, 0.0])
    # when the value is an array, z += 1 changes y too (Python): refused when it runs
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(array_bumped_through_an_alias)(x)
    assert "'z += ...' may change 'y' too" in str(info.value)
    assert "test_semantics_loops.py:" in str(info.value)


C23 = np.array([[0.2, -0.4, 0.9], [1.1, 0.6, -0.3]])


def unbound_on_the_early_return_path(x, z):
    if x[0] < -0.06:
        return C23
    v3 = z[0]
    acc8 = []
    return v3 + v3 + 0.0 * len(acc8)


def test_names_unbound_on_another_path_keep_their_own_kind():
    # (found by the fuzzer) v3 and the list acc8 are both unbound on the early-return
    # path: the reverse transform took v3 for a list as well
    args = (np.array([-0.031, -0.175]), np.array([-0.742, 0.85, 1.191]))
    value, g = s2sad.value_and_grad(unbound_on_the_early_return_path, wrt=1)(*args)
    assert value == pytest.approx(-1.484)
    np.testing.assert_allclose(g, [2.0, 0.0, 0.0])
    check_grads(unbound_on_the_early_return_path, args, wrt=1, modes=("reverse", "forward"))


STEP = 2


def bumps_a_number_global(x):
    v = STEP
    v += 1
    return x * x * v


def test_update_of_a_name_holding_a_number_global():
    check_all(bumps_a_number_global, (1.5,), lambda x: 6.0 * x)


def loops_over_a_dict(x):
    d = {"a": x, "b": 2.0 * x}
    s = 0.0
    for k in d:
        s = s + d[k]
    return s


def test_a_loop_over_a_dict_visits_its_keys():
    # (issue 12: it was refused; the loop reads the keys, as Python does)
    assert s2sad.grad(loops_over_a_dict)(1.5) == pytest.approx(3.0)


def while_assigns_only_in_its_body(x, n):
    k = 0
    while k < n:
        y = x * x * k
        k = k + 1
    return y


def test_while_loop_that_ran_no_trip_leaves_its_names_unbound():
    check_all(while_assigns_only_in_its_body, (1.5, 3), lambda x, n: 4.0 * x)
    with pytest.raises(UnboundLocalError):
        while_assigns_only_in_its_body(1.5, 0)
    for call in (lambda: s2sad.value_and_grad(while_assigns_only_in_its_body)(1.5, 0),
                 lambda: s2sad.jvp(while_assigns_only_in_its_body)(1.5, 0, 1.0),
                 lambda: s2sad.hvp(while_assigns_only_in_its_body)(1.5, 0, 1.0)):
        with pytest.raises(UnboundVariableError, match="local variable 'y'"):
            call()


def overwritten_by_a_loop_that_may_run_no_trip(x, y, z, n):
    v = z
    for i in range(n):
        v = x[i]
    return v * y


@pytest.mark.parametrize("n, expected", [(0, 3.0), (2, 0.0)])
def test_an_adjoint_survives_a_loop_that_runs_no_trip(n, expected):
    # the clean-up substituted 'v_bar = y' away because the backward loop rebinds
    # v_bar, as if it always ran: a zero-trip loop crashed (fuzzer seed 3000513)
    x = np.array([1.0, 2.0])
    assert s2sad.grad(overwritten_by_a_loop_that_may_run_no_trip, wrt=2)(x, 3.0, 0.5, n) \
        == pytest.approx(expected)
    value, tangent = s2sad.jvp(overwritten_by_a_loop_that_may_run_no_trip, wrt=2)(
        x, 3.0, 0.5, n, 1.0)
    assert tangent == pytest.approx(expected)


def chooses_a_lambda_in_a_branch(x):
    if x[0] > 0:
        g = lambda u: np.sin(u)  # noqa: E731
    else:
        g = lambda u: np.cos(u)  # noqa: E731
    return np.sum(g(x))


def chooses_a_def_in_a_branch(x, flag):
    if flag:
        def g(u):
            return u * 2
    else:
        def g(u):
            return u ** 2
    return np.sum(g(x))


def rebinds_a_lambda_in_a_branch(x):
    g = lambda u: u * 3.0  # noqa: E731
    if x[0] > 5:
        g = lambda u: u ** 2  # noqa: E731
    return np.sum(g(x))


@pytest.mark.parametrize("f, line", [(chooses_a_lambda_in_a_branch, 4),
                                     (chooses_a_def_in_a_branch, 5),
                                     (rebinds_a_lambda_in_a_branch, 3)])
def test_a_local_function_chosen_by_the_path_is_refused_with_its_location(f, line):
    # (found by a stranger) the last definition was inlined at every call: sin's
    # branch was differentiated as cos, without a word
    x = np.array([0.3, -1.2, 0.7])
    args = (x, True) if f is chooses_a_def_in_a_branch else (x,)
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(f)(*args)
    assert f"test_semantics_loops.py:{f.__code__.co_firstlineno + line}:" in str(info.value)
    assert "may not depend on the path taken" in str(info.value)


def enumerates_a_zip(x, y):
    acc = 0.0
    for k, (a, b) in enumerate(zip(x, y)):
        acc = acc + a * b * k
    return acc


def enumerates_a_reversed_zip_from_one(x, y):
    acc = 0.0
    for k, (a, b) in enumerate(zip(x, reversed(y)), 1):
        acc = acc + a * b * k
    return acc + k


def test_enumerate_over_zip_in_every_mode():
    # (found by a stranger) refused: "zip(...) is supported only as the iterable of a
    # for loop"; by hand d/dx sum(k x y) = k y, d/dy = k x
    x, y = np.array([0.3, -1.2, 0.7]), np.array([1.0, 2.0, -0.5])
    k = np.arange(3.0)
    gx, gy = s2sad.grad(enumerates_a_zip, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, k * y)
    np.testing.assert_allclose(gy, k * x)
    assert s2sad.jvp(enumerates_a_zip)(x, y, np.ones(3))[1] == pytest.approx(np.sum(k * y))
    hx, hy = s2sad.hvp(enumerates_a_zip, wrt=(0, 1))(x, y, (np.ones(3), np.zeros(3)))
    np.testing.assert_allclose(hx, 0.0)
    np.testing.assert_allclose(hy, k)
    k1 = np.arange(1.0, 4.0)
    value, (gx, gy) = s2sad.value_and_grad(enumerates_a_reversed_zip_from_one,
                                           wrt=(0, 1))(x, y)
    assert value == pytest.approx(enumerates_a_reversed_zip_from_one(x, y))
    np.testing.assert_allclose(gx, k1 * y[::-1])
    np.testing.assert_allclose(gy, (k1 * x)[::-1])


def defines_a_local_function_after_an_early_return(x, y):
    if np.sum(x) >= 0.0:
        return np.sum(y)
    g = lambda u: u * u  # noqa: E731
    return np.sum(g(y))


def test_a_local_function_after_an_early_return_is_differentiated():
    # (found by the fuzzer, seed 888097) the early return puts the rest of the body in
    # a block, and the definition was taken for one chosen by the path
    y = np.array([-1.0, 0.5])
    np.testing.assert_allclose(
        s2sad.grad(defines_a_local_function_after_an_early_return, wrt=1)(-np.ones(2), y),
        2 * y)
    np.testing.assert_allclose(
        s2sad.grad(defines_a_local_function_after_an_early_return, wrt=1)(np.ones(2), y),
        np.ones(2))
