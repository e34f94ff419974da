"""A rebound numpy function (``np.sin = np.cos``, a user's monkeypatch) never changes what
a rule's derivative computes: s2sad's templates read ``np.sin`` when the derivative runs
(the adjoint of cos is ``-np.sin(x)``), so a rule whose template reads a rebound name is
refused where it is used, before or after the derivative was made (its cached entry and
its fast path check the name), and works again once the name is restored.  Values are
compared with derivatives written by hand."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import s2sad
from s2sad import ReboundNameError

SOURCE = """
    import numpy as np

    def f(x):
        return np.sin(x)

    def h(x):
        return np.cos(x) * x
    """
X = 0.3


def hand(mode, x=X):
    """h(x) = x cos(x), by hand."""
    d1 = np.cos(x) - x * np.sin(x)
    d2 = -2.0 * np.sin(x) - x * np.cos(x)
    return {"grad": d1, "value_and_grad": (x * np.cos(x), d1), "vjp": d1,
            "jvp": (x * np.cos(x), d1), "hessian": d2, "hvp": d2}[mode]


def derivative(mode, func):
    """``mode``'s derivative of ``func`` as a function of x alone."""
    if mode == "vjp":
        return lambda x: s2sad.vjp(func)(x)[1](1.0)
    if mode in ("jvp", "hvp"):
        made = getattr(s2sad, mode)(func)
        return lambda x: made(x, 1.0)
    return getattr(s2sad, mode)(func)


def close(got, want):
    return np.allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float),
                       rtol=1e-12, atol=1e-12)


MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "hvp")


@pytest.mark.parametrize("mode", MODES)
def test_a_rule_reading_a_rebound_name_is_refused_then_works_once_restored(mode, load,
                                                                          monkeypatch):
    module = load("rebound_modes", SOURCE)
    d = derivative(mode, module.h)
    assert close(d(X), hand(mode))                 # made and warm (fast path) first
    assert close(d(X), hand(mode))
    monkeypatch.setattr(np, "sin", np.cos)         # the adjoint/tangent of cos reads np.sin
    with pytest.raises(ReboundNameError) as info:
        d(X)
    message = str(info.value)
    assert "numpy.sin is numpy.cos now" in message and "rule of numpy.cos reads as np.sin" in message
    assert "rebound_modes.py:8:" in message        # the line calling np.cos
    assert "restore numpy.sin" in message
    with pytest.raises(ReboundNameError):          # a new derivative made while rebound
        derivative(mode, module.h)(X)
    monkeypatch.undo()                             # restored: right again
    assert close(d(X), hand(mode))
    assert close(derivative(mode, module.h)(X), hand(mode))


def test_the_users_rebound_call_is_differentiated_as_what_it_calls(load, monkeypatch):
    # the example of the bug: np.sin is cos while the gradient is made; the rule of cos
    # is right for the call, its adjoint's np.sin (which would compute cos) is refused
    module = load("rebound_call", SOURCE)
    monkeypatch.setattr(np, "sin", np.cos)
    with pytest.raises(ReboundNameError, match="numpy.sin is numpy.cos now"):
        s2sad.grad(module.f)(X)
    # np.sin rebound to tanh: the rule of tanh reads no rebound name, nothing to refuse
    monkeypatch.setattr(np, "sin", np.tanh)
    assert close(s2sad.grad(module.f)(X), 1.0 - np.tanh(X) ** 2)
    monkeypatch.undo()
    assert close(s2sad.grad(module.f)(X), np.cos(X))


def test_a_name_rebound_after_a_warm_call_is_seen_by_the_fast_path(load, monkeypatch):
    module, summed = load("rebound_warm", SOURCE), sum_module(load)   # (before any undo)
    g = s2sad.grad(module.h)
    x = np.linspace(0.1, 0.9, 5)
    want = np.cos(x) - x * np.sin(x)
    for _ in range(3):
        assert close(g(X), hand("grad"))
    monkeypatch.setattr(np, "sin", lambda v: 0.0 * v)
    with pytest.raises(ReboundNameError, match="numpy.sin is .*lambda"):
        g(X)
    monkeypatch.undo()
    assert close(g(X), hand("grad"))
    h = s2sad.grad(summed.s)
    assert close(h(x), want)
    monkeypatch.setattr(np.linalg, "norm", np.sum)   # read by no rule here: still made
    assert close(h(x), want)


