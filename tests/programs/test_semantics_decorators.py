"""Issue 11, class 3: decorators whose wrapper takes ``*args, **kwargs``.

Almost every real decorator's wrapper is ``def wrapper(*args, **kwargs)`` passing
them on to the function it wraps.  s2sad differentiates the wrapper itself (its
own arithmetic counts), with the parameters its calls bind: those of the wrapped
function, minus any the wrapper passes itself.  What it cannot read right
(``len(args)``, ``kwargs[...] = ...``, passing them elsewhere) is refused with
its location.  Every expected derivative is derived by hand or by central finite
differences, never by s2sad.
"""

import inspect
import os
import sys

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command


DECORATED = """\
    import functools
    import time

    import numpy as np


    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            value = fn(*args, **kwargs)
            return value * 2.0 + 1.0
        return wrapper


    def plain(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)
        return wrapper


    def scale(c):
        def decorate(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return c * fn(*args, **kwargs)
            return wrapper
        return decorate


    def with_power(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, power=3.0, **kwargs)
        return wrapper


    def leading(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(2.0, *args, **kwargs)
        return wrapper


    def only_positional(fn):
        @functools.wraps(fn)
        def wrapper(*xs):
            return fn(*xs) - 1.0
        return wrapper


    @deco
    def f(x, k=2.0):
        return np.sum(np.sin(x) * k)


    @deco
    def kw(x, k=2.0, *, m=0.5):
        return np.sum(np.sin(x) * k) + m * np.sum(x * x)


    @plain
    def g(x, y):
        return np.sum(x * y * y)


    @scale(3.0)
    @deco
    def stacked(x, k=2.0):
        return np.sum(np.sin(x) * k)


    @with_power
    def powered(x, power=1.0):
        return np.sum(x ** power)


    @leading
    def lead(a, x):
        return np.sum(a * x * x)


    @only_positional
    def pos(x, y):
        return np.sum(x * np.cos(y))


    @deco
    def scalar(x):
        return x * x * x
    """


X = np.array([0.3, -1.2, 2.0])
Y = np.array([1.5, 0.5, -2.0])
V = np.array([1.0, -2.0, 0.5])


def fd(func, args, argnum=0):
    return finite_difference_gradient(func, args, argnum=argnum)


def test_the_wrapper_arithmetic_is_differentiated_in_every_mode(load):
    m = load("deco_every_mode", DECORATED)
    # f(x) = 2 sum(k sin x) + 1: gradient 2k cos x, Hessian diag(-2k sin x)
    value = 2.0 * np.sum(2.0 * np.sin(X)) + 1.0
    grad = 4.0 * np.cos(X)
    assert m.f(X) == pytest.approx(value)
    np.testing.assert_allclose(s2sad.grad(m.f)(X), grad)
    np.testing.assert_allclose(s2sad.grad(m.f)(X), fd(m.f, (X,)), rtol=1e-6)
    v, gr = s2sad.value_and_grad(m.f)(X)
    assert v == pytest.approx(value)
    np.testing.assert_allclose(gr, grad)
    v, pullback = s2sad.vjp(m.f)(X)
    assert v == pytest.approx(value)
    np.testing.assert_allclose(pullback(2.0), 2.0 * grad)
    v, tangent = s2sad.jvp(m.f)(X, V)
    assert v == pytest.approx(value) and tangent == pytest.approx(np.dot(grad, V))
    np.testing.assert_allclose(s2sad.jacobian(m.f)(X), grad)
    np.testing.assert_allclose(s2sad.hessian(m.f)(X), np.diag(-4.0 * np.sin(X)), atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(m.f)(X, V), -4.0 * np.sin(X) * V)
    # scalar: s(x) = 2 x^3 + 1, s' = 6 x^2, s'' = 12 x
    assert s2sad.grad(m.scalar)(1.5) == pytest.approx(6.0 * 1.5 ** 2)
    assert s2sad.grad(s2sad.grad(m.scalar))(1.5) == pytest.approx(12.0 * 1.5)
    assert s2sad.hessian(m.scalar)(1.5) == pytest.approx(12.0 * 1.5)


