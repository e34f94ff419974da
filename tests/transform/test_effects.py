"""Statements run for their effect: print, logging, warnings.warn, helpers that only call
these, and raise.  Each runs in every transform where Python runs it, on the values
Python sees; the derivatives are checked against ones written by hand."""

import logging
import os
import sys
import textwrap
import warnings

import numpy as np
import pytest

import s2sad
from s2sad import cli
from s2sad.errors import UnsupportedSyntaxError

log = logging.getLogger("s2sad.tests.effects")

# (test_warning checks the warning; the other tests see it too)
pytestmark = pytest.mark.filterwarnings("ignore:negative entries:RuntimeWarning")


class ShortError(ValueError):
    pass


def printing(x):
    print("x", x.shape, np.sum(x))
    y = np.sin(x) * x
    print(f"y0={y[0]:.3f}", "last", y[-1])
    return np.sum(y)


def logging_(x):
    log.debug("x=%s", x)
    y = np.sin(x) * x
    logging.getLogger("s2sad.tests.effects").info("ignored name")  # noqa (refused: see below)
    return np.sum(y)


def logging_ok(x):
    log.debug("x=%s", x)
    y = np.sin(x) * x
    log.warning("sum %.4f", np.sum(y))
    return np.sum(y)


def warning(x):
    if np.any(x < 0):
        warnings.warn("negative entries", RuntimeWarning)
    y = np.sin(x) * x
    return np.sum(y)


def report(a, label):
    total = float(np.sum(a))
    print(label, round(total, 6))
    log.info("%s: %s", label, a.shape)
    return total * 2.0


def pure(a):
    return a * 2.0


def helper_effects(x):
    buf = np.sin(x) * 1.0
    report(buf, "buf")
    pure(buf)
    return np.sum(buf * x)


def validated(x):
    if x.shape[0] < 2:
        raise ValueError("short")
    y = np.sin(x) * x
    return np.sum(y)


