"""``s2sad grad ... -o <a directory>``: refused (exit 2), naming the path as given and,
where that is no full path (``.``, ``out/``), the directory it is; the hint's file name
is one in that directory.  It used to say ``.: error: the output path is a directory``
whatever the path given (a path shown relative to the working directory)."""

import os
import sys

import pytest
from in_process import s2sad_command

_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.mark.parametrize("given", [".", "out", "out/", "ABS"])
def test_an_output_directory_is_named_as_given(tmp_path, given):
    (tmp_path / "loss.py").write_text("import numpy as np\n\n\ndef f(x):\n"
                                      "    return np.sum(x ** 2)\n")
    (tmp_path / "out").mkdir()
    out = str(tmp_path) if given == "ABS" else given
    proc = s2sad_command(["grad", "loss.py:f", "-o", out],
                          cwd=tmp_path, capture_output=True, text=True, env=_ENV)
    assert proc.returncode == 2, proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"s2sad: error: -o {out}: the output path is a directory")
    full = os.path.realpath(os.path.join(tmp_path, out))
    assert given == "ABS" or os.path.realpath(first.rsplit("(", 1)[1].rstrip(")")) == full
    assert f"hint: give a file name, e.g. -o {os.path.join(out, 'loss_grad.py')}" in proc.stderr
    assert sorted(os.listdir(tmp_path / "out")) == []
