"""The command line on helpers that write into their arguments (issue 15): the modules it
writes for GradBench's det, ported literally, and for a helper writing only an index
array (called through ``call_writing``, imported from the source module), run on their
own and give the derivatives of the closed form and of finite differences."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "writing_helpers.py"


def _module(tmp_path, function, wrt, mode):
    out = tmp_path / f"{function}_{mode}.py"
    proc = subprocess.run([sys.executable, "-m", "s2sad", "grad",
                           f"writing_helpers.py:{function}", "--wrt", wrt, "--mode", mode,
                           "-o", out.name], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    sys.path.insert(0, str(tmp_path))
    try:
        exec(compile(out.read_text(), str(out), "exec"), namespace)
    finally:
        sys.path.remove(str(tmp_path))
    return namespace


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_det_modules_run_on_their_own(tmp_path, mode):
    shutil.copy(FIXTURE, tmp_path / "writing_helpers.py")
    namespace = _module(tmp_path, "det", "A", mode)
    ell = 4
    A = np.random.default_rng(4).random(ell * ell)
    M = A.reshape(ell, ell)
    closed = (np.linalg.det(M) * np.linalg.inv(M).T).ravel()
    if mode == "reverse":
        value, g = namespace["det_value_and_grad"](A, ell)
        np.testing.assert_allclose(g, closed, rtol=1e-9, atol=1e-12)
    else:
        t = np.random.default_rng(5).normal(size=A.shape)
        value, tangent = namespace["det_jvp"](A, ell, t)
        assert tangent == pytest.approx(closed @ t)
    assert value == pytest.approx(np.linalg.det(M))


def test_an_index_array_helper_is_called_on_copies(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "writing_helpers.py")
    namespace = _module(tmp_path, "relinked", "x", "reverse")
    x = np.array([0.3, 1.2, -0.7, 2.0])
    value, g = namespace["relinked_value_and_grad"](x)

    def relinked(v):   # r = [0, 3, 3, 1] after relink(r, 1)
        return np.sum(v[[0, 3, 3, 1]] ** 2)

    assert value == pytest.approx(relinked(x))
    np.testing.assert_allclose(g, finite_difference_gradient(relinked, (x,), 0), rtol=1e-6)