def test_wrt_names_and_indices_are_the_wrapped_parameters(load):
    m = load("deco_wrt", DECORATED)
    assert list(inspect.signature(m.f).parameters) == ["x", "k"]
    # d/dk: 2 sum(sin x)
    for wrt in (1, "k", -1):
        assert s2sad.grad(m.f, wrt=wrt)(X, 3.0) == pytest.approx(2.0 * np.sum(np.sin(X)))
    assert s2sad.grad(m.f, wrt="k")(X, k=3.0) == pytest.approx(2.0 * np.sum(np.sin(X)))
    assert s2sad.grad(m.f, wrt="x")(x=X) == pytest.approx(4.0 * np.cos(X))
    gx, gk = s2sad.grad(m.f, wrt=("x", "k"))(X, k=3.0)
    np.testing.assert_allclose(gx, 6.0 * np.cos(X))
    assert gk == pytest.approx(fd(lambda x, k: m.f(x, k), (X, 3.0), argnum=1))
    # the default is the wrapped function's: k = 2
    assert s2sad.value_and_grad(m.f)(X)[0] == pytest.approx(m.f(X))
    for wrt in (0, 1):
        expected = fd(m.g, (X, Y), argnum=wrt)
        np.testing.assert_allclose(s2sad.grad(m.g, wrt=wrt)(X, Y), expected, rtol=1e-6)
    np.testing.assert_allclose(s2sad.grad(m.g, wrt="y")(y=Y, x=X), 2.0 * X * Y)
    np.testing.assert_allclose(s2sad.hvp(m.g, wrt=1)(X, Y, V), 2.0 * X * V)
    value, tangent = s2sad.jvp(m.g, wrt=1)(X, Y, V)
    assert value == pytest.approx(m.g(X, Y)) and tangent == pytest.approx(np.dot(2 * X * Y, V))


def test_keyword_only_parameters_of_the_wrapped_function(load):
    m = load("deco_kwonly", DECORATED)
    # kw = 2 (sum(k sin x) + m sum(x^2)) + 1
    np.testing.assert_allclose(s2sad.grad(m.kw)(X, m=0.25),
                               2.0 * (2.0 * np.cos(X) + 0.5 * X))
    np.testing.assert_allclose(s2sad.grad(m.kw)(X), fd(m.kw, (X,)), rtol=1e-6)
    assert s2sad.grad(m.kw, wrt="m")(X, m=0.25) == pytest.approx(2.0 * np.sum(X * X))
    assert s2sad.grad(m.kw, wrt=2)(X, 1.0, m=0.25) == pytest.approx(2.0 * np.sum(X * X))
    value, tangent = s2sad.jvp(m.kw)(X, V, m=0.25)
    assert value == pytest.approx(m.kw(X, m=0.25))
    assert tangent == pytest.approx(np.dot(2.0 * (2.0 * np.cos(X) + 0.5 * X), V))
    value, pullback = s2sad.vjp(m.kw, wrt=("x", "m"))(X, m=0.25)
    gx, gm = pullback(1.0)
    np.testing.assert_allclose(gx, 2.0 * (2.0 * np.cos(X) + 0.5 * X))
    assert gm == pytest.approx(2.0 * np.sum(X * X))
    np.testing.assert_allclose(s2sad.jacobian(m.kw)(X, m=0.25),
                               2.0 * (2.0 * np.cos(X) + 0.5 * X))


