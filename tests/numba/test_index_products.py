"""Index arithmetic of a size and a small constant (``x[m:2 * m]``, LSTM gate slices) is
not an integer hazard numba computes differently from Python: compiled, no fallback; a
product still flagged gets a hint that works for an index (not "make it a float")."""

import importlib.util
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import s2sad  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''import numpy as np


def halves(x):
    m = x.shape[0] // 2
    return np.sum(np.sin(x[m:2 * m]) * x[0:m])


def gates(W, h):
    m = h.shape[0]
    g = W @ h
    i = 1.0 / (1.0 + np.exp(-g[0:m]))
    f = 1.0 / (1.0 + np.exp(-g[m:2 * m]))
    o = np.tanh(g[2 * m:3 * m])
    c = np.tanh(g[3 * m:4 * m])
    return np.sum(i * c + f * o)


def strided(x):
    s = 0.0
    for k in range(len(x) // 3):
        s = s + x[3 * k] * x[k * 3 + 1] - x[2 + k * 3]
    return s


def powers(x, k):
    return x[0] * (k * k)
'''


def _module(tmp_path):
    (tmp_path / "m_index.py").write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("m_index", tmp_path / "m_index.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fd(f, x, h=1e-6):
    flat = x.ravel()
    return np.array([(f((flat + h * e).reshape(x.shape)) - f((flat - h * e).reshape(x.shape)))
                     / (2 * h) for e in np.eye(flat.size)]).reshape(x.shape)


@pytest.mark.parametrize("name", ["halves", "gates", "strided"])
def test_products_of_a_size_and_a_small_constant_compile(tmp_path, name):
    m, rng = _module(tmp_path), np.random.default_rng(1)
    args = {"halves": (rng.normal(size=6),), "strided": (rng.normal(size=9),),
            "gates": (rng.normal(size=(12, 3)), rng.normal(size=3))}[name]
    g = s2sad.grad(getattr(m, name), backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        got = g(*args)
    assert g.backend_used == "numba"
    rest = args[1:]
    np.testing.assert_allclose(got, _fd(lambda v: getattr(m, name)(v, *rest), args[0]),
                               rtol=1e-6, atol=1e-8)


def test_a_product_still_flagged_gets_a_hint_for_an_index(tmp_path):
    m = _module(tmp_path)
    g = s2sad.grad(m.powers, backend="numba")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = g(np.array([0.5, 1.0]), 3)
    np.testing.assert_allclose(got, [9.0, 0.0])
    text = " ".join(str(w.message) for w in caught)
    assert "'*' of two integers" in text and "line 27: return x[0] * (k * k)" in text
    assert "an index must stay an integer" in text


def test_the_cli_module_of_gate_slices_runs(tmp_path):
    (tmp_path / "m.py").write_text(SOURCE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    proc = s2sad_command(["grad", "m.py:gates", "--wrt", "W",
                           "--target", "numba", "-o", "out.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    spec = importlib.util.spec_from_file_location("gates_out", tmp_path / "out.py")
    out = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(out)
    m = _module(tmp_path)
    rng = np.random.default_rng(2)
    W, h = rng.normal(size=(8, 2)), rng.normal(size=2)
    value, grad = out.gates_value_and_grad(W, h)
    assert value == pytest.approx(m.gates(W, h), rel=1e-12)
    np.testing.assert_allclose(grad, _fd(lambda v: m.gates(v, h), W), rtol=1e-6, atol=1e-8)
