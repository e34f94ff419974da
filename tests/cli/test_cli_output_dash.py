"""``-o -`` is standard output, as it is for most command-line tools and as no ``-o``
is: it wrote a file literally named '-' (stranger report 20b, item 3).  A file of that
name is still reachable as ``-o ./-``."""

import os
import sys
import textwrap
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}

SOURCE = """
    import numpy as np

    def loss(x, w):
        return np.sum(np.sin(x * w))
    """


def _cli(cwd, *args):
    return s2sad_command([*args], cwd=cwd,
                          capture_output=True, text=True, env=_ENV)


def test_grad_dash_o_dash_prints_the_module_as_without_o(tmp_path):
    (tmp_path / "dsrc.py").write_text(textwrap.dedent(SOURCE))
    plain = _cli(tmp_path, "grad", "dsrc.py:loss", "--wrt", "x")
    dashed = _cli(tmp_path, "grad", "dsrc.py:loss", "--wrt", "x", "-o", "-")
    assert plain.returncode == dashed.returncode == 0, dashed.stderr
    assert dashed.stdout == plain.stdout and "def loss_value_and_grad(x, w):" in dashed.stdout
    assert not (tmp_path / "-").exists()
    namespace = {}   # the module printed runs: its gradient is cos(x w) w, by hand
    exec(compile(dashed.stdout, "printed", "exec"), namespace)   # noqa: S102
    import numpy as np
    x, w = np.array([0.2, -1.0]), np.array([1.5, 0.5])
    np.testing.assert_allclose(namespace["loss_value_and_grad"](x, w)[1], np.cos(x * w) * w)


def test_graph_dash_o_dash_prints_dot_text(tmp_path):
    (tmp_path / "dsrc.py").write_text(textwrap.dedent(SOURCE))
    plain = _cli(tmp_path, "graph", "dsrc.py:loss")
    dashed = _cli(tmp_path, "graph", "dsrc.py:loss", "-o", "-")
    assert plain.returncode == dashed.returncode == 0, dashed.stderr
    assert dashed.stdout == plain.stdout and "digraph" in dashed.stdout
    assert not (tmp_path / "-").exists()


def test_a_file_named_dash_is_written_as_dot_slash_dash(tmp_path):
    (tmp_path / "dsrc.py").write_text(textwrap.dedent(SOURCE))
    proc = _cli(tmp_path, "grad", "dsrc.py:loss", "-o", "./-")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "def loss_value_and_grad(x, w):" in (tmp_path / "-").read_text()


def test_the_help_says_so(tmp_path):
    assert "'-o -' is stdout" in " ".join(_cli(tmp_path, "grad", "--help").stdout.split())
    assert "'-o -'): DOT on stdout" in " ".join(_cli(tmp_path, "graph", "--help").stdout.split())
