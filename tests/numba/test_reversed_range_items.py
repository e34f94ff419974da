"""``for i in reversed(range(...))`` on numba: the normalizer lowers it to positions in a
range object (``i = r[last - index]``), which numba cannot index; the target writes
``range_item(r, position)`` (once: the CLI's module failed at its first call with
numba's TypingError and the API fell back).  References: finite differences.
"""

import importlib.util
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.api.numba_backend import own_construct  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]

SOURCE = '''import numpy as np


def shape_range(x):
    s = 0.0
    for i in reversed(range(x.shape[0])):
        s = s * 0.5 + x[i] * i
    return s


def len_range(x):
    s = 0.0
    for i in reversed(range(1, len(x))):
        s = s * 0.5 + x[i] * i
    return s


def stepped(x):
    s = 0.0
    for i in reversed(range(len(x) - 1, 0, -2)):
        s = s * 0.5 + x[i] * i
    return s


def nested(x, k):
    s = 0.0
    for j in range(2):
        for i in reversed(range(j, len(x), k)):
            s = s * 0.5 + np.sin(x[i]) * (i + j)
    return s
'''
CASES = (("shape_range", 1), ("len_range", 1), ("stepped", 1), ("nested", 2))


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    where = tmp_path_factory.mktemp("reversed_ranges")
    (where / "fn3ranges.py").write_text(SOURCE)
    sys.path.insert(0, str(where))
    import fn3ranges
    yield where, fn3ranges
    sys.path.remove(str(where))


def _args(count):
    x = np.array([0.3, 0.9, -0.4, 1.1, 0.6, 0.2, -0.7])
    return (x,) if count == 1 else (x, 2)


@pytest.mark.parametrize("name,count", CASES)
def test_api_compiles_reversed_ranges(place, name, count):
    _, module = place
    f = getattr(module, name)
    args = _args(count)
    g = s2sad.value_and_grad(f, backend="numba")
    with warnings.catch_warnings():
        warnings.simplefilter("error", s2sad.NumbaFallbackWarning)
        value, grad = g(*args)
    assert g.backend_used == "numba"
    np.testing.assert_allclose(value, f(*args), rtol=1e-12)
    np.testing.assert_allclose(grad, fd(f, args), rtol=1e-6, atol=1e-8)


def test_cli_module_compiles_reversed_ranges(place):
    where, module = place
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    for name, count in CASES:
        out = f"fn3_{name}_nb.py"
        proc = s2sad_command(["grad", f"fn3ranges.py:{name}",
                               "--wrt", "x", "--target", "numba", "-o", out, "--force"],
                              cwd=where, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, proc.stderr
        text = (where / out).read_text()
        assert "range_item(range_" in text and "[position]" not in text
        spec = importlib.util.spec_from_file_location(f"fn3_{name}_nb", where / out)
        written = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(written)
        f = getattr(module, name)
        args = _args(count)
        value, grad = getattr(written, f"{name}_value_and_grad")(*args)
        np.testing.assert_allclose(value, f(*args), rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(grad, fd(f, args), rtol=1e-6, atol=1e-8, err_msg=name)


def test_a_range_indexed_is_named_as_s2sads_own_construct():
    message = ("No implementation of function Function(<built-in function getitem>) found "
               "for signature:\n \n >>> getitem(range_state_int64, int64)\n")
    assert "an item of a range" in own_construct(message)
    assert own_construct("No implementation of function Function(<built-in function "
                         "getitem>) found for signature:\n >>> getitem(list(int64), "
                         "float64)") is None
