"""The modules ``s2sad grad`` writes for a module binding builtin names the generated
code calls on its own (``len``, ``range``...) to its own functions, or a function taking a
parameter so named: the written module imports the builtin under another name (``from
builtins import len as s2sad_len``) for s2sad's loops and the module's function for the
function's own calls; it ran the module's ``len`` for its loops (a wrong value) and called
a parameter ``range=3.0``.  ``--target numba``: the same where numba compiles it; a loop
over a ``range`` so imported is refused at the user's line.  Gradients against central
finite differences (``s2sad.testing``); an hvp against differences of the gradient."""

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

#: the s2sad under test, for the subprocesses (whatever else is installed)
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(
    [str(Path(s2sad.__file__).resolve().parents[1])]
    + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
X = np.array([0.3, 0.7, -0.2, 0.9])
V = np.array([0.2, -0.5, 1.0, 0.3])


@pytest.fixture
def project(tmp_path):
    for name in ("shadowed_builtins.py", "shadowing_parameters.py"):
        shutil.copy(FIXTURES / name, tmp_path / name)
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in ("shadowed_builtins", "shadowing_parameters"):
        sys.modules.pop(name, None)


def _written(project, spec, *options):
    out = project / "out.py"
    proc = s2sad_command(["grad", spec, *options, "-o",
                           out.name, "--force"], cwd=project, capture_output=True, text=True,
                          env=ENV)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    namespace = {"__name__": "written", "__file__": str(out)}
    exec(compile(text, str(out), "exec"), namespace)  # noqa: S102 - the module s2sad wrote
    return text, namespace


@pytest.mark.parametrize("module,function,args", [
    ("shadowed_builtins", "loop_over_a_list", (X,)),
    ("shadowed_builtins", "own_range", (X,)),
    ("shadowed_builtins", "own_len", (X,)),
    ("shadowed_builtins", "own_list_and_starred", (X,)),
    ("shadowing_parameters", "parameter_range", (X, 3.0)),
    ("shadowing_parameters", "parameter_len", (X, 2.0)),
])
def test_written_modules_read_the_right_objects(project, module, function, args):
    func = getattr(__import__(module), function)
    text, namespace = _written(project, f"{module}.py:{function}")
    assert "from builtins import" in text
    value, gradient = namespace[f"{function}_value_and_grad"](*args)
    assert value == pytest.approx(func(*args), rel=1e-12)
    np.testing.assert_allclose(gradient, finite_difference_gradient(func, args, 0),
                               rtol=1e-6, atol=1e-8)
    _, namespace = _written(project, f"{module}.py:{function}", "--mode", "forward")
    value, tangent = namespace[f"{function}_jvp"](*args, x_dot=V)
    assert value == pytest.approx(func(*args), rel=1e-12)
    assert tangent == pytest.approx(finite_difference_gradient(func, args, 0) @ V, rel=1e-6)
    _, namespace = _written(project, f"{module}.py:{function}", "--mode", "forward",
                            "--flavor", "hvp")
    (_, gradient), product = namespace[f"{function}_hvp"](*args, x_dot=V)

    def gradient_at(x):
        return _written_gradient(namespace, function, (x,) + args[1:])
    expected = (gradient_at(X + 1e-5 * V) - gradient_at(X - 1e-5 * V)) / 2e-5
    np.testing.assert_allclose(product, expected, rtol=1e-5, atol=1e-7)


def _written_gradient(namespace, function, args):
    (_, gradient), _ = namespace[f"{function}_hvp"](*args, x_dot=V)
    return gradient


def test_numba_target(project):
    pytest.importorskip("numba")
    func = __import__("shadowed_builtins").loop_over_a_list
    text, namespace = _written(project, "shadowed_builtins.py:loop_over_a_list",
                               "--target", "numba")
    assert "from builtins import len as s2sad_len" in text
    value, gradient = namespace["loop_over_a_list_value_and_grad"](X)
    assert value == pytest.approx(func(X), rel=1e-12)
    np.testing.assert_allclose(gradient, finite_difference_gradient(func, (X,), 0),
                               rtol=1e-6, atol=1e-8)
    proc = s2sad_command(["grad",
                           "shadowing_parameters.py:parameter_range", "--target", "numba"],
                          cwd=project, capture_output=True, text=True, env=ENV)
    assert proc.returncode != 0
    assert "shadowing_parameters.py:10:5" in proc.stderr
    assert "beside the function's own `range`" in proc.stderr
