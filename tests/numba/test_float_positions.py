"""A float where compiled code takes an integer (stranger20b r6): numba computes
``range(5.5)`` as ``range(5)``, ``x[:2.0]`` as ``x[:2]`` and ``round(v, 2.0)`` as
``round(v, 2)``; Python raises TypeError.  backend="numba" and the module ``--target numba``
writes raise Python's TypeError when the code reaches such a position (not before: a branch
never taken computes), and with integers compute the gradient, checked against central
finite differences."""

import importlib.util
import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import numba_float_positions as F  # noqa: E402
import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]
X = np.linspace(0.3, 1.4, 10)

# (function, arguments with integers, the same with a float at an integer position)
CASES = [
    (F.scal, (1.0, 0.8, 5), (1.0, 0.8, 5.5)),
    (F.stepped, (X, 1, 9), (X, 1.0, 9)),
    (F.stepped, (X, 1, 9), (X, 1, 9.0)),
    (F.head_sum, (X, 4), (X, 4.0)),
    (F.strided, (X, 2), (X, 2.0)),
    (F.rounded_scale, (1.3, 2), (1.3, 2.0)),
]
IDS = [f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(CASES)]


def _python_error(func, args):
    with pytest.raises(TypeError) as python:
        func(*args)
    return str(python.value)


@pytest.mark.parametrize("func, good, bad", CASES, ids=IDS)
def test_backend_numba_raises_pythons_type_error(func, good, bad):
    message = _python_error(func, bad)
    g = s2sad.value_and_grad(func, wrt=0, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = g(*good)
        assert g.backend_used == "numba"
        with pytest.raises(TypeError) as numba_error:
            g(*bad)
    assert str(numba_error.value) == message
    assert value == pytest.approx(func(*good))
    np.testing.assert_allclose(grad, fd(func, good), rtol=1e-6, atol=1e-9)


def test_a_float_bound_never_reached_computes_as_python():
    g = s2sad.value_and_grad(F.unused_bound, wrt=0, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = g(1.5, 2.5)
    assert g.backend_used == "numba"
    assert value == F.unused_bound(1.5, 2.5) and grad == pytest.approx(3.0)


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_module_raises_pythons_type_error(tmp_path):
    source = Path(F.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")]))
    for name in ("scal", "head_sum"):
        run = s2sad_command(["grad", f"{source.name}:{name}",
                              "--wrt", "0", "--target", "numba", "-o", f"{name}_nb.py"],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        scal = _load(tmp_path / "scal_nb.py", "float_positions_scal_nb")
        head = _load(tmp_path / "head_sum_nb.py", "float_positions_head_nb")
    finally:
        sys.path.remove(str(tmp_path))
    value, grad = scal.scal_value_and_grad(1.0, 0.8, 5)
    assert grad == pytest.approx(fd(F.scal, (1.0, 0.8, 5)), rel=1e-6)
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        scal.scal_value_and_grad(1.0, 0.8, 5.5)
    value, grad = head.head_sum_value_and_grad(X, 4)
    np.testing.assert_allclose(grad, fd(F.head_sum, (X, 4)), rtol=1e-6, atol=1e-9)
    with pytest.raises(TypeError, match="slice indices must be integers"):
        head.head_sum_value_and_grad(X, 4.0)