def test_second_derivatives_through_keyword_only_parameters(load):
    m = load("deco_kwonly_second", DECORATED)
    # kw = 2 (sum(k sin x) + m sum(x^2)) + 1: Hessian in x diag(-2k sin x + 4m)
    np.testing.assert_allclose(s2sad.hessian(m.kw)(X, m=3.0),
                               np.diag(-4.0 * np.sin(X) + 12.0), atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(m.kw)(X, V, m=3.0), (-4.0 * np.sin(X) + 12.0) * V)
    # the mixed derivative d/dm d/dx = 4x
    np.testing.assert_allclose(s2sad.hessian(m.kw, wrt=("x", "m"))(X, m=3.0)[0][1], 4.0 * X)
    user = load("deco_kwonly_user", """\
        import numpy as np


        def h(x, k=2.0, *, m=0.5):
            return np.sum(np.sin(x) * k) + m * np.sum(x * x)


        def loss(x):
            return h(x, m=1.5) + h(x, k=1.0)
        """)
    # a plain helper with a keyword-only parameter, its body put in place of the call
    hessian = np.diag(-2.0 * np.sin(X) + 3.0 - np.sin(X) + 1.0)
    np.testing.assert_allclose(s2sad.hessian(user.loss)(X), hessian, atol=1e-12)
    np.testing.assert_allclose(s2sad.grad(user.loss)(X), fd(user.loss, (X,)), rtol=1e-6)


def test_stacked_decorators_and_decorators_with_arguments(load):
    m = load("deco_stacked", DECORATED)
    # stacked = 3 (2 sum(k sin x) + 1): gradient 6k cos x
    assert m.stacked(X) == pytest.approx(3.0 * (4.0 * np.sum(np.sin(X)) + 1.0))
    np.testing.assert_allclose(s2sad.grad(m.stacked)(X), 12.0 * np.cos(X))
    np.testing.assert_allclose(s2sad.grad(m.stacked)(X), fd(m.stacked, (X,)), rtol=1e-6)
    assert s2sad.grad(m.stacked, wrt="k")(X, 1.0) == pytest.approx(6.0 * np.sum(np.sin(X)))
    value, tangent = s2sad.jvp(m.stacked)(X, V)
    assert value == pytest.approx(m.stacked(X))
    assert tangent == pytest.approx(np.dot(12.0 * np.cos(X), V))
    value, pullback = s2sad.vjp(m.stacked)(X)
    np.testing.assert_allclose(pullback(0.5), 6.0 * np.cos(X))


def test_arguments_the_wrapper_passes_itself(load):
    m = load("deco_extra", DECORATED)
    # powered(x) = sum(x^3): the wrapper passes power=3 itself
    np.testing.assert_allclose(s2sad.grad(m.powered)(X), 3.0 * X ** 2)
    np.testing.assert_allclose(s2sad.grad(m.powered)(X), fd(m.powered, (X,)), rtol=1e-6)
    value, tangent = s2sad.jvp(m.powered)(X, V)
    assert tangent == pytest.approx(np.dot(3.0 * X ** 2, V))
    np.testing.assert_allclose(s2sad.hvp(m.powered)(X, V), 6.0 * X * V)
    # as in Python, the caller cannot give power too
    with pytest.raises(TypeError):
        m.powered(X, power=2.0)
    with pytest.raises(TypeError):
        s2sad.grad(m.powered)(X, power=2.0)
    with pytest.raises(s2sad.S2sadError):
        s2sad.grad(m.powered, wrt="power")
    # lead(x) = sum(2 x^2): the wrapper passes a = 2.0 first
    np.testing.assert_allclose(s2sad.grad(m.lead)(X), 4.0 * X)
    np.testing.assert_allclose(s2sad.hessian(m.lead)(X), np.diag([4.0] * 3))
    assert s2sad.jvp(m.lead)(X, V)[1] == pytest.approx(np.dot(4.0 * X, V))
    # pos(x, y) = sum(x cos y) - 1, with *xs only
    np.testing.assert_allclose(s2sad.grad(m.pos, wrt=1)(X, Y), -X * np.sin(Y))
    np.testing.assert_allclose(s2sad.grad(m.pos, wrt=0)(X, Y), fd(m.pos, (X, Y)), rtol=1e-6)
    assert s2sad.jvp(m.pos, wrt=1)(X, Y, V)[1] == pytest.approx(np.dot(-X * np.sin(Y), V))


