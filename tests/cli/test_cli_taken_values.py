"""What a written module takes from the source besides its globals, read as Python's
function reads it and checked at each call (``cli.taken``): a function's defaults (its
``__defaults__``, not the global the default's text names), every user function it inlined
or differentiated (rebound: ``ReboundNameError``, not the old derivative), a module-level
partial's keywords and positional values.  Each module runs in a fresh process; gradients
are compared with central differences of the source function as the program left it.
"""

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import functools
    import numpy as np
    import tk_helpers

    G = np.array([1.0, 2.0, 3.0])
    C = 2.0

    def with_array_default(x, w=G):
        return np.sum(w * x ** 2)

    def with_number_default(x, s=C):
        return np.sum(x ** 2) * s

    def helper(z):
        return z ** 2

    def calls_helper(x):
        return np.sum(helper(x)) * C

    def calls_module_function(x):
        return np.sum(tk_helpers.act(x))

    class Model:
        @staticmethod
        def pure(z):
            return np.sin(z)

        def method(self, z):
            return z * 3.0

    M = Model()

    def calls_class_function(x):
        return np.sum(Model.pure(x))

    def calls_method(x):
        return np.sum(M.method(x))

    def rhs(y):
        return -y ** 3

    def euler(fn, y):
        return y + 0.1 * fn(y)

    def passes_function(x):
        return np.sum(euler(rhs, x))

    def q(x, a):
        return np.sum(a * x ** 2)

    P = functools.partial(q, a=2.0)
    W = np.array([1.0, 2.0, 3.0])
    PW = functools.partial(q, a=W)
    PB = functools.partial(q, W)

    def partial_number(x):
        return P(x)

    def partial_array(x):
        return PW(x)

    def partial_positional(x):
        return PB(x)
"""

HELPERS = """
    import numpy as np

    def act(z):
        return np.tanh(z)
"""

FUNCTIONS = ("with_array_default", "with_number_default", "calls_helper",
             "calls_module_function", "calls_class_function", "calls_method",
             "passes_function", "partial_number", "partial_array", "partial_positional")

#: run in a fresh process: each case changes the source module, then calls the written
#: module (imported before or after the change), and prints the gradient, Python's value
#: and its central differences, or the error's class
RUNNER = """
    import functools, importlib, json, sys
    import numpy as np
    import tk_src, tk_helpers
    x = np.array([0.3, -0.7, 1.1])

    def central(f):
        g = np.zeros_like(x)
        for i in range(x.size):
            e = np.zeros_like(x); e[i] = 1e-6
            g[i] = (f(x + e) - f(x - e)) / 2e-6
        return g

    def call(name):
        module = importlib.import_module(name + "_grad")
        try:
            value, grad = getattr(module, name + "_value_and_grad")(x)
        except Exception as exc:
            return {"error": type(exc).__name__, "message": str(exc)}
        f = getattr(tk_src, name)
        return {"value": float(value), "grad": grad.tolist(), "python": float(f(x)),
                "central": central(f).tolist()}

    case = sys.argv[1]
    out = {}
    if case == "defaults_before_import":
        tk_src.G = np.array([-5.0, 7.0, 0.5])   # f's default stays [1, 2, 3]
        out["array"] = call("with_array_default")
    elif case == "defaults_after_import":
        importlib.import_module("with_number_default_grad")
        tk_src.C = 5.0                          # f's default stays 2.0
        out["number"] = call("with_number_default")
        tk_src.with_number_default.__defaults__ = (4.0,)
        out["number_reset"] = call("with_number_default")
    elif case == "helpers_rebound":
        names = ["calls_helper", "calls_module_function", "calls_class_function",
                 "calls_method", "passes_function"]
        out["before"] = {n: call(n) for n in names}
        tk_src.helper = np.sin
        tk_helpers.act = np.sin
        tk_src.Model.pure = staticmethod(np.cos)
        tk_src.rhs = lambda y: -y
        class Other:
            def method(self, z):
                return z * 5.0
        tk_src.M.__class__ = Other
        out["after"] = {n: call(n) for n in names}
    elif case == "helper_rebound_before_import":
        tk_src.helper = np.sin
        out["helper"] = call("calls_helper")
    elif case == "partials":
        out["before"] = {n: call(n) for n in ("partial_number", "partial_array",
                                              "partial_positional")}
        tk_src.W[:] = [5.0, 5.0, 5.0]            # changed in place: read
        out["in_place"] = {n: call(n) for n in ("partial_array", "partial_positional")}
        tk_src.P = functools.partial(tk_src.q, a=7.0)
        tk_src.PW = functools.partial(tk_src.q, a=np.array([-1.0, -1.0, -1.0]))
        tk_src.PB = functools.partial(tk_src.q, np.ones(3))
        out["rebound"] = {n: call(n) for n in ("partial_number", "partial_array",
                                               "partial_positional")}
    print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_taken")
    (root / "tk_src.py").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    (root / "tk_helpers.py").write_text(textwrap.dedent(HELPERS), encoding="utf-8")
    (root / "runner.py").write_text(textwrap.dedent(RUNNER), encoding="utf-8")
    for name in FUNCTIONS:
        s2sad_command(["grad", f"tk_src.py:{name}",
                        "--wrt", "x", "-o", f"{name}_grad.py"], cwd=root, check=True,
                       env=_ENV, capture_output=True)
    return root


