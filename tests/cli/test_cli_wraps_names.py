"""A function decorated with a ``functools.wraps`` wrapper: the module ``s2sad grad``
writes names its functions and output after the function the user named
(``energy_value_and_grad``), not after the decorator's inner ``wrapper``."""

import os
import sys
import textwrap

import numpy as np
from in_process import s2sad_command

SOURCE = """
    import functools
    import numpy as np

    def twice(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return 2.0 * fn(*args, **kwargs)
        return wrapper

    @twice
    def energy(x):
        return np.sum(x ** 2)
    """

REVERSE = """\
def energy_value_and_grad(x):
    check_globals(S2SAD_GLOBALS)  # an error if the program rebound one since
    # line 8: return 2.0 * fn(*args, **kwargs)
    fn_1, fn_1_pullback = energy_vjp_1(x)
    energy = 2.0 * fn_1
    ensure_scalar_output(energy, 'energy')
    # grad of line 8: return 2.0 * fn(*args, **kwargs)
    x_bar = fn_1_pullback(2.0)
    return energy, x_bar
"""


def _grad(tmp_path, *extra):
    (tmp_path / "wrapped_energy.py").write_text(textwrap.dedent(SOURCE))
    proc = s2sad_command(["grad", "wrapped_energy.py:energy",
                           *extra], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_written_functions_take_the_users_name(tmp_path):
    text = _grad(tmp_path)
    assert text.endswith(REVERSE)
    assert "wrapper" not in text.split("\n\n\n", 1)[1].replace("wrapper(*args", "")
    namespace = {}
    exec(compile(text, "energy_grad.py", "exec"), namespace)
    x = np.array([0.5, -1.5])
    value, grad = namespace["energy_value_and_grad"](x)
    assert value == 2.0 * np.sum(x ** 2)
    np.testing.assert_allclose(grad, 4.0 * x)   # by hand
    forward = _grad(tmp_path, "--mode", "forward")
    assert [line for line in forward.splitlines() if line.startswith("def ")] == [
        "def energy_jvp_1(x, *, x_dot):", "def energy_jvp(x, x_dot):"]