def test_a_decorated_helper_called_from_the_differentiated_function(load):
    m = load("deco_helper_mod", DECORATED)
    user = load("deco_helper_user", """\
        import numpy as np
        from deco_helper_mod import f, kw


        def loss(x):
            return f(x, k=3.0) * 0.5 + kw(x, m=1.0)
        """)
    # 0.5 (2 sum(3 sin x) + 1) + 2 (sum(2 sin x) + sum(x^2)) + 1
    expected = 3.0 * np.cos(X) + 4.0 * np.cos(X) + 4.0 * X
    assert user.loss(X) == pytest.approx(
        0.5 * m.f(X, k=3.0) + m.kw(X, m=1.0))
    np.testing.assert_allclose(s2sad.grad(user.loss)(X), expected)
    np.testing.assert_allclose(s2sad.grad(user.loss)(X), fd(user.loss, (X,)), rtol=1e-6)
    assert s2sad.jvp(user.loss)(X, V)[1] == pytest.approx(np.dot(expected, V))


def test_through_the_cli(load):
    load("deco_cli", DECORATED)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = s2sad_command(["grad", "deco_cli.py:f"],
                          cwd=load.path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(proc.stdout, "f_grad.py", "exec"), namespace)
    value, grad = namespace["f_value_and_grad"](X)
    assert value == pytest.approx(4.0 * np.sum(np.sin(X)) + 1.0)
    np.testing.assert_allclose(grad, 4.0 * np.cos(X))
    proc = s2sad_command(["grad", "deco_cli.py:f",
                           "--wrt", "k"], cwd=load.path, capture_output=True, text=True,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(proc.stdout, "f_grad_k.py", "exec"), namespace)
    value, grad = namespace["f_value_and_grad"](X, 3.0)
    assert grad == pytest.approx(2.0 * np.sum(np.sin(X)))


def test_wrapped_defaults_of_any_type_and_their_current_values(load):
    m = load("deco_array_default", """\
        import functools

        import numpy as np

        C = np.array([0.5, -1.0, 2.0])


        def deco(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs) * 2.0 + 1.0
            return wrapper


        @deco
        def f(x, d=C):
            return np.sum(np.sin(x) * d)
        """)
    # f = 2 sum(d sin x) + 1: gradient 2 d cos x, d/dd = 2 sin x
    np.testing.assert_allclose(s2sad.grad(m.f)(X), 2.0 * m.C * np.cos(X))
    np.testing.assert_allclose(s2sad.grad(m.f)(X), fd(m.f, (X,)), rtol=1e-6)
    np.testing.assert_allclose(s2sad.grad(m.f, wrt="d")(X, Y), 2.0 * np.sin(X))
    assert s2sad.jvp(m.f)(X, V)[1] == pytest.approx(np.dot(2.0 * m.C * np.cos(X), V))
    g, j = s2sad.grad(m.f), s2sad.jvp(m.f)
    m.f.__wrapped__.__defaults__ = (Y,)   # the wrapped function's default, changed
    np.testing.assert_allclose(g(X), 2.0 * Y * np.cos(X))
    assert j(X, V)[0] == pytest.approx(m.f(X))
    assert j(X, V)[1] == pytest.approx(np.dot(2.0 * Y * np.cos(X), V))


REFUSED = """\
    import functools
    import time

    import numpy as np


    def counting(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if len(args) > 1:
                return fn(*args, **kwargs)
            return fn(*args, **kwargs) * 2.0
        return wrapper


    def mutating(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            kwargs["k"] = 1.0
            return fn(*args, **kwargs)
        return wrapper


    def elsewhere(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return other(*args, **kwargs)
        return wrapper


    def timing(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            value = fn(*args, **kwargs)
            print(time.perf_counter() - start)
            return value
        return wrapper


    def unwrapped(fn):
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs) * 2.0
        return wrapper


    def other(x, k=2.0):
        return np.sum(x) * k


    @counting
    def counted(x, k=2.0):
        return np.sum(x * k)


    @mutating
    def mutated(x, k=2.0):
        return np.sum(x * k)


    @elsewhere
    def passed_on(x, k=2.0):
        return np.sum(x * k)


    @timing
    def timed(x):
        return np.sum(x * x)


    @unwrapped
    def bare(x):
        return np.sum(x * x)
    """


