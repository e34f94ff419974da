"""The command line on helpers that write into their arguments (issue 15): the modules it
writes for GradBench's det, ported literally, and for a helper writing only an index
array (called through ``call_writing``, imported from the source module), run on their
own and give the derivatives of the closed form and of finite differences."""

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "writing_helpers.py"


def _module(tmp_path, function, wrt, mode):
    out = tmp_path / f"{function}_{mode}.py"
    proc = s2sad_command(["grad",
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


FIXES = Path(__file__).resolve().parents[1] / "fixtures" / "writing_helpers_fixes.py"


@pytest.mark.parametrize("function", ["add_at_into_zeros", "dict_written_in_a_loop",
                                      "closure_list_appended",
                                      "closure_list_appended_in_a_loop"])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_fixed_writing_forms_modules_run_on_their_own(tmp_path, function, mode):
    # (the module of a local function appending to its caller's list kept the call)
    shutil.copy(FIXES, tmp_path / "writing_helpers_fixes.py")
    out = tmp_path / f"{function}_{mode}.py"
    proc = s2sad_command(["grad",
                           f"writing_helpers_fixes.py:{function}", "--mode", mode,
                           "-o", out.name], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    sys.path.insert(0, str(tmp_path))
    try:
        import writing_helpers_fixes as source
    finally:
        sys.path.remove(str(tmp_path))
    f = getattr(source, function)
    x = np.array([0.3, 1.2, -0.7])
    expected = finite_difference_gradient(f, (x.copy(),), 0)
    if mode == "reverse":
        value, g = namespace[f"{function}_value_and_grad"](x.copy())
        np.testing.assert_allclose(g, expected, rtol=1e-6, atol=1e-8)
    else:
        t = np.array([0.5, -1.0, 2.0])
        value, tangent = namespace[f"{function}_jvp"](x.copy(), t)
        assert tangent == pytest.approx(expected @ t, rel=1e-6, abs=1e-8)
    assert value == pytest.approx(f(x.copy()))
