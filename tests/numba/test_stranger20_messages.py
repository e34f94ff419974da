"""True messages of the numba target (stranger20b r1): the user's loop variable read after
the loop, in second-order (hvp) code, is named as the user's name with the hint that works
(assign it before the loop), not as "s2sad's own name"; following the hint, the module
compiles and gives the Hessian-vector product written by hand."""

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from in_process import s2sad_command

pytest.importorskip("numba", reason="numba is an optional extra: pip install 's2sad[numba]'")

ROOT = Path(__file__).resolve().parents[2]
LAST = ("import numpy as np\n\n\ndef lastvar(x):\n{before}    for v in x:\n"
        "        t = v * 2.0\n    return t * v + np.sum(x)\n")


def _hvp_module(tmp_path, name, before):
    (tmp_path / f"{name}.py").write_text(LAST.format(before=before))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")]))
    return s2sad_command(["grad", f"{name}.py:lastvar",
                           "--mode", "forward", "--flavor", "hvp", "--target", "numba",
                           "-o", f"{name}_hvp.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)


def test_hvp_names_the_users_loop_variable_with_a_hint_that_works(tmp_path):
    refused = _hvp_module(tmp_path, "last", "")
    assert refused.returncode != 0
    assert "the name 'v', which holds no value until a loop assigns it" in refused.stderr
    assert "s2sad's own name" not in refused.stderr
    assert "or assign v a value of its type before the loop" in refused.stderr
    made = _hvp_module(tmp_path, "last2", "    v = 0.0\n    t = 0.0\n")
    assert made.returncode == 0, made.stderr
    spec = importlib.util.spec_from_file_location("last2_hvp_nb", tmp_path / "last2_hvp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x, u = np.array([0.3, 0.5, 0.9]), np.array([1.0, 2.0, 3.0])
    (value, grad), hvp = module.lastvar_hvp(x, u)
    # f = 2 x[-1]**2 + sum(x): gradient 1 + 4 x[-1] e_last, Hessian 4 e_last e_last^T
    assert value == pytest.approx(2 * 0.9 ** 2 + 1.7)
    np.testing.assert_allclose(grad, [1.0, 1.0, 1.0 + 4 * 0.9], rtol=1e-12)
    np.testing.assert_allclose(hvp, [0.0, 0.0, 4.0 * 3.0], rtol=1e-12)


DERIVATIVE = ("import numpy as np\nimport s2sad\n\n\ndef energy(x, w):\n"
              "    return np.sum(np.tanh(x * w) ** 2)\n\n\nforce = s2sad.grad(energy)\n\n\n"
              "def descend(x, w):\n    for step in range(5):\n"
              "        x = x - 0.1 * force(x, w)\n    return np.sum(x * x)\n")
DECORATED = ("import functools\nimport numpy as np\n\nW = 0.5\n\n\ndef deco(fn):\n"
             "    @functools.wraps(fn)\n    def inner(x, w=W):\n"
             "        return fn(x, w) * 2.0\n    return inner\n\n\n@deco\ndef dec(x, w=W):\n"
             "    return np.sum(np.sin(x) * w)\n")


def _cli(tmp_path, name, text, func):
    (tmp_path / f"{name}.py").write_text(text)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT),
                                                       os.environ.get("PYTHONPATH", "")]))
    return s2sad_command(["grad", f"{name}.py:{func}",
                           "--wrt", "x", "--target", "numba", "-o", f"{name}_nb.py"],
                          cwd=tmp_path, env=env, capture_output=True, text=True)


def test_a_derivative_object_called_inside_is_not_called_your_helper(tmp_path):
    run = _cli(tmp_path, "dd", DERIVATIVE, "descend")
    assert run.returncode != 0
    assert "dd.py:14:" in run.stderr and "force(x, w)" in run.stderr
    assert "a call of a derivative s2sad made of your function 'energy'" in run.stderr
    assert "your helper" not in run.stderr and "define the helper inside" not in run.stderr
    assert "use the numpy backend" in run.stderr


def test_a_decorated_function_is_not_called_a_helper_to_define_inside(tmp_path):
    run = _cli(tmp_path, "src", DECORATED, "dec")
    assert run.returncode != 0
    assert "a call of 'dec', the function you differentiate, through a decorator" \
        in run.stderr
    assert "your helper" not in run.stderr and "define the helper inside" not in run.stderr
    assert "use the numpy backend" in run.stderr


UNBOUND = ("import numpy as np\n\n\ndef last(x, n):\n    s = 0.0\n    for i in range(n):\n"
           "        s = s + x[i] * x[i]\n    return s * x[i]\n")


def test_cli_module_names_the_unbound_loop_variable_and_its_line(tmp_path):
    run = _cli(tmp_path, "ub", UNBOUND, "last")
    assert run.returncode == 0, run.stderr
    spec = importlib.util.spec_from_file_location("ub_nb_unbound", tmp_path / "ub_nb.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    x = np.array([0.1, 0.55, 1.0])
    value, grad = module.last_value_and_grad(x, 2)
    # (x0**2 + x1**2) * x1: by hand
    assert value == pytest.approx((0.1 ** 2 + 0.55 ** 2) * 0.55)
    np.testing.assert_allclose(grad, [2 * 0.1 * 0.55, 3 * 0.55 ** 2 + 0.1 ** 2, 0.0],
                               rtol=1e-12)
    with pytest.raises(UnboundLocalError) as error:
        module.last_value_and_grad(x, 0)
    text = str(error.value)
    assert "local variable 'i' is read here" in text and "ub.py:8:" in text
    assert "give 'i' a value on every path" in text
