"""Written modules of a function giving a helper a module-level partial (``euler(PS, y,
2)``, its values by keyword or by position, a number or an array) or a method of a
module-level object (``euler(MODEL.rhs, y, 3)``): each value the partial holds is read from
it and checked at each call, as for a partial the code calls itself (a partial rebound
after the import: ``ReboundNameError``, not the old gradient; an array by keyword: no
``TypeError``), and a method is checked as its class's function (``MODEL.rhs.__func__``),
not refused.  Reverse, vjp and forward modules, each run in a fresh process; gradients
against central differences of the source function as the program left it.
"""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import functools
    import numpy as np

    def euler(f, y, n):
        for i in range(n):
            y = y + 0.1 * f(y)
        return y

    def sq(z, c=2.0):
        return c * z ** 2

    W = np.array([1.0, 2.0])
    PS = functools.partial(sq, c=3.0)
    PK = functools.partial(sq, c=W)

    def q(a, z):
        return a * np.sin(z)

    PB = functools.partial(q, W)

    class Model:
        def __init__(self, k):
            self.k = k

        def rhs(self, y):
            return -self.k * np.sin(y)

    MODEL = Model(1.5)

    def number_kw(y):
        return np.sum(euler(PS, y, 2))

    def array_kw(y):
        return np.sum(euler(PK, y, 2) ** 2)

    def array_pos(y):
        return np.sum(euler(PB, y, 2) ** 2)

    def method(y):
        return np.sum(euler(MODEL.rhs, y, 3) ** 2)
"""

FUNCTIONS = ("number_kw", "array_kw", "array_pos", "method")
FLAVORS = {"value_and_grad": "_grad", "vjp": "_vjp", "jvp": "_jvp"}

#: imports each written module, calls it, then (case "rebound") rebinds the partials and
#: calls again; prints the derivative, Python's value and central differences, or the
#: error's class
RUNNER = """
    import functools, importlib, json, sys
    import numpy as np
    import gh_src
    y = np.array([0.7, -0.4])
    flavor = sys.argv[1]

    def central(f):
        g = np.zeros_like(y)
        for i in range(y.size):
            e = np.zeros_like(y); e[i] = 1e-6
            g[i] = (f(y + e) - f(y - e)) / 2e-6
        return g

    def derivative(module, name):
        if flavor == "value_and_grad":
            return getattr(module, name + "_value_and_grad")(y)
        if flavor == "vjp":
            value, pullback = getattr(module, name + "_vjp")(y)
            return value, pullback(1.0)
        grad = []
        for i in range(y.size):
            value, slope = getattr(module, name + "_jvp")(y, y_dot=np.eye(y.size)[i])
            grad.append(float(slope))
        return value, np.array(grad)

    def call(name):
        module = importlib.import_module(name + sys.argv[2])
        try:
            value, grad = derivative(module, name)
        except Exception as exc:
            return {"error": type(exc).__name__, "message": str(exc)}
        f = getattr(gh_src, name)
        return {"value": float(value), "grad": np.asarray(grad).tolist(),
                "python": float(f(y)), "central": central(f).tolist()}

    names = sys.argv[3:]
    out = {"before": {n: call(n) for n in names}}
    gh_src.W[:] = [-1.0, 0.5]                    # changed in place: read
    out["in_place"] = {n: call(n) for n in names}
    gh_src.PS = functools.partial(gh_src.sq, c=5.0)
    gh_src.PK = functools.partial(gh_src.sq, c=np.array([4.0, -3.0]))
    gh_src.PB = functools.partial(gh_src.q, np.array([4.0, -3.0]))
    gh_src.MODEL.k = 0.5                         # an attribute the method reads: read
    out["rebound"] = {n: call(n) for n in names}
    print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_given")
    (root / "gh_src.py").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    (root / "runner.py").write_text(textwrap.dedent(RUNNER), encoding="utf-8")
    for name in FUNCTIONS:
        for flavor, suffix in FLAVORS.items():
            mode = "forward" if flavor == "jvp" else "reverse"
            s2sad_command(["grad", f"gh_src.py:{name}",
                            "--wrt", "y", "--mode", mode, "--flavor", flavor,
                            "-o", f"{name}{suffix}.py"], cwd=root, check=True, env=_ENV,
                           capture_output=True)
    return root


def _run(root, flavor):
    proc = subprocess.run([sys.executable, "runner.py", flavor, FLAVORS[flavor],
                           *FUNCTIONS], cwd=root, env=_ENV, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _right(name, result):
    assert "error" not in result, (name, result)
    assert result["value"] == pytest.approx(result["python"], rel=1e-12)
    assert result["grad"] == pytest.approx(result["central"], rel=1e-6, abs=1e-8), name


@pytest.mark.parametrize("flavor", sorted(FLAVORS))
def test_partials_and_methods_given_to_a_helper(written, flavor):
    out = _run(written, flavor)
    for name, result in out["before"].items():   # (array_kw crashed, method was refused)
        _right(name, result)
    for name, result in out["in_place"].items():
        _right(name, result)
    # (by hand: number_kw's one step of euler at c=3 on each entry, twice)
    y = [0.7, -0.4]
    hand = []
    for v in y:
        d, s = 1.0, v
        for _ in range(2):
            d, s = d * (1 + 0.1 * 2 * 3.0 * s), s + 0.1 * 3.0 * s ** 2
        hand.append(d)
    assert out["before"]["number_kw"]["grad"] == pytest.approx(hand, rel=1e-12)
    for name in ("number_kw", "array_kw", "array_pos"):   # (the old gradient, before)
        result = out["rebound"][name]
        assert result.get("error") == "ReboundNameError", (name, result)
    _right("method", out["rebound"]["method"])
