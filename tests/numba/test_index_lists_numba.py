"""An index that is a list of integers (``y[[0, 0, 2]] += v``) under backend="numba" and
in ``--target numba`` modules: the numba target writes the list as an integer array
(numba indexes with arrays, not lists), and the runtime's ``stored_part`` keeps numpy's
rule for repeats (the last write to a position is the one kept: an earlier element
written there gets no adjoint).  Before, the CLI wrote a module that failed at its first
call.  Checked against central finite differences written here."""

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import numba_index_lists as M  # noqa: E402
import s2sad  # noqa: E402
from in_process import s2sad_command

CASES = [
    (M.add_repeated, (np.array([0.5, -1.0, 2.0, 0.3]), 0.7)),
    (M.set_repeated, (np.array([0.5, -1.0, 2.0, 0.3]), np.array([0.2, -0.4, 1.1]))),
    (M.negative_positions, (np.array([0.5, -1.0, 2.0, 0.3]), np.array([1.5, -0.5, 0.25]))),
    (M.rows_repeated, (np.arange(6.0).reshape(3, 2) * 0.3 - 0.4, np.array([0.3, -0.7]))),
    (M.read_only, (np.array([0.5, -1.0, 2.0, 0.3]), np.array([0.2, -0.4, 1.1]))),
]


def central(f, args, k, h=1e-6):
    """d f(*args) / d args[k] by central differences (args[k] an array or a float)."""
    x = np.asarray(args[k], dtype=float)
    out = np.zeros(x.shape)
    for position in np.ndindex(x.shape):
        step = np.zeros(x.shape)
        step[position] = h
        plus = list(args)
        minus = list(args)
        plus[k] = (x + step) if x.ndim else float(x + h)
        minus[k] = (x - step) if x.ndim else float(x - h)
        out[position] = (f(*plus) - f(*minus)) / (2 * h)
    return out


@pytest.mark.parametrize("f, args", CASES, ids=[c[0].__name__ for c in CASES])
def test_api_compiles_and_is_right(f, args):
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        g = s2sad.grad(f, wrt=(0, 1), backend="numba")
        grads = g(*args)
    assert g.backend_used == "numba"
    for k in range(2):
        np.testing.assert_allclose(grads[k], central(f, args, k), rtol=1e-6, atol=1e-8)


def test_cli_module_runs_and_is_right(tmp_path):
    source = Path(M.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    for f, args in CASES:
        out = tmp_path / f"{f.__name__}_numba.py"
        done = s2sad_command(["grad", f"{source.name}:{f.__name__}",
                               "--wrt", "0,1", "--target", "numba", "-o", out.name],
                              cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        spec = importlib.util.spec_from_file_location(out.stem, out)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        value, grads = getattr(module, f"{f.__name__}_value_and_grad")(*args)
        assert value == pytest.approx(f(*args))
        for k in range(2):
            np.testing.assert_allclose(grads[k], central(f, args, k), rtol=1e-6, atol=1e-8)
