"""A user's value read by a helper the gradient calls, on numba.

Such a value is a trailing parameter of the helper, passed at each call (numba would
freeze it); a helper whose derivative returns its pullback (a nested function numba
cannot compile) is refused at the user's line calling it, with file:line:col (the
refusal once named no line).  References: derivatives by hand, finite differences.
"""

import importlib.util
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.backends.numba_target import to_numba  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''import numpy as np
K = 2.0
def model(w, x):
    return np.tanh(w * x) * K
def loss(w, x):
    return np.sum(model(w, x) ** 2)
def nested(w, x):
    def inner(w, x):
        return np.tanh(w * x) * K
    return np.sum(inner(w, x) ** 2)
'''

GENERATED = '''import numpy as np
from s2sad.runtime import unshared

K = 2.0


def scaled(w, n):
    return np.tanh(w) * K + n


def twice(w):
    return scaled(w, n=1.0) * 2.0


def f_value_and_grad(w):
    h = twice(w)
    g = scaled(w, 0.0)
    return h, unshared(g, (w,))
'''


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    where = tmp_path_factory.mktemp("helper_values")
    (where / "fn3helpers.py").write_text(SOURCE)
    sys.path.insert(0, str(where))
    import fn3helpers
    yield where, fn3helpers
    sys.path.remove(str(where))


def test_a_helper_takes_the_values_it_reads_and_each_call_passes_them(tmp_path):
    text = to_numba(GENERATED, "f_value_and_grad", ["K"], wrapper=True)
    assert "def scaled(w, n, K):" in text and "def twice(w, K):" in text
    assert "scaled(w, n=1.0, K=K)" in text and "h = twice(w, K)" in text
    (tmp_path / "fn3_helper_values_nb.py").write_text(text)
    spec = importlib.util.spec_from_file_location("fn3_helper_values_nb",
                                                  tmp_path / "fn3_helper_values_nb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    w = np.array([0.2, -0.4])
    for k in (2.0, 5.0):
        module.K = k   # (the module's global, rebound: the wrapper passes it)
        h, g = module.f_value_and_grad(w)
        np.testing.assert_allclose(h, (np.tanh(w) * k + 1.0) * 2.0, rtol=1e-14)
        np.testing.assert_allclose(g, np.tanh(w) * k, rtol=1e-14)


def test_cli_refuses_a_helper_pullback_at_the_callers_line(place):
    where, _ = place
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = s2sad_command(["grad", "fn3helpers.py:loss", "--wrt",
                           "w", "--target", "numba", "-o", "fn3_loss_nb.py"], cwd=where, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert "fn3helpers.py:6:19: error: the numba target cannot take a call of your helper " \
           "'model'" in proc.stderr
    assert "    return np.sum(model(w, x) ** 2)\n                  ^" in proc.stderr
    assert not (where / "fn3_loss_nb.py").exists()


def test_api_falls_back_naming_the_line_and_a_nested_helper_compiles(place):
    _, module = place
    w, x = np.array([0.3, -0.2]), np.array([1.0, 2.0])
    g = s2sad.value_and_grad(module.loss, wrt="w", backend="numba")
    with pytest.warns(s2sad.NumbaFallbackWarning, match=r"fn3helpers\.py:6:19: return np"):
        _, grad = g(w, x)
    np.testing.assert_allclose(grad, fd(module.loss, (w, x)), rtol=1e-6)
    h = s2sad.value_and_grad(module.nested, wrt="w", backend="numba")
    try:
        for k in (2.0, 3.0):
            module.K = k
            with warnings.catch_warnings():
                warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
                value, grad = h(w, x)
            assert h.backend_used == "numba"
            np.testing.assert_allclose(value, module.nested(w, x), rtol=1e-12)
            np.testing.assert_allclose(grad, fd(module.nested, (w, x)), rtol=1e-6)
    finally:
        module.K = 2.0


ESCAPES = '''import numpy as np


def twice(w):
    def inner(v):
        return v * 2.0
    return inner(w)


def with_pullback(w):
    def pullback(b):
        return b * w
    return w, pullback


def f(w):
    # line 3: a = twice(w)
    a = twice(w)
    return a
'''


def test_only_a_called_helper_returning_a_nested_function_is_refused():
    # a helper returning what its nested function returns compiles; one never called is
    # never compiled: neither is refused
    text = to_numba(ESCAPES, "f")
    assert "a = twice(w)" in text
    with pytest.raises(s2sad.errors.NumbaTargetError, match=r"helper 'with_pullback'.*"
                       r"\(fn3\.py, line 3: a, p = with_pullback\(w\)\)"):
        to_numba(ESCAPES.replace("a = twice(w)", "a, p = with_pullback(w)"), "f",
                 source="fn3.py")
