"""A module ``--target numba`` wrote, given a complex argument (stranger20b r12): the
wrapper refuses it as the API does (s2sad's ValueTypeError naming the argument), not
with numba's TypingError; real arguments still give the gradient of central differences."""

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

import s2sad  # noqa: E402
from s2sad.errors import ValueTypeError  # noqa: E402
from s2sad.testing import finite_difference_gradient as fd  # noqa: E402
from in_process import s2sad_command

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ("def idx(x, w):\n"
          "    s = 0.0\n"
          "    for i in range(x.shape[0]):\n"
          "        if x[i] < 0.0:\n"
          "            continue\n"
          "        s = s + w * x[i] * x[i]\n"
          "    return s\n")


def test_cli_numba_module_refuses_complex_arguments_as_the_api(tmp_path):
    (tmp_path / "cmod.py").write_text(SOURCE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")]))
    run = s2sad_command(["grad", "cmod.py:idx", "--wrt", "x",
                          "--target", "numba", "-o", "cmod_nb.py"], cwd=tmp_path, env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    spec = importlib.util.spec_from_file_location("cmod_nb_complex", tmp_path / "cmod_nb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    spec = importlib.util.spec_from_file_location("cmod_complex", tmp_path / "cmod.py")
    user = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(user)
    x = np.array([0.3, -0.5, 0.8])
    for bad, position in (((x.astype(np.complex64), 1.5), 0), ((x, 1.5 + 0j), 1)):
        with pytest.raises(ValueTypeError) as api:
            s2sad.value_and_grad(user.idx, wrt=0)(*bad)
        with pytest.raises(ValueTypeError) as cli:
            module.idx_value_and_grad(*bad)
        assert str(cli.value).splitlines()[0] == str(api.value).splitlines()[0]
        assert f"argument {position} of idx is complex" in str(cli.value)
    value, grad = module.idx_value_and_grad(x, 1.5)
    assert value == pytest.approx(user.idx(x, 1.5))
    np.testing.assert_allclose(grad, fd(user.idx, (x, 1.5)), rtol=1e-6, atol=1e-9)
