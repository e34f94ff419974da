"""Two commands run in one process (``cli.main``), in two directories, on two files of
one relative name (``m.py``): the second refusal is located at its own file's line (it
read the first file's line cached under the same name, and lost its location)."""

import os

import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

from in_process import s2sad_command  # noqa: E402

FIRST = 'import numpy as np\n\nDCT = {"a": 3.0}\n\n\ndef f(x):\n    return x * DCT["a"]\n'
SECOND = "import math\n\n\ndef f(x):\n    return math.cbrt(x) * x\n"


def test_each_refusal_is_located_in_its_own_file(tmp_path):
    found = []
    for name, text in (("one", FIRST), ("two", SECOND)):
        directory = tmp_path / name
        directory.mkdir()
        (directory / "m.py").write_text(text)
        done = s2sad_command(["grad", "m.py:f", "--target", "numba", "-o", "out.py"],
                             cwd=directory)
        assert done.returncode == 2, done.stderr
        found.append(done.stderr.splitlines()[0])
    assert found[0].startswith("m.py:7:16: error: the numba target cannot take the value of")
    assert found[1].startswith("m.py:5:17: error: the numba target cannot take math.cbrt")
    assert os.getcwd() != str(tmp_path / "two")
