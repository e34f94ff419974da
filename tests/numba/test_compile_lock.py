"""Two processes compiling one numba gradient for different argument types at once.

numba's on-disk cache of a module is an index from signatures to data files; two
processes compiling at once could each read the index before the other saved it and
save their code under one data file, so a later process ran integer code for a float
argument (a wrong value: 6.75 where 7.875 is right).  s2sad holds a lock of its cache
directory for each compile (``s2sad/api/compile_lock.py``).  The worker script forces
the interleaving that corrupts the index wherever the two compiles can overlap.
"""

import os
import pathlib
import subprocess
import sys

import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

from s2sad.api import compile_lock  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
WORKER = ROOT / "tests" / "fixtures" / "numba_race" / "worker.py"

CHECK = """
import s2sad
from race_module import twice
g = s2sad.value_and_grad(twice, backend="numba")
print(g(1.5, 3), g(1.5, 3.5))
"""


def _env(tmp_path):
    env = dict(os.environ, S2SAD_CACHE_DIR=str(tmp_path / "cache"))
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(tmp_path)]
                                        + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return env


def test_two_processes_compiling_at_once_leave_a_cache_that_answers_right(tmp_path):
    (tmp_path / "race_module.py").write_text("def twice(x, n):\n    return x * x * n\n")
    env = _env(tmp_path)
    first = subprocess.Popen([sys.executable, str(WORKER), "A", "3"], cwd=tmp_path, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.run([sys.executable, str(WORKER), "B", "3.5"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err + second.stderr
    # each process's own answer: x * x * n and its derivative 2 x n, by hand
    assert out.strip() == "A (6.75, 9.0)" and second.stdout.strip() == "B (7.875, 10.5)"
    # a third process loads both signatures from the cache the two left
    third = subprocess.run([sys.executable, "-c", CHECK], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert third.returncode == 0, third.stderr
    assert third.stdout.strip() == "(6.75, 9.0) (7.875, 10.5)"


PROBE = """
import os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    import fcntl
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except ImportError:   # Windows
    import msvcrt
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        print("held")
    else:
        print("free")
except BlockingIOError:
    print("held")
else:
    print("free")
"""


def test_the_lock_keeps_a_second_process_out_while_held(tmp_path):
    path = str(tmp_path / compile_lock.LOCK_NAME)
    with compile_lock.held(str(tmp_path)):
        inside = subprocess.run([sys.executable, "-c", PROBE, path], capture_output=True,
                                text=True, timeout=60).stdout.strip()
    after = subprocess.run([sys.executable, "-c", PROBE, path], capture_output=True,
                           text=True, timeout=60).stdout.strip()
    assert (inside, after) == ("held", "free")


def test_a_compile_inside_a_compile_holds_the_lock_already(tmp_path):
    """A derivative calling another compiled derivative compiles it while its own compile
    holds the lock: a second flock of the file from the same process would wait forever."""
    import threading
    done = []

    def nested():
        with compile_lock.held(str(tmp_path)):
            with compile_lock.held(str(tmp_path)):
                done.append(True)

    worker = threading.Thread(target=nested, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert done == [True]
