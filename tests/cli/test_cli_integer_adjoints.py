"""The CLI's modules: an adjoint born from integer or bool weights is a float array,
so a loop adding into it item by item does not truncate (the gradient was wrong)."""

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "integer_adjoints.py"
X = np.array([0.3, -0.7, 1.1])


def _module(tmp_path, function):
    shutil.copy(FIXTURE, tmp_path / "integer_adjoints.py")
    out = tmp_path / f"{function}_grad.py"
    proc = s2sad_command(["grad",
                           f"integer_adjoints.py:{function}", "--wrt", "x", "-o", out.name],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    sys.path.insert(0, str(tmp_path))
    try:
        exec(compile(out.read_text(), str(out), "exec"), namespace)
    finally:
        sys.path.remove(str(tmp_path))
    return namespace[f"{function}_value_and_grad"]


@pytest.mark.parametrize("function,x", [
    ("int_weights", X), ("bool_mask", X), ("ones_int", X), ("global_counts", X),
    ("items_written", X), ("mask_2d", np.array([[0.3, -0.7, 1.1], [0.5, 0.2, -0.4]])),
])
def test_the_written_module_agrees_with_finite_differences(tmp_path, function, x):
    import integer_adjoints
    func = getattr(integer_adjoints, function)
    value, gradient = _module(tmp_path, function)(np.copy(x))
    np.testing.assert_allclose(value, func(np.copy(x)))
    np.testing.assert_allclose(gradient, finite_difference_gradient(func, (np.copy(x),)),
                               rtol=1e-6, atol=1e-8)


def test_the_written_logistic_regression_module(tmp_path):
    import integer_adjoints
    features = np.random.default_rng(16).normal(size=(6, 3))
    labels = np.array([0, 1, 1, 0, 1, 0])
    shutil.copy(FIXTURE, tmp_path / "integer_adjoints.py")
    out = tmp_path / "logistic_grad.py"
    proc = s2sad_command(["grad",
                           "integer_adjoints.py:logistic", "--wrt", "w", "-o", out.name],
                          cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    _, gradient = namespace["logistic_value_and_grad"](X, features, labels)
    np.testing.assert_allclose(gradient, integer_adjoints.hand_logistic(X, features, labels),
                               rtol=1e-12)
