"""``s2sad grad --target numba`` and numba's on-disk cache across processes."""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402

import numba_functions as nf  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "numba_functions.py"


def _run(args, cwd, env=None):
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True)


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The numba modules the CLI writes for the Euler ODE (a module-level value read
    inside: dt is a local, SCALE a global) in a fresh directory."""
    where = tmp_path_factory.mktemp("cli_numba")
    shutil.copy(FIXTURE, where / "numba_functions.py")
    for func, out in (("euler", "euler_grad.py"), ("reads_a_global", "global_grad.py")):
        proc = _run(["-m", "s2sad", "grad", f"numba_functions.py:{func}", "--wrt", "0",
                     "--target", "numba", "-o", out], where)
        assert proc.returncode == 0, proc.stderr
    return where


def test_cli_target_numba_writes_a_module_that_agrees(written):
    text = (written / "euler_grad.py").read_text()
    # (no subscript: nothing for numba's boundscheck to check)
    assert "@numba.njit(cache=True)\n" in text and "y_tape.append(y)" in text
    assert "--target numba" in text and "reversed(" not in text and "Stack" not in text
    module = _load(written / "euler_grad.py", "cli_numba_euler_grad")
    value, grad = module.euler_value_and_grad(0.7, 1.2, 50)
    np.testing.assert_allclose(value, nf.euler(0.7, 1.2, 50), rtol=1e-12)
    np.testing.assert_allclose(grad, s2sad.grad(nf.euler)(0.7, 1.2, 50), rtol=1e-10)
    np.testing.assert_allclose(grad, fd(nf.euler, [0.7, 1.2, 50]), rtol=1e-5)


def test_cli_module_passes_globals_through_a_plain_wrapper(written):
    text = (written / "global_grad.py").read_text()
    assert "def reads_a_global_value_and_grad_njit(x, n, SCALE):" in text
    assert ("result = run_compiled(reads_a_global_value_and_grad_njit, "
            "float64_arguments(x, n, SCALE), __file__)" in text)
    module = _load(written / "global_grad.py", "cli_numba_global_grad")
    _, grad = module.reads_a_global_value_and_grad(0.3, 5)
    np.testing.assert_allclose(grad, fd(nf.reads_a_global, [0.3, 5]), rtol=1e-5)


def test_s2sad_check_regenerates_numba_modules(written):
    proc = _run(["-m", "s2sad", "check", "."], written)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 up to date" in proc.stderr


def test_cli_refuses_what_the_numba_target_cannot_take(tmp_path):
    shutil.copy(FIXTURE, tmp_path / "numba_functions.py")
    proc = _run(["-m", "s2sad", "grad", "numba_functions.py:reads_a_dict", "--target", "numba",
                 "-o", "out.py"], tmp_path)
    assert proc.returncode == 2
    assert re.search(r"numba_functions\.py:\d+:\d+: error:", proc.stderr), proc.stderr
    assert "--target numpy" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "out.py").exists()
    proc = _run(["-m", "s2sad", "grad", "numba_functions.py:euler", "--flavor", "vjp",
                 "--target", "numba"], tmp_path)
    assert proc.returncode == 2 and "vjp" in proc.stderr


_SCRIPT = """
import json, sys
import s2sad, numba_functions as nf
g = s2sad.grad(nf.scalar_loop, backend="numba")
value = g(0.5, 5)
module = next(m for n, m in sys.modules.items() if n.startswith("s2sad_numba_scalar_loop"))
stats = module.scalar_loop_value_and_grad.stats
print(json.dumps({"value": value, "hits": sum(stats.cache_hits.values()),
                  "misses": sum(stats.cache_misses.values()), "file": module.__file__,
                  "seconds": g.compile_seconds, "backend": g.backend_used}))
"""


def test_a_second_process_loads_the_compiled_code_from_the_cache(tmp_path):
    env = dict(os.environ, S2SAD_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = str(FIXTURE.parent)
    runs = []
    for _ in range(2):
        proc = _run(["-c", _SCRIPT], tmp_path, env)
        assert proc.returncode == 0, proc.stderr
        runs.append(json.loads(proc.stdout))
    first, second = runs
    assert first["backend"] == second["backend"] == "numba"
    assert first["misses"] >= 1 and first["hits"] == 0
    assert second["hits"] >= 1 and second["misses"] == 0
    assert first["file"] == second["file"]
    assert Path(first["file"]).parent == tmp_path / "cache" / "numba"
    assert list((tmp_path / "cache" / "numba" / "__pycache__").glob("*.nbi"))
    assert first["value"] == second["value"]
    np.testing.assert_allclose(first["value"], fd(nf.scalar_loop, [0.5, 5]), rtol=1e-5)


def test_cli_module_refuses_integer_products_python_computes_otherwise(tmp_path):
    """numba's integers are 64 bits wide (a product past 2**63 wraps; 2 ** -1 is 0): a
    module the CLI wrote raises, naming the line, where the numpy code would differ."""
    source = tmp_path / "series.py"
    source.write_text(
        "def exp_series(x):\n"
        "    s = 1.0\n"
        "    fact = 1\n"
        "    p = 1.0\n"
        "    for k in range(1, 30):\n"
        "        p = p * x\n"
        "        fact = fact * k\n"
        "        s = s + p / fact\n"
        "    return s\n")
    out = tmp_path / "series_grad.py"
    run = _run(["-m", "s2sad", "grad", f"{source}:exp_series", "--wrt", "x", "--target",
                "numba", "-o", out], tmp_path)
    assert run.returncode == 0, run.stderr
    check = _run(["-c", "import series_grad\n"
                        "try:\n"
                        "    series_grad.exp_series_value_and_grad(4.0)\n"
                        "except Exception as e:\n"
                        "    print(type(e).__name__, e)\n"], tmp_path)
    assert "S2sadError" in check.stdout and "'*' of two integers" in check.stdout, \
        check.stdout + check.stderr
    # the source's line, not only the written module's (stranger9)
    assert f"{source}:7:9: '*' of two integers" in check.stdout, check.stdout
    assert "fact = fact * k" in check.stdout and "of the module written for it" in check.stdout
