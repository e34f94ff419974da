"""The CLI knows no argument ranks: it writes the general code for loops indexing
items (issue 16), right for arrays of any rank; and a number stored at a row or a
slice has the sum of that part's adjoint (``Y[1] = np.sum(x)`` gave wrong values)."""

import shutil
from pathlib import Path

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "scalar_loops.py"


def _module(tmp_path, function):
    shutil.copy(FIXTURE, tmp_path / "scalar_loops.py")
    out = tmp_path / f"{function}_grad.py"
    proc = s2sad_command(["grad",
                           f"scalar_loops.py:{function}", "-o", out.name],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    return namespace[f"{function}_value_and_grad"]


@pytest.mark.parametrize("function,x", [
    ("first_items", np.array([0.3, -1.2, 0.8])),
    ("first_items", np.array([[0.3, -1.2], [0.8, 0.5]])),
    ("number_into_row", np.array([0.7, 2.0, 3.0])),
    ("number_into_slice", np.array([0.7, 2.0, 3.0])),
])
def test_the_written_module_agrees_with_finite_differences(tmp_path, function, x):
    import scalar_loops
    _, gradient = _module(tmp_path, function)(x)
    np.testing.assert_allclose(
        gradient, finite_difference_gradient(getattr(scalar_loops, function), (x,)),
        rtol=1e-6, atol=1e-8)
