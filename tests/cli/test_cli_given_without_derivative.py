"""Written modules calling a helper given a function where the call carries no derivative
(``k = integ(rhs, np.ones(2), 3)``, ``k`` constant): the generated code calls the function
s2sad made of ``integ`` given ``rhs`` as it is, which no module holds, and the module
raised ``NameError`` at its first call.  Now it makes that function again when imported
(``given_function``), for a module's function, a lambda, a partial, a module object's
method, numpy's function and a helper of another module; checked against central
differences of the source function, in reverse and forward modules.  A local function
given is refused when the module is written, located."""

import importlib
import sys
import textwrap

import numpy as np
import pytest

from s2sad import cli

HELPERS = """
    def steps(f, y, n):
        for i in range(n):
            y = y + 0.1 * f(y)
        return y
"""

SOURCE = """
    import functools
    import numpy as np
    from gw_helpers import steps

    def integ(f, y, n):
        for i in range(n):
            y = y + 0.1 * f(y)
        return y

    def rhs(y):
        return -0.5 * y

    def sq(z, c=2.0):
        return c * z ** 2

    HALF = lambda y: 0.5 * np.cos(y)
    PS = functools.partial(sq, c=0.3)

    class Model:
        def __init__(self, k):
            self.k = k

        def rhs(self, y):
            return -self.k * np.sin(y)

    MODEL = Model(1.5)

    def function(x):
        k = integ(rhs, np.ones(2), 3)
        return np.sum(x * x) * np.sum(k)

    def lam(x):
        k = integ(HALF, np.ones(2), 2)
        return np.sum(np.sin(x) * k)

    def partial(x):
        k = integ(PS, np.full(2, 0.5), 2)
        return np.sum(x ** 3 * k)

    def method(x):
        k = integ(MODEL.rhs, np.ones(2), 3)
        return np.sum(np.exp(x) * k)

    def library(x):
        k = integ(np.sin, np.ones(2), 2)
        return np.sum(x * k) ** 2

    def other_module(x):
        k = steps(rhs, np.ones(2), 2)
        return np.sum(x * x * k)

    def two_helpers(x):
        a = integ(rhs, np.ones(2), 1)
        b = integ(HALF, np.ones(2), 1)
        return np.sum(x * a) + np.sum(x * x * b)

    def local_function(x):
        def inner(y):
            return 2.0 * y
        k = integ(inner, np.ones(2), 2)
        return np.sum(x * k)
"""

NAMES = ("function", "lam", "partial", "method", "library", "other_module", "two_helpers")


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "gw_helpers.py").write_text(textwrap.dedent(HELPERS), encoding="utf-8")
    (tmp_path / "gw_src.py").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in list(sys.modules):
        if name.startswith("gw_"):
            del sys.modules[name]


def _central(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_written_module_makes_the_function_again(project, mode):
    x = np.array([0.7, -0.4])
    for name in NAMES:
        out = f"gw_{name}_{mode}.py"
        assert cli.main(["grad", f"gw_src.py:{name}", "--mode", mode, "-o", out]) == 0, name
        assert "supplied by the caller" not in (project / out).read_text()
        written = importlib.import_module(out[:-3])
        source = importlib.import_module("gw_src")
        if mode == "reverse":
            value, grad = getattr(written, f"{name}_value_and_grad")(x)
        else:
            jvp = getattr(written, f"{name}_jvp")
            pairs = [jvp(x, x_dot=row) for row in np.eye(2)]
            value, grad = pairs[0][0], np.array([float(p[1]) for p in pairs])
        assert value == pytest.approx(getattr(source, name)(x), rel=1e-12), name
        np.testing.assert_allclose(grad, _central(getattr(source, name), x), rtol=1e-6,
                                   atol=1e-8, err_msg=name)


def test_a_local_function_given_is_refused(project, capsys):
    assert cli.main(["grad", "gw_src.py:local_function", "-o", "gw_local.py"]) == 2
    err = capsys.readouterr().err
    assert "given the local value 'inner'" in err, err
    assert "gw_src.py:61:" in err
    assert not (project / "gw_local.py").exists()