def _run(root, case):
    proc = subprocess.run([sys.executable, "runner.py", case], cwd=root, env=_ENV,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _right(result):
    assert "error" not in result, result
    assert result["value"] == pytest.approx(result["python"], rel=1e-12)
    assert result["grad"] == pytest.approx(result["central"], rel=1e-6, abs=1e-8)


def test_a_default_is_the_function_s_not_the_global_rebound_before_import(written):
    out = _run(written, "defaults_before_import")
    _right(out["array"])
    assert out["array"]["grad"] == pytest.approx([0.6, -2.8, 6.6])   # 2 w x, w = [1, 2, 3]


def test_a_global_a_default_was_made_of_rebound_after_import_is_no_refusal(written):
    out = _run(written, "defaults_after_import")
    _right(out["number"])
    assert out["number"]["grad"] == pytest.approx([1.2, -2.8, 4.4])   # 2 s x, s = 2
    # (the function's own default set anew: a changed value, refused with its name)
    assert out["number_reset"]["error"] == "ReboundNameError"
    assert "with_number_default.__defaults__[0]" in out["number_reset"]["message"]


def test_every_function_inlined_or_differentiated_is_checked_at_each_call(written):
    out = _run(written, "helpers_rebound")
    for result in out["before"].values():
        _right(result)
    shown = {"calls_helper": "tk_src.helper", "calls_module_function": "tk_helpers.act",
             "calls_class_function": "tk_src.Model.pure", "calls_method": "tk_src.M.method",
             "passes_function": "tk_src.rhs"}
    for name, result in out["after"].items():
        assert result.get("error") == "ReboundNameError", (name, result)
        assert shown[name] in result["message"], (name, result["message"])


def test_a_function_rebound_before_the_import_is_refused_at_the_first_call(written):
    out = _run(written, "helper_rebound_before_import")
    line = textwrap.dedent(SOURCE).splitlines().index("def helper(z):") + 1
    assert out["helper"]["error"] == "ReboundNameError"
    assert f"tk_src.helper is not the function helper (line {line})" in out["helper"]["message"]


def test_a_partial_s_values_are_read_from_it_and_checked(written):
    out = _run(written, "partials")
    for result in out["before"].values():   # (partial_array crashed with a TypeError)
        _right(result)
    for result in out["in_place"].values():
        _right(result)
    assert out["in_place"]["partial_array"]["grad"] == pytest.approx([3.0, -7.0, 11.0])
    for name, result in out["rebound"].items():
        assert result.get("error") == "ReboundNameError", (name, result)


def test_a_numba_module_reads_its_defaults_and_checks_its_helpers(tmp_path):
    pytest.importorskip("numba", reason="the numba target needs numba")
    (tmp_path / "tk_src.py").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    (tmp_path / "tk_helpers.py").write_text(textwrap.dedent(HELPERS), encoding="utf-8")
    for name, flags in (("with_array_default", []), ("calls_module_function",
                                                     ["--mode", "forward"])):
        s2sad_command(["grad", f"tk_src.py:{name}", "--wrt",
                        "x", "--target", "numba", "-o", f"{name}_numba.py", *flags],
                       cwd=tmp_path, check=True, env=_ENV, capture_output=True)
    script = textwrap.dedent("""
        import numpy as np, tk_src, tk_helpers
        tk_src.G = np.array([-5.0, 7.0, 0.5])
        import with_array_default_numba as a, calls_module_function_numba as b
        x = np.array([0.3, -0.7, 1.1])
        print(a.with_array_default_value_and_grad(x)[1].tolist())
        print(float(b.calls_module_function_jvp(x, x_dot=np.array([1.0, 0.0, 0.0]))[1]))
        tk_helpers.act = np.sin
        try:
            b.calls_module_function_jvp(x, x_dot=np.ones(3))
        except Exception as exc:
            print(type(exc).__name__)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=_ENV,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    grad, slope, error = proc.stdout.split("\n")[:3]
    assert json.loads(grad) == pytest.approx([0.6, -2.8, 6.6])   # 2 w x, w = f's [1, 2, 3]
    assert float(slope) == pytest.approx(1.0 - np.tanh(0.3) ** 2)   # by hand
    assert error == "ReboundNameError"
