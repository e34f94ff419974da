"""A gradient module written by the command line (``python -m s2sad grad FILE:loss -o ...``)
runs unchanged on numpy arrays and on Dask arrays, with the same numbers, which agree with
central finite differences and a derivative written by hand."""

import importlib.util
import os
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

da = pytest.importorskip("dask.array", reason="Dask is an optional extra: "
                                              "pip install 's2sad[dask]'")
import dask  # noqa: E402

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient  # noqa: E402

from dask_column import Computes, lazy  # noqa: E402
from in_process import s2sad_command

MODEL = textwrap.dedent("""\
    import numpy as np


    def loss(w, b, X, y):
        logits = np.dot(X, w) + b
        p = 1.0 / (1.0 + np.exp(-logits))
        return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


    def least_squares(w, X, y):
        return np.sum((X @ w - y) ** 2) / X.shape[0]


    def sliced(w, X, y):
        return np.sum((X @ w[1:] + w[0] - y) ** 2)


    def scaled_items(w, X, y):
        v = np.tanh(w)
        s = np.sum(X[:, 1:] @ v[1:3]) * v[0]
        for j in range(X.shape[1]):
            s = s + np.sum(np.sin(X[:, j] * v[j + 1] - y))
        return s
    """)


def this_s2sad_first():
    """The environment with the s2sad under test first on the subprocess's path (not
    another copy installed in the interpreter)."""
    root = str(Path(s2sad.__file__).resolve().parent.parent)
    paths = [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(paths))


def write_module(tmp_path, target, wrt, out):
    (tmp_path / "model.py").write_text(MODEL, encoding="utf-8")
    proc = s2sad_command(["grad", target, "--wrt", wrt,
                           "-o", out], cwd=tmp_path, capture_output=True, text=True,
                          env=this_s2sad_first())
    assert proc.returncode == 0, proc.stderr
    spec = importlib.util.spec_from_file_location(out[:-3], tmp_path / out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def model(tmp_path):
    spec = importlib.util.spec_from_file_location("model", tmp_path / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def data():
    r = np.random.default_rng(5)
    X = r.normal(size=(1000, 3))
    return {"w": r.normal(size=3) * 0.5, "b": -0.1, "X": X,
            "labels": (r.random(1000) < 0.4).astype(float),
            "y": X @ np.array([1.0, -2.0, 0.5]) + 0.1 * r.normal(size=1000)}


def test_logistic_module_runs_on_numpy_and_on_dask(tmp_path, data):
    generated = write_module(tmp_path, "model.py:loss", "w,b", "loss_grad.py")
    w, b, X, y = data["w"], data["b"], data["X"], data["labels"]
    value, (w_bar, b_bar) = generated.loss_value_and_grad(w, b, X, y)
    lazy = generated.loss_value_and_grad(w, b, da.from_array(X, chunks=(250, 3)),
                                         da.from_array(y, chunks=250))
    assert all(isinstance(part, da.Array) for part in (lazy[0],) + lazy[1])   # lazy out
    (lazy_value, (lazy_w_bar, lazy_b_bar)), = dask.compute(lazy)
    np.testing.assert_allclose(lazy_value, value, rtol=1e-12)
    np.testing.assert_allclose(lazy_w_bar, w_bar, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(lazy_b_bar, b_bar, rtol=1e-10, atol=1e-13)
    f = model(tmp_path).loss
    np.testing.assert_allclose(value, f(w, b, X, y), rtol=1e-12)
    np.testing.assert_allclose(w_bar, finite_difference_gradient(f, (w, b, X, y)),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(b_bar, finite_difference_gradient(f, (w, b, X, y), argnum=1),
                               rtol=1e-6, atol=1e-9)
    p = 1.0 / (1.0 + np.exp(-(X @ w + b)))   # by hand: X^T (p - y) / n and mean(p - y)
    np.testing.assert_allclose(w_bar, X.T @ (p - y) / len(y), rtol=1e-10)
    np.testing.assert_allclose(b_bar, np.mean(p - y), rtol=1e-10)


def test_least_squares_module_runs_on_numpy_and_on_dask(tmp_path, data):
    generated = write_module(tmp_path, "model.py:least_squares", "w", "ls_grad.py")
    w, X, y = data["w"], data["X"], data["y"]
    value, w_bar = generated.least_squares_value_and_grad(w, X, y)
    lazy = generated.least_squares_value_and_grad(w, da.from_array(X, chunks=(200, 3)),
                                                  da.from_array(y, chunks=200))
    assert all(isinstance(part, da.Array) for part in lazy)   # lazy out
    lazy_value, lazy_w_bar = dask.compute(*lazy)
    np.testing.assert_allclose(lazy_value, value, rtol=1e-12)
    np.testing.assert_allclose(lazy_w_bar, w_bar, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(w_bar, 2 * X.T @ (X @ w - y) / len(y), rtol=1e-10)
    f = model(tmp_path).least_squares
    np.testing.assert_allclose(w_bar, finite_difference_gradient(f, (w, X, y)),
                               rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ["sliced", "scaled_items"])
def test_module_with_a_numpy_w_sliced_against_dask_data_is_lazy(tmp_path, data, name):
    """w's items and slices read against Dask data: their adjoints go into w_bar with
    add_into, which makes a numpy w_bar a Dask array (numpy's own w_bar[0] = g computed
    g; w_bar[1:] += g was refused by Dask), so the module needs no Dask w."""
    generated = write_module(tmp_path, f"model.py:{name}", "w", f"{name}_grad.py")
    text = (tmp_path / f"{name}_grad.py").read_text(encoding="utf-8")
    assert "w_bar = add_into(w_bar, " in text or "v_bar = add_into(v_bar, " in text
    step = getattr(generated, f"{name}_value_and_grad")
    w = np.array([0.3, -0.2, 0.5, 0.1])
    X, y = data["X"], data["y"]
    counter = Computes()
    with counter, lazy():
        value, w_bar = step(w, da.from_array(X, chunks=(250, 3)), da.from_array(y, chunks=250))
    assert counter.count == 0
    assert isinstance(value, da.Array) and isinstance(w_bar, da.Array)
    assert w_bar.shape == w.shape and w_bar.dtype == np.float64
    lazy_value, lazy_w_bar = dask.compute(value, w_bar)
    f = getattr(model(tmp_path), name)
    np.testing.assert_allclose(lazy_value, f(w, X, y), rtol=1e-12)
    np.testing.assert_allclose(lazy_w_bar, finite_difference_gradient(f, (w, X, y)),
                               rtol=1e-6, atol=1e-6)
    eager_value, eager_w_bar = step(w, X, y)   # the same module on numpy: numpy out
    assert type(eager_w_bar) is np.ndarray
    np.testing.assert_allclose(eager_w_bar, lazy_w_bar, rtol=1e-10, atol=1e-12)
