"""The suite runs on every core (pytest-xdist, ``-n auto`` in pyproject.toml): what keeps
two test processes apart, and how many processes ``-n auto`` starts (tests/conftest.py)."""

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import conftest
from s2sad.api import numba_backend

TESTS = Path(__file__).resolve().parent


def test_this_process_has_a_numba_cache_of_its_own(tmp_path_factory):
    # under xdist the base temporary directory is the worker's own (popen-gw0, popen-gw1)
    base = tmp_path_factory.getbasetemp().resolve()
    root = Path(os.environ["S2SAD_CACHE_DIR"]).resolve()
    assert base in root.parents
    assert Path(numba_backend.cache_dir()).resolve() == root / "numba"
    home = Path("~/.cache/s2sad").expanduser().resolve()
    assert home != root and home not in root.parents


def test_a_subprocess_of_a_test_inherits_its_numba_cache():
    code = "from s2sad.api import numba_backend; print(numba_backend.cache_dir())"
    root = str(TESTS.parent)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.strip()
    assert out == os.path.join(os.environ["S2SAD_CACHE_DIR"], "numba")


def _config(*args):
    return SimpleNamespace(args=list(args), invocation_params=SimpleNamespace(dir=TESTS.parent))


def test_auto_runs_named_files_and_tests_in_one_process(monkeypatch):
    monkeypatch.delenv("PYTEST_XDIST_AUTO_NUM_WORKERS", raising=False)
    workers = conftest.pytest_xdist_auto_num_workers
    assert workers(_config("tests/test_parallel_runs.py")) == 0
    assert workers(_config("tests/test_parallel_runs.py::test_x",
                           "tests/test_architecture.py")) == 0
    # the suite (testpaths) or a directory: xdist's own count, every core
    assert workers(_config("tests")) is None
    assert workers(_config("tests/analysis", "tests/test_architecture.py")) is None
    assert workers(_config()) is None
    monkeypatch.setenv("PYTEST_XDIST_AUTO_NUM_WORKERS", "2")
    assert workers(_config("tests/test_parallel_runs.py")) is None
