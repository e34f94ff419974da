"""A loop over a stepped range (``range(1, n, 2)``) runs compiled: the descending range the
numba target writes for its reverse sweep computes its start with no product of integers
(which ``api.numba_integers`` would refuse, blaming a line of s2sad's own code)."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np

import s2sad

ROOT = Path(__file__).resolve().parents[2]

STEPPED = ("def f(x, n):\n"
           "    s = 0.0\n"
           "    for i in range(1, n, 2):\n"
           "        s = s + x[i] ** 2\n"
           "    for j in range(n - 1, -1, -3):\n"
           "        s = s + 3.0 * x[j]\n"
           "    return s\n")


def _by_hand(x, n):
    grad = np.zeros_like(x)
    for i in range(1, n, 2):
        grad[i] += 2 * x[i]
    for j in range(n - 1, -1, -3):
        grad[j] += 3.0
    return grad


def _run(args, cwd):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True)


def test_api_compiles_a_stepped_range(tmp_path):
    (tmp_path / "stepped_api.py").write_text(STEPPED)
    sys.path.insert(0, str(tmp_path))
    try:
        import stepped_api
    finally:
        sys.path.remove(str(tmp_path))
    x = np.array([0.5, 1.0, 0.2, 2.0, -0.7, 1.5, 0.3])
    g = s2sad.value_and_grad(stepped_api.f, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        for n in (0, 1, 2, 3, 6, 7):
            _, grad = g(x, n)
            np.testing.assert_allclose(grad, _by_hand(x, n), rtol=1e-12)
    assert g.backend_used == "numba"


def test_cli_module_of_a_stepped_range_runs_and_a_rewritten_module_is_scanned_again(tmp_path):
    """The module is written first for code that multiplies integers (it raises), then,
    under the same name, for the stepped range: the kept verdict of the first text must
    not be read for the second."""
    source = tmp_path / "m.py"
    source.write_text("def f(x, n):\n"
                      "    s = 0.0\n"
                      "    k = 1\n"
                      "    for i in range(1, n):\n"
                      "        k = k * i\n"
                      "        s = s + x[i] / k\n"
                      "    return s\n")
    args = ["-m", "s2sad", "grad", "m.py:f", "--wrt", "x", "--target", "numba", "-o",
            "f_numba.py"]
    call = ("import numpy as np, f_numba\n"
            "try:\n"
            "    print(list(f_numba.f_value_and_grad(np.array([0.5, 1.0, 0.2, 2.0, -0.7]), 5)[1]))\n"
            "except Exception as e:\n"
            "    print(type(e).__name__, e)\n")
    assert _run(args, tmp_path).returncode == 0
    first = _run(["-c", call], tmp_path)
    assert "two integers" in first.stdout, first.stdout + first.stderr
    source.write_text(STEPPED)
    written = _run(args, tmp_path)
    assert written.returncode == 0, written.stderr
    second = _run(["-c", call], tmp_path)
    assert second.returncode == 0 and "Error" not in second.stdout, second.stdout + second.stderr
    x = np.array([0.5, 1.0, 0.2, 2.0, -0.7])
    np.testing.assert_allclose(eval(second.stdout), _by_hand(x, 5), rtol=1e-12)