@pytest.mark.parametrize("name, line, words", [
    ("counted", 10, "uses its *args other than by passing it whole"),
    ("mutated", 19, "uses its **kwargs other than by passing it whole"),
    ("passed_on", 27, "to another function than the one it wraps"),
    ("bare", 42, "takes *args or **kwargs parameters"),
])
def test_wrappers_that_cannot_be_read_right_are_refused_with_their_location(
        load, name, line, words):
    m = load(f"deco_refused_{name}", REFUSED)
    func = getattr(m, name)
    for transform in (s2sad.grad, s2sad.jvp, s2sad.hessian):
        with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
            transform(func)(X)
        message = str(info.value)
        assert f"deco_refused_{name}.py:{line}:" in message, message
        assert words in message, message


def test_a_wrapper_that_prints_runs_its_print_once_per_call(load, capsys):
    # (print runs for its effect, effects14; it was refused)
    m = load("deco_printing", REFUSED)
    for transform, expected in ((s2sad.grad, 2.0 * X), (s2sad.hessian, 2.0 * np.eye(3))):
        np.testing.assert_allclose(transform(m.timed)(X), expected, rtol=1e-12)
        printed = capsys.readouterr().out.splitlines()
        assert len(printed) == 1 and float(printed[0]) >= 0.0
    np.testing.assert_allclose(s2sad.jvp(m.timed)(X, X)[1], 2.0 * X @ X, rtol=1e-12)
    assert len(capsys.readouterr().out.splitlines()) == 1


def test_second_derivatives_through_a_helper_whose_loop_target_is_read_after_break(load):
    # found by the fuzzer's second-order campaign (seed 116) through a decorator: the
    # names the helper's desugared loop brought were handed out again when its body was
    # put in place of the call, so the gradient the Hessian is computed from was 0
    m = load("deco_inlined_loop", """\
        import functools


        def deco(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs)
            return wrapper


        def first_squared(y):
            for e in y:
                break
            v = e * e
            return v


        def loss(y):
            return first_squared(y) * 3.0


        @deco
        def decorated(y):
            for e in y:
                break
            return e * e
        """)
    y = np.array([-0.058, -0.048, -0.762])
    # loss = 3 y0^2: Hessian diag(6, 0, 0); decorated = y0^2: Hessian diag(2, 0, 0)
    np.testing.assert_allclose(s2sad.hvp(m.loss)(y, np.ones(3)), [6.0, 0.0, 0.0])
    np.testing.assert_allclose(s2sad.hessian(m.loss)(y), np.diag([6.0, 0.0, 0.0]))
    np.testing.assert_allclose(s2sad.hvp(m.decorated)(y, np.ones(3)), [2.0, 0.0, 0.0])
    np.testing.assert_allclose(s2sad.grad(m.loss)(y), [6.0 * y[0], 0.0, 0.0])


def test_wrappers_passing_arguments_on_in_other_ways_are_refused_at_the_call(load):
    m = load("deco_refused_calls", """\
        import functools


        def other(x):
            return x * 3.0


        def rebinding(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                fn = other
                return fn(*args, **kwargs)
            return wrapper


        def half(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs) + fn(*args)
            return wrapper


        @rebinding
        def f(x):
            return x * x


        @half
        def g(x):
            return x * x
        """)
    for func, line, words in ((m.f, 12, "to another function than the one it wraps"),
                              (m.g, 19, "must pass **kwargs on too")):
        for transform in (s2sad.grad, s2sad.jvp):
            with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
                transform(func)(2.0)
            assert f"deco_refused_calls.py:{line}:" in str(info.value), str(info.value)
            assert words in str(info.value)


