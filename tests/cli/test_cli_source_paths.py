"""A module the CLI writes holds no machine path: its run-time checks (a write into an
array that may share memory with one read later: ``check_not_shared(..., file, line,
column)``) name the source relative to the module's directory, as its header does, and
the second-order module's comments, which quote the gradient's lines, do too.  Found
by the fuzzer's command-line mode: the absolute path made ``s2sad check`` call the
module stale on any other machine.  At run time the check names the real file and
quotes the user's line, whatever the working directory."""

import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    def f(x, w):
        a = x * 1.0
        b = w * 1.0
        v = a if w[0] > 0 else b
        v[0] = 2.0
        return np.sum(a * w)
    """


def _cli(cwd, *args):
    return s2sad_command([*args], cwd=cwd,
                          capture_output=True, text=True, env=_ENV)


def _project(tmp_path):
    (tmp_path / "src").mkdir(parents=True)
    (tmp_path / "out").mkdir()
    (tmp_path / "src" / "shared_src.py").write_text(textwrap.dedent(SOURCE))
    return tmp_path


@pytest.mark.parametrize("extra", [[], ["--mode", "forward"], ["--flavor", "vjp"],
                                   ["--mode", "forward", "--flavor", "hvp"]])
def test_the_module_names_its_source_relative_to_itself(tmp_path, extra):
    root = _project(tmp_path)
    proc = _cli(root, "grad", "src/shared_src.py:f", "-o", "out/m.py", *extra)
    assert proc.returncode == 0, proc.stderr
    text = (root / "out" / "m.py").read_text()
    assert "check_not_shared(" in text, text
    assert str(tmp_path) not in text
    assert "'../src/shared_src.py', 8, 5)" in text


def test_check_finds_the_moved_tree_up_to_date(tmp_path):
    root = _project(tmp_path / "here")
    assert _cli(root, "grad", "src/shared_src.py:f", "-o", "out/m.py",
                "--mode", "forward", "--flavor", "hvp").returncode == 0
    moved = shutil.copytree(root, tmp_path / "elsewhere" / "deeper")
    proc = _cli(tmp_path, "check", str(moved / "out"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_run_time_check_names_the_real_file_from_any_directory(tmp_path):
    root = _project(tmp_path)
    assert _cli(root, "grad", "src/shared_src.py:f", "-o", "out/m.py").returncode == 0
    program = textwrap.dedent("""
        import sys
        import numpy as np
        sys.path.insert(0, sys.argv[1])
        import m
        x, w = np.array([0.5, 1.5, -2.0]), np.array([-1.0, 2.0, 0.25])
        print(repr(m.f_value_and_grad(x, w)[1].tolist()))
        try:
            m.f_value_and_grad(x, -w)
        except Exception as exc:
            print(type(exc).__name__)
            print(exc)
        """)
    (tmp_path / "elsewhere").mkdir()
    proc = subprocess.run([sys.executable, "-c", program, str(root / "out")],
                          cwd=tmp_path / "elsewhere", capture_output=True, text=True,
                          env=_ENV)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    # where v holds b (w[0] < 0), the write changes nothing read later: the gradient;
    # where it holds a (w[0] > 0), a is read later: the check refuses
    namespace = {}
    exec(textwrap.dedent(SOURCE), namespace)
    x, w = np.array([0.5, 1.5, -2.0]), np.array([-1.0, 2.0, 0.25])
    expected = finite_difference_gradient(namespace["f"], (x, w))
    np.testing.assert_allclose(eval(lines[0]), expected, rtol=1e-6, atol=1e-8)
    assert lines[1] == "UnsupportedSyntaxError"
    where = os.path.join(str(root), "src", "shared_src.py")
    assert lines[2].startswith(f"{where}:8:5: writing into 'v' may also change 'a'")
    assert lines[3].strip() == "v[0] = 2.0"