def raises_in_loop(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > 10.0:
            raise ShortError(f"too big at {i}", i) from ValueError("inner")
        s = s + np.sin(x[i]) * x[i]
    return s


def raises_in_else(x):
    if np.sum(x) > -100.0:
        y = np.sin(x) * x
    else:
        raise ShortError
    return np.sum(y)


def grad_ref(x):
    return np.cos(x) * x + np.sin(x)


def hess_ref(x):
    return np.diag(2.0 * np.cos(x) - np.sin(x) * x)


X = np.array([0.3, -1.2, 2.0])
V = np.array([1.0, 0.5, -2.0])

TRANSFORMS = {
    "grad": (lambda f: s2sad.grad(f)(X), lambda: grad_ref(X)),
    "value_and_grad": (lambda f: s2sad.value_and_grad(f)(X)[1], lambda: grad_ref(X)),
    "vjp": (lambda f: s2sad.vjp(f)(X)[1](1.0), lambda: grad_ref(X)),
    "jvp": (lambda f: s2sad.jvp(f)(X, V)[1], lambda: grad_ref(X) @ V),
    "hvp": (lambda f: s2sad.hvp(f)(X, V), lambda: hess_ref(X) @ V),
    "jacobian": (lambda f: s2sad.jacobian(f)(X), lambda: grad_ref(X)),
}


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
@pytest.mark.parametrize("func", [printing, helper_effects, warning, validated,
                                  raises_in_else, raises_in_loop])
def test_values_and_output_equal_pythons(func, name, capsys):
    func(X)
    expected = capsys.readouterr().out
    run, ref = TRANSFORMS[name]
    got = run(func)
    out = capsys.readouterr().out
    np.testing.assert_allclose(got, ref(), rtol=1e-12, atol=1e-12)   # (each: sum(sin(x) x))
    assert out == expected


@pytest.mark.parametrize("func", [printing, helper_effects, validated])
def test_hessian(func, capsys):
    func(X)
    expected = capsys.readouterr().out
    np.testing.assert_allclose(s2sad.hessian(func)(X), hess_ref(X), rtol=1e-12, atol=1e-12)
    assert capsys.readouterr().out == expected   # once, though a product per column runs


def test_printed_values_are_the_primal_values(capsys):
    def f(x):
        y = x * 2.0
        print(y)
        y[0] = 5.0
        print(y)
        return np.sum(y * x)
    g = s2sad.grad(f)(np.array([1.0, 2.0]))
    assert capsys.readouterr().out == "[2. 4.]\n[5. 4.]\n"
    np.testing.assert_allclose(g, [5.0, 8.0])   # d/dx (5 x0 + 2 x1 x1)


def test_generated_code_shows_the_calls():
    text = s2sad.grad(printing).source
    assert "print('x', x_shape, sum_x)" in text
    assert "# line" in text and 'print("x", x.shape, np.sum(x))' in text
    assert "raise ValueError('short')" in s2sad.grad(validated).source
    assert "report(buf, 'buf')" in s2sad.jvp(helper_effects).source


@pytest.mark.parametrize("name", ["grad", "jvp", "hvp", "vjp"])
def test_logging(name, caplog):
    caplog.set_level(logging.DEBUG, logger="s2sad.tests.effects")
    logging_ok(X)
    expected = [(r.levelname, r.getMessage()) for r in caplog.records]
    caplog.clear()
    run, ref = TRANSFORMS[name]
    np.testing.assert_allclose(run(logging_ok), ref(), rtol=1e-12, atol=1e-12)
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == expected
    assert len(expected) == 2


def test_a_logger_got_by_a_call_stays_refused():
    with pytest.raises(UnsupportedSyntaxError, match="discards the result of a call"):
        s2sad.grad(logging_)


@pytest.mark.parametrize("name", ["grad", "jvp", "hvp"])
def test_warning(name):
    run, ref = TRANSFORMS[name]
    with pytest.warns(RuntimeWarning, match="negative entries"):
        np.testing.assert_allclose(run(warning), ref(), rtol=1e-12, atol=1e-12)


EXCEPTIONS = {
    "grad": lambda f, x: s2sad.grad(f)(x),
    "value_and_grad": lambda f, x: s2sad.value_and_grad(f)(x),
    "vjp": lambda f, x: s2sad.vjp(f)(x),
    "jvp": lambda f, x: s2sad.jvp(f)(x, np.ones_like(x)),
    "hessian": lambda f, x: s2sad.hessian(f)(x),
    "hvp": lambda f, x: s2sad.hvp(f)(x, np.ones_like(x)),
    "jacobian": lambda f, x: s2sad.jacobian(f)(x),
}


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
@pytest.mark.parametrize("func, bad", [(validated, np.array([1.0])),
                                       (raises_in_loop, np.array([1.0, 11.0, 2.0])),
                                       (raises_in_else, np.array([-200.0, 1.0]))])
def test_raise_the_same_exception(func, bad, name, capsys):
    with pytest.raises(Exception) as python:
        func(bad)
    call = EXCEPTIONS[name]
    with pytest.raises(type(python.value)) as got:
        call(func, bad)
    assert got.value.args == python.value.args
    assert type(got.value.__cause__) is type(python.value.__cause__)
    if python.value.__cause__ is not None:
        assert got.value.__cause__.args == python.value.__cause__.args
    # the same derivative works after it raised (nothing left half done)
    np.testing.assert_allclose(s2sad.grad(func)(X), grad_ref(X), rtol=1e-12)
    call(func, X)


def test_bare_raise_refused():
    def f(x):
        if x > 0:
            raise
        return x * x
    with pytest.raises(UnsupportedSyntaxError, match="bare 'raise'"):
        s2sad.grad(f)


def test_raise_of_a_computed_exception_refused():
    def make(msg):
        return ValueError(msg)

    def f(x):
        if x > 0:
            raise make("no")
        return x * x
    with pytest.raises(UnsupportedSyntaxError, match="exception class"):
        s2sad.grad(f)


def sorts(a):
    a.sort()


def writes_global(a):
    CONFIG["last"] = a


CONFIG = {}


@pytest.mark.parametrize("stmt, fragment", [
    ("y.sort()", ".sort()"),
    ("np.random.shuffle(y)", ".shuffle()"),
    ("sorts(y)", ""),
    ("writes_global(y)", "discards the result"),
])
def test_calls_that_may_write_stay_refused(stmt, fragment, tmp_path, monkeypatch):
    source = textwrap.dedent(f"""
        import numpy as np
        from test_effects import sorts, writes_global

        def f(x):
            y = x * 1.0
            {stmt}
            return np.sum(y * x)
        """)
    (tmp_path / "refused_mod.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(os.path.dirname(__file__))
    import importlib
    mod = importlib.import_module("refused_mod")
    try:
        with pytest.raises(Exception) as info:
            s2sad.grad(mod.f)(X)
        assert fragment in str(info.value)
        assert "refused_mod.py:7" in str(info.value) or stmt == "sorts(y)"
    finally:
        sys.modules.pop("refused_mod", None)


def test_numba_backend(capsys):
    pytest.importorskip("numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)   # raise: compiled
        g = s2sad.grad(validated, backend="numba")
        np.testing.assert_allclose(g(X), grad_ref(X), rtol=1e-12)
        with pytest.raises(ValueError, match="short") as info:
            g(np.array([1.0]))
        assert info.value.args == ("short",)
        np.testing.assert_allclose(g(X), grad_ref(X), rtol=1e-12)
    printing(X)
    expected = capsys.readouterr().out
    with pytest.warns(s2sad.NumbaFallbackWarning, match="print"):   # numpy's code prints
        gp = s2sad.grad(printing, backend="numba")
        np.testing.assert_allclose(gp(X), grad_ref(X), rtol=1e-12)
    assert capsys.readouterr().out == expected


def test_cli_module_runs_the_effects(tmp_path, monkeypatch, capsys):
    (tmp_path / "effmod.py").write_text(textwrap.dedent("""
        import numpy as np

        def f(x):
            if x.shape[0] < 2:
                raise ValueError("short")
            print("x", x.shape)
            return np.sum(np.sin(x) * x)
        """))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cli.main(["grad", "effmod.py:f", "-o", "effmod_grad.py"]) == 0
    capsys.readouterr()
    import importlib
    try:
        mod = importlib.import_module("effmod_grad")
        value, g = mod.f_value_and_grad(X)
        np.testing.assert_allclose(g, grad_ref(X), rtol=1e-12)
        assert capsys.readouterr().out == "x (3,)\n"
        with pytest.raises(ValueError, match="short"):
            mod.f_value_and_grad(np.array([1.0]))
    finally:
        sys.modules.pop("effmod_grad", None)
        sys.modules.pop("effmod", None)


def scale_(a, c):
    a *= c


def add_twice(a, v):
    a += v
    a += v


def scaled(x):
    buf = np.sin(x) * 1.0
    scale_(buf, 3.0)
    return np.sum(buf * x)


def accumulated(x):
    acc = np.zeros(3)
    for i in range(2):
        add_twice(acc, x * x)
    view = acc   # the same array: sees the writes, as in Python
    return np.sum(view * x)


def scaled_number(x):
    s = np.sum(x)
    scale_(s, 3.0)
    return s * x[0]


AUGMENTED = {
    # f, gradient, Hessian (by hand)
    scaled: (lambda x: 3.0 * (np.cos(x) * x + np.sin(x)),
             lambda x: np.diag(3.0 * (2.0 * np.cos(x) - np.sin(x) * x))),
    accumulated: (lambda x: 12.0 * x * x, lambda x: np.diag(24.0 * x)),   # sum(4 x^3)
}


@pytest.mark.parametrize("func", sorted(AUGMENTED, key=lambda f: f.__name__))
def test_a_helpers_augmented_assignment_changes_the_callers_array(func):
    grad, hess = AUGMENTED[func]
    value = func(X.copy())
    v, g = s2sad.value_and_grad(func)(X)
    assert v == pytest.approx(value, rel=1e-12)
    np.testing.assert_allclose(g, grad(X), rtol=1e-12)
    np.testing.assert_allclose(s2sad.vjp(func)(X)[1](1.0), grad(X), rtol=1e-12)
    np.testing.assert_allclose(s2sad.jvp(func)(X, V)[1], grad(X) @ V, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hvp(func)(X, V), hess(X) @ V, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(func)(X), hess(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(s2sad.jacobian(func)(X), grad(X), rtol=1e-12)


def test_a_helpers_augmented_assignment_of_a_number_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match="here 's' is a number") as info:
        s2sad.grad(scaled_number)(X)
    assert info.value.location.line == scaled_number.__code__.co_firstlineno + 2


def wide(x):
    print("wide", x[0])
    return np.concatenate([np.sin(x), x * x])


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_a_jacobian_runs_them_once(mode, capsys):
    wide(X)
    expected = capsys.readouterr().out
    J = s2sad.jacobian(wide, mode=mode)(X)
    np.testing.assert_allclose(J, np.vstack([np.diag(np.cos(X)), np.diag(2.0 * X)]),
                               rtol=1e-12)
    assert capsys.readouterr().out == expected


def test_a_hessian_with_a_warning_in_a_branch_warns_once():
    with pytest.warns(RuntimeWarning) as record:
        H = s2sad.hessian(warning)(X)
    np.testing.assert_allclose(H, hess_ref(X), rtol=1e-12, atol=1e-12)
    assert [str(w.message) for w in record if w.category is RuntimeWarning] == \
        ["negative entries"]


def check_length(a, n):
    if a.shape[0] < n:
        raise ShortError(f"need {n} values, got {a.shape[0]}")
    if np.any(np.isnan(a)):
        warnings.warn("nan in input", RuntimeWarning)


def checked(x):
    check_length(x, 2)
    return np.sum(np.sin(x) * x)


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_a_validating_helper_raises_where_python_does(name):
    np.testing.assert_allclose(s2sad.grad(checked)(X), grad_ref(X), rtol=1e-12)
    with pytest.raises(ShortError) as python:
        checked(np.array([1.0]))
    with pytest.raises(ShortError) as got:
        EXCEPTIONS[name](checked, np.array([1.0]))
    assert got.value.args == python.value.args == ("need 2 values, got 1",)


def shuffles(a):
    np.random.shuffle(a)


def copies_into(a, b):
    np.copyto(a, b)


def outs(a):
    np.sin(a, out=a)


@pytest.mark.parametrize("helper", [shuffles, copies_into, outs, sorts])
def test_a_helper_calling_a_numpy_writer_is_no_effect_only_helper(helper):
    from s2sad.syntax.normalize.effects import effect_only
    assert not effect_only(helper)
    assert effect_only(check_length) and effect_only(report) and effect_only(pure)


def energy_in_loop(x):
    total = 0.0
    for i in range(len(x)):
        total += 2.0 * x[i] ** 2
        if x[i] > 0.5:
            print("far out", i)
        elif x[i] < -0.5:
            while False:
                pass
            print("far in", i)
    return total


def squares_in_loop(x):
    y = np.zeros(len(x))
    i = 0
    while i < len(x):
        y[i] = x[i] ** 2
        for j in range(1):
            if x[i] > 0.5:
                print("far out", i, j)
        i += 1
    return y


POINTS = np.array([0.7, 0.1, -0.9])


@pytest.mark.parametrize("func, run", [
    (energy_in_loop, lambda f: s2sad.hessian(f)(POINTS)),
    (squares_in_loop, lambda f: s2sad.jacobian(f, mode="forward")(POINTS)),
    (squares_in_loop, lambda f: s2sad.jacobian(f, mode="reverse")(POINTS)),
    (energy_in_loop, lambda f: s2sad.hvp(f)(POINTS, POINTS)),
], ids=["hessian", "jacobian-forward", "jacobian-reverse", "hvp"])
def test_a_print_in_a_branch_in_a_loop_runs_once_per_call(func, run, capsys):
    # found by stranger15: the quiet copy the later columns run kept a loop whose
    # body held an `if` printing (the loop's body as long as before, its `if` new),
    # so a Hessian printed once per column
    func(POINTS)
    expected = capsys.readouterr().out
    assert expected
    run(func)
    assert capsys.readouterr().out == expected


def test_the_derivatives_of_the_printing_loops():
    # by hand: d2/dx2 of sum 2 x_i^2 is 4 I; d/dx of x_i^2 is diag(2 x)
    np.testing.assert_allclose(s2sad.hessian(energy_in_loop)(POINTS), 4.0 * np.eye(3))
    np.testing.assert_allclose(s2sad.jacobian(squares_in_loop, mode="forward")(POINTS),
                               np.diag(2.0 * POINTS))