def test_second_derivatives_of_a_decorated_function_with_an_array_default(load):
    m = load("deco_array_default_second", """\
        import functools

        import numpy as np

        C = np.array([0.5, -1.0, 2.0])


        def deco(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return fn(*args, **kwargs) * 2.0
            return wrapper


        @deco
        def f(x, d=C):
            return np.sum(np.sin(x) * d)


        def helper(x, d=C):
            return np.sum(x * x * d)


        def loss(x):
            return helper(x, d=C * 2.0)


        def loss_default(x):
            return helper(x) * 3.0


        def named(fn):
            @functools.wraps(fn)
            def wrapper(x):
                return fn(x) + 1.0
            return wrapper


        @named
        def g(x, d=C):
            return np.sum(np.sin(x) * d)
        """)
    # f = 2 sum(d sin x): Hessian diag(-2 d sin x); the wrapper passes d on, so f's body
    # goes in place of the call
    np.testing.assert_allclose(s2sad.hessian(m.f)(X), np.diag(-2.0 * m.C * np.sin(X)),
                               atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(m.f)(X, V), -2.0 * m.C * np.sin(X) * V)
    # a helper with an array default, the call passing it: Hessian diag(4 C)
    np.testing.assert_allclose(s2sad.hessian(m.loss)(X), np.diag(4.0 * m.C), atol=1e-12)
    # the call leaves the array default out: it is read where the call runs
    np.testing.assert_allclose(s2sad.hessian(m.loss_default)(X), np.diag(6.0 * m.C),
                               atol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(m.g)(X, V), -m.C * np.sin(X) * V)
    h = s2sad.hessian(m.loss_default)
    m.helper.__defaults__ = (Y,)   # Python reads the default at each call
    np.testing.assert_allclose(h(X), np.diag(6.0 * Y), atol=1e-12)
    np.testing.assert_allclose(s2sad.grad(m.loss_default)(X), fd(m.loss_default, (X,)),
                               rtol=1e-6)


SAME_NAME_TWICE = """\
    import functools
    import numpy as np

    factor = 10.0
    k = 5.0


    def scale(factor):
        def deco(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                return factor * fn(*args, **kwargs)
            return wrapper
        return deco


    @scale(3.0)
    def loss(x):
        return np.sum(x ** 2) * factor


    def helper(x):
        return np.sum(x) * k


    def make(k):
        def loss2(x):
            return k * helper(x)
        return loss2
"""


def test_a_closure_variable_and_a_helpers_global_of_the_same_name(load):
    # (found by a stranger) the generated module renames one of them (factor_1), and
    # the API looked the new name up in the user's scope: an AttributeError
    mod = load("same_name_twice", SAME_NAME_TWICE)
    x = np.array([0.5, -1.0])
    np.testing.assert_allclose(s2sad.grad(mod.loss)(x), 60.0 * x)       # 3 * 10 * 2x
    assert s2sad.jvp(mod.loss)(x, np.ones(2))[1] == pytest.approx(np.sum(60.0 * x))
    np.testing.assert_allclose(s2sad.vjp(mod.loss)(x)[1](1.0), 60.0 * x)
    loss2 = mod.make(2.0)
    gradient = s2sad.grad(loss2)
    np.testing.assert_allclose(gradient(x), [10.0, 10.0])              # 2 * 5
    mod.k = 7.0                                                          # read at each call
    np.testing.assert_allclose(gradient(x), [14.0, 14.0])


def test_second_order_through_a_closure_helper_names_the_helper(load):
    # (found by a stranger) the refusal pointed into generated code ('fn_1_pullback')
    mod = load("stacked_twice", """\
        import functools
        import numpy as np


        def double(fn):
            @functools.wraps(fn)
            def wrapper(x):
                return 2.0 * fn(x)
            return wrapper


        @double
        @double
        def g(x):
            return np.sin(x)
    """)
    assert s2sad.grad(mod.g)(0.5) == pytest.approx(4.0 * np.cos(0.5))
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.hessian(mod.g)(0.5)
    assert "'fn' (g) cannot: it is a closure" in str(info.value)
    assert "<s2sad" not in str(info.value)
    # located at the wrapper's call of fn (stranger7: it named no place)
    where = info.value.location
    assert where.filename.endswith("stacked_twice.py") and where.line == 8
    assert where.code.strip() == "return 2.0 * fn(x)" and where.column == 22