def sum_module(load):
    return load("rebound_sum", """
        import numpy as np

        def s(x):
            return np.sum(np.cos(x) * x)
        """)


def test_numba_gradients_check_the_names_too(load, monkeypatch):
    pytest.importorskip("numba", reason="numba is optional")
    module = load("rebound_numba", SOURCE)
    g = s2sad.grad(module.h, backend="numba")
    assert close(g(X), hand("grad"))
    assert close(g(X), hand("grad"))
    monkeypatch.setattr(np, "sin", np.cos)
    with pytest.raises(ReboundNameError, match="numpy.sin is numpy.cos now"):
        g(X)
    monkeypatch.undo()
    assert close(g(X), hand("grad"))


def test_a_numpy_function_rebound_before_the_rules_load_is_refused(tmp_path):
    # the rule tables are keyed by numpy's functions as they load: with np.sin = np.cos
    # they would file sine's rule under cosine for the rest of the process
    script = textwrap.dedent("""
        import numpy as np
        import s2sad
        from s2sad.errors import ReboundNameError

        def f(x):
            return np.sin(x) * x

        sin = np.sin
        np.sin = np.cos
        try:
            s2sad.grad(f)(0.3)
        except ReboundNameError as exc:
            print("refused:", str(exc).splitlines()[0])
        np.sin = sin
        print("restored:", s2sad.grad(f)(0.3))
        """)
    root = os.path.dirname(os.path.dirname(os.path.abspath(s2sad.__file__)))
    (tmp_path / "rebound_first.py").write_text(script)
    out = subprocess.run([sys.executable, str(tmp_path / "rebound_first.py")], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": root}).stdout
    assert "refused: numpy.sin is <ufunc 'cos'>, not numpy's own function" in out
    restored = float(out.split("restored:")[1])
    assert close(restored, np.sin(X) + X * np.cos(X))


def test_scipy_special_names_a_rule_reads_are_checked_too(load, monkeypatch):
    sps = pytest.importorskip("scipy.special", reason="scipy is optional")
    module = load("rebound_scipy", """
        import scipy.special as sps

        def f(x):
            return sps.gammaln(x) * x
        """)
    g = s2sad.grad(module.f)
    want = sps.digamma(1.7) * 1.7 + sps.gammaln(1.7)   # by hand: (x lgamma x)'
    assert close(g(1.7), want)
    monkeypatch.setattr(sps, "digamma", sps.gammaln)   # the adjoint of gammaln reads it
    with pytest.raises(ReboundNameError) as info:
        g(1.7)
    # scipy's ufuncs (as numpy's, up to numpy 2.0) have no __module__: still spelled by name
    message = str(info.value)
    assert "scipy.special.digamma is scipy.special.gammaln now, not scipy.special.psi" in message
    assert "rule of scipy.special.gammaln reads as sps.digamma" in message
    monkeypatch.undo()
    assert close(g(1.7), want)


@pytest.mark.parametrize("mode", ("grad", "jvp", "hessian"))
def test_runtime_helpers_call_numpys_own_functions(mode, load, monkeypatch):
    # the adjoint of np.linalg.norm is a runtime helper that computes with np.sqrt: a
    # rebound np.sqrt (which the function itself does not read) must not reach it
    module = load("rebound_runtime", """
        import numpy as np

        def f(x):
            return np.linalg.norm(x)
        """)
    x, v = np.array([3.0, 4.0]), np.array([1.0, 2.0])
    r = np.sqrt(x @ x)
    want = {"grad": x / r, "jvp": (r, x @ v / r),                       # by hand
            "hessian": (np.eye(2) - np.outer(x, x) / r ** 2) / r}[mode]
    made = getattr(s2sad, mode)(module.f)
    d = (lambda x: made(x, v)) if mode == "jvp" else made
    assert close(d(x), want)
    monkeypatch.setattr(np, "sqrt", np.cbrt)
    assert close(d(x), want)
    d = (lambda x: s2sad.jvp(module.f)(x, v)) if mode == "jvp" else getattr(s2sad, mode)(module.f)
    assert close(d(x), want)
