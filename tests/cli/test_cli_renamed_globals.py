"""A helper from another module that reads a global of the same name as one the
differentiated function reads: the written module renames the helper's (``K_1``) and
imports it from the helper's module under that name (it was left unbound: NameError)."""

import sys
import textwrap

import numpy as np

from s2sad.testing import finite_difference_gradient
from in_process import s2sad_command

HELPER = """
    import numpy as np

    K = np.array([1.0, 2.0, 3.0])
    SC = 0.7

    def V(q):
        return SC * np.sum(K * q ** 2)
    """

CALLER = """
    import numpy as np
    import s2sad
    from helper_module import V

    K = np.array([-5.0, 0.5, 2.0])
    dV = s2sad.grad(V)

    def outer(q):
        return np.sum(q * K) + V(q)

    def through_grad(q):
        return np.sum(q * K) + np.sum(dV(q) * q)
    """


def test_the_renamed_global_of_a_helper_module_is_imported(tmp_path):
    (tmp_path / "helper_module.py").write_text(textwrap.dedent(HELPER))
    (tmp_path / "caller_module.py").write_text(textwrap.dedent(CALLER))
    q = np.array([0.5, -0.2, 0.3])
    sys.path.insert(0, str(tmp_path))
    try:
        import caller_module
        for function in ("outer", "through_grad"):
            out = tmp_path / f"{function}_grad.py"
            proc = s2sad_command(["grad",
                                   f"caller_module.py:{function}", "-o", out.name],
                                  cwd=tmp_path, capture_output=True, text=True)
            assert proc.returncode == 0, proc.stderr
            assert "import K as K_1" in out.read_text()
            namespace = {}
            exec(compile(out.read_text(), str(out), "exec"), namespace)
            _, gradient = namespace[f"{function}_value_and_grad"](q)
            np.testing.assert_allclose(
                gradient, finite_difference_gradient(getattr(caller_module, function), (q,), 0),
                rtol=1e-6, atol=1e-8)
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("caller_module", "helper_module"):
            sys.modules.pop(name, None)