OWN_PARAMETERS = """\
    import functools

    import numpy as np


    def shift(s):
        def decorate(fn):
            @functools.wraps(fn)
            def wrapper(x, *args, **kwargs):
                return fn(x * s, *args, **kwargs) + s
            return wrapper
        return decorate


    def twice(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs) * 2.0
        return wrapper


    def named(fn):
        @functools.wraps(fn)
        def wrapper(x, k=2.0):
            return fn(x, k) * 2.0
        return wrapper


    def offset(fn):
        @functools.wraps(fn)
        def wrapper(x, c=0.5, *args, **kwargs):
            return fn(x, *args, **kwargs) + c * np.sum(x)
        return wrapper


    @twice
    @shift(3.0)
    def stacked(x, k=2.0):
        return np.sum(x ** 3) * k


    @named
    @shift(3.0)
    def named_over_own(x, k=2.0):
        return np.sum(x ** 3) * k


    @offset
    def with_offset(x, k=2.0):
        return np.sum(np.sin(x)) * k
    """


def test_wrappers_with_parameters_of_their_own_before_args(load):
    # stranger7: def wrapper(x, *args, **kwargs) under a (*args, **kwargs) one was refused,
    # and under one with named parameters refused with an untrue message
    m = load("deco_own_parameters", OWN_PARAMETERS)
    # stacked(x, k) = 2 (k sum((3x)^3) + 3): gradient 2 k 3 (3x)^2 3 = 162 k x^2 (by hand)
    for f in (m.stacked, m.named_over_own):
        assert f(X) == pytest.approx(2.0 * (2.0 * np.sum((3.0 * X) ** 3) + 3.0))
        np.testing.assert_allclose(s2sad.grad(f)(X), 162.0 * 2.0 * X ** 2)
        np.testing.assert_allclose(s2sad.grad(f)(X, 1.5), 162.0 * 1.5 * X ** 2)
        assert s2sad.grad(f, wrt=1)(X, 1.5) == pytest.approx(2.0 * np.sum((3.0 * X) ** 3))
        value, tangent = s2sad.jvp(f)(X, V)
        assert value == pytest.approx(f(X)) and tangent == pytest.approx(
            np.dot(162.0 * 2.0 * X ** 2, V))
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="second derivatives of"):
            s2sad.hessian(f)(X)   # (through a closure: README, second order)
    # with_offset(x, c, k) = k sum(sin x) + c sum(x): the wrapper's own default, and given
    g = m.with_offset
    np.testing.assert_allclose(s2sad.grad(g)(X), 2.0 * np.cos(X) + 0.5)
    np.testing.assert_allclose(s2sad.grad(g)(X, 1.5, 3.0), 3.0 * np.cos(X) + 1.5)
    assert s2sad.grad(g, wrt=(1, 2))(X, 1.5, 3.0) == pytest.approx(
        (np.sum(X), np.sum(np.sin(X))))
    np.testing.assert_allclose(s2sad.grad(g)(X, 1.5, 3.0), fd(g, (X, 1.5, 3.0)), rtol=1e-6)


def test_second_order_refusing_a_write_through_a_row_names_the_users_line(load):
    # stranger7: located in the generated gradient (<s2sad f_value_and_grad ...>:35:9)
    mod = load("row_write_second", """\
        import numpy as np


        def f(x):
            X = np.outer(x, x)
            s = 0.0
            for row in X:
                row[0] = row[1] * 2.0
                s = s + np.sum(row ** 2)
            return s
    """)
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.hessian(mod.f)(np.array([0.3, -0.5, 0.8]))
    where = info.value.location
    assert where.filename.endswith("row_write_second.py") and where.line == 8
    assert where.code.strip() == "row[0] = row[1] * 2.0" and where.column == 9
