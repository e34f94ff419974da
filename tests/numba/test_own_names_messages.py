"""A fallback message about a name of s2sad's own generated code (``neg``, a temporary of
the reverse code a Hessian is built from) says it is s2sad's, and does not ask the user
to assign it; the numbers are the numpy backend's, checked against finite differences."""

import importlib.util
import warnings

import numpy as np
import pytest

numba = pytest.importorskip("numba", reason="numba is an optional extra: pip install "
                                            "'s2sad[numba]'")

import s2sad  # noqa: E402
from in_process import s2sad_command

SOURCE = '''import numpy as np


def edit_soft(c, gamma):
    n = c.shape[0]
    prev = np.zeros(n + 1)
    for j in range(n + 1):
        prev[j] = 1.0 * j
    for i in range(1, n + 1):
        cur = np.zeros(n + 1)
        cur[0] = 1.0 * i
        for j in range(1, n + 1):
            a = prev[j] + 1.0
            b = cur[j - 1] + 1.0
            d = prev[j - 1] + c[i - 1] * c[j - 1]
            cur[j] = -gamma * np.logaddexp(np.logaddexp(-a / gamma, -b / gamma), -d / gamma)
        prev = cur
    return prev[n]
'''


def test_a_name_of_s2sads_own_code_is_not_the_users_to_assign(tmp_path):
    (tmp_path / "m_edit.py").write_text(SOURCE)
    spec = importlib.util.spec_from_file_location("m_edit", tmp_path / "m_edit.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    h = s2sad.hessian(m.edit_soft, wrt=1, backend="numba")
    c, gamma, step = np.array([0.3, 0.5, 0.2]), 0.7, 1e-4
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = h(c, gamma)
    text = " ".join(str(w.message) for w in caught)
    assert "the name 'neg'" not in text and "assign neg" not in text
    assert h.backend_used == "numba" or "s2sad's own name 'neg'" in text
    expected = (m.edit_soft(c, gamma + step) - 2 * m.edit_soft(c, gamma)
                + m.edit_soft(c, gamma - step)) / step ** 2
    assert float(got) == pytest.approx(expected, rel=1e-5)


def test_the_cli_names_a_dict_parameter_not_a_runtime_helper(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    (tmp_path / "m.py").write_text("import numpy as np\n\n\ndef dict_params(p, x):\n"
                                   "    return np.sum((p['w'] * x + p['b']) ** 2)\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), env.get("PYTHONPATH", "")])
    proc = s2sad_command(["grad", "m.py:dict_params",
                           "--target", "numba", "-o", "out.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and not (tmp_path / "out.py").exists()
    assert "m.py:5:20: error:" in proc.stderr
    assert "the dict parameter 'p'" in proc.stderr and "item_bar" not in proc.stderr
