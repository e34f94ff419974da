"""A ``--target numba`` module either runs at its first call or is refused when written:
s2sad's own helpers imported from a runtime submodule (``deviations_from`` of ``np.std``)
are ported or refused, never passed to the compiled code as the user's values; a name
preset to None before a nested loop (``f[i + 1] -= ...`` in two loops) compiles, or is
refused with a message naming s2sad's own index, not the user."""

import ast
import importlib
import importlib.util
import os
import pkgutil
import sys
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import s2sad  # noqa: E402
import s2sad.runtime  # noqa: E402
from s2sad.backends.numba_target import numba_runtime_names, to_numba  # noqa: E402
from s2sad.errors import NumbaTargetError  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''import numpy as np


def colstd(X):
    return np.sum(np.std(X, axis=0))


def chain(x, n):
    f = np.zeros(3)
    for t in range(n):
        for i in range(2):
            f[i + 1] -= x[i] * f[i] + 1.0
    return np.sum(f ** 2)


def chain3(x, n):
    f = np.zeros(4)
    for t in range(n):
        for s in range(2):
            for i in range(3):
                f[i + 1] -= x[i] * f[i] * 0.5 + 0.25
    return np.sum(f ** 2)
'''


def _cli(tmp_path, func, *extra):
    (tmp_path / "m.py").write_text(SOURCE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return s2sad_command(["grad", f"m.py:{func}", *extra,
                           "--target", "numba", "-o", "out.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)


def _load(tmp_path, name):
    spec = importlib.util.spec_from_file_location(name, tmp_path / "out.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _user(tmp_path):
    spec = importlib.util.spec_from_file_location("m_user", tmp_path / "m.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fd(f, x, *rest, h=1e-6):
    return np.array([(f(x + h * e, *rest) - f(x - h * e, *rest)) / (2 * h)
                     for e in np.eye(x.size)])


def test_the_cli_refuses_np_std_at_its_line_with_a_column(tmp_path):
    proc = _cli(tmp_path, "colstd")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert not (tmp_path / "out.py").exists()
    assert "m.py:5:5: error:" in proc.stderr
    assert "'deviations_from', which the numba runtime does not provide" in proc.stderr
    assert "\x1b[" not in proc.stderr and "Traceback" not in proc.stderr


def test_the_api_falls_back_for_np_std_saying_it_is_s2sads_helper(tmp_path):
    (tmp_path / "m.py").write_text(SOURCE)
    m = _user(tmp_path)
    g = s2sad.grad(m.colstd, backend="numba")
    X = np.random.default_rng(0).normal(size=(4, 3))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = g(X)
    text = " ".join(str(w.message) for w in caught)
    assert "runtime helper 'deviations_from'" in text
    assert "your code reads" not in text and "the global" not in text
    assert re.search(r"m\.py:5:\d+: return np\.sum\(np\.std\(X, axis=0\)\)", text)
    np.testing.assert_allclose(got.ravel(), _fd(lambda v: m.colstd(v.reshape(4, 3)),
                                                X.ravel()), rtol=1e-6, atol=1e-8)


def _submodule_only_helpers():
    """(submodule, name) of each function of a runtime submodule the package does not
    re-export: what a generated module imports from the submodule itself."""
    found = []
    for info in pkgutil.iter_modules(s2sad.runtime.__path__):
        module = importlib.import_module(f"s2sad.runtime.{info.name}")
        for name, value in sorted(vars(module).items()):
            if callable(value) and getattr(value, "__module__", None) == module.__name__ \
                    and not name.startswith("_") and getattr(s2sad.runtime, name, None) \
                    is not value:
                found.append((module.__name__, name))
    return found


def test_every_helper_of_a_runtime_submodule_is_ported_or_refused():
    helpers = _submodule_only_helpers()
    assert ("s2sad.runtime.spread", "deviations_from") in helpers
    ported = numba_runtime_names()
    for module, name in helpers:
        text = (f"import numpy as np\nfrom {module} import {name}\n\n\n"
                f"def f_value_and_grad(x):\n    # line 3: return g(x)\n"
                f"    y = {name}(x)\n    return y, x\n")
        if name in ported:
            out = to_numba(text, "f_value_and_grad", [name], wrapper=True)
            tree = ast.parse(out)
            assert all(a.arg != name for f in tree.body if isinstance(f, ast.FunctionDef)
                       for a in f.args.args), (module, name)
            assert f"from {module} import" not in out
        else:
            with pytest.raises(NumbaTargetError, match=f"runtime helper '{name}'"):
                to_numba(text, "f_value_and_grad", [name], wrapper=True)


@pytest.mark.parametrize("func,size", [("chain", 2), ("chain3", 3)])
def test_the_cli_module_of_nested_loops_writing_f_i_plus_1_runs(tmp_path, func, size):
    proc = _cli(tmp_path, func, "--wrt", "x")
    assert proc.returncode == 0, proc.stderr
    out, m = _load(tmp_path, f"out_{func}"), _user(tmp_path)
    x = np.array([0.3, -0.7, 0.45])[:size]
    for n in (0, 1, 3):
        value, grad = getattr(out, f"{func}_value_and_grad")(x, n)
        assert value == pytest.approx(getattr(m, func)(x, n), rel=1e-12)
        np.testing.assert_allclose(grad, _fd(getattr(m, func), x, n), rtol=1e-6, atol=1e-7)


def test_the_api_compiles_nested_loops_writing_f_i_plus_1(tmp_path):
    (tmp_path / "m.py").write_text(SOURCE)
    m = _user(tmp_path)
    g = s2sad.grad(m.chain, wrt=0, backend="numba")
    x = np.array([0.3, -0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        got = g(x, 3)
    assert g.backend_used == "numba"
    np.testing.assert_allclose(got, _fd(m.chain, x, 3), rtol=1e-6, atol=1e-7)


def test_an_optional_index_of_s2sads_own_code_is_refused_when_written():
    # (second-order code: a preset read back from the tape as an index)
    text = ("import numpy as np\nfrom s2sad.runtime import Stack, add_at\n\n\n"
            "def h(x, n):\n    tape = Stack()\n    # line 7: for t in range(n):\n"
            "    k = None\n    for t in range(n):\n        k_1 = k\n"
            "        for i in range(2):\n            k_1 = i\n        tape.push(k_1)\n"
            "        k = k_1\n    g = np.zeros(3)\n    for t in range(n):\n"
            "        k_1 = tape.pop()\n        k_2 = k_1\n        for i in range(2):\n"
            "            g = add_at(g, k_2, 1.0)\n    return g\n")
    with pytest.raises(NumbaTargetError) as caught:
        to_numba(text, "h", [], wrapper=True)
    message = str(caught.value)
    assert "'k_2' of s2sad's own code" in message and "optional" in message
    assert "line 7: for t in range(n):" in message
