"""``adjoint_copy`` ported to the numba runtime (stranger20b r4): ``xs[0] + sum(xs)`` of a
list appended in a loop (of numbers, of arrays) compiles with backend="numba" and
``--target numba`` (it was refused), with the gradient of central differences and of a
derivative by hand."""

import importlib.util
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import numba_adjoint_copies as A  # noqa: E402
import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]
X = np.linspace(0.1, 1.0, 4)


def _by_hand(func, x):
    if func is A.item_plus_sum:   # 2 x_0 + 2 sum(x)
        grad = np.full(x.shape, 2.0)
        grad[0] += 2.0
        return grad
    s = np.sin(x)   # sum(sin(x)**2) + 6 sum(sin(x))
    return 2.0 * s * np.cos(x) + 6.0 * np.cos(x)


@pytest.mark.parametrize("func", [A.item_plus_sum, A.arrays_item_plus_sum])
def test_item_plus_sum_compiles_with_numba(func):
    g = s2sad.value_and_grad(func, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = g(X)
    assert g.backend_used == "numba"
    assert value == pytest.approx(func(X))
    np.testing.assert_allclose(grad, fd(func, (X,)), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(grad, _by_hand(func, X), rtol=1e-12)


def test_cli_numba_module_of_item_plus_sum(tmp_path):
    source = Path(A.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")]))
    run = s2sad_command(["grad",
                          f"{source.name}:item_plus_sum", "--target", "numba", "-o", "c_nb.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    spec = importlib.util.spec_from_file_location("adjoint_copy_c_nb", tmp_path / "c_nb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    value, grad = module.item_plus_sum_value_and_grad(X)
    assert value == pytest.approx(A.item_plus_sum(X))
    np.testing.assert_allclose(grad, _by_hand(A.item_plus_sum, X), rtol=1e-12)
