"""Reverse over reverse through the linear-algebra helpers (issue 15): the gradient code
s2sad generates for numpy.linalg, norm, scipy.linalg, interp and convolve is itself
differentiated, in reverse and forward mode, against finite differences.

The generated module is differentiated as written, less its ``ensure_scalar_output``
line (an expression statement: how composition treats it is the transform's business,
not the helpers'); the outer function reduces the gradient with a nonlinear map."""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

SOURCE = """
    import numpy as np
    import scipy.linalg

    def slogdet(a):
        return np.linalg.slogdet(a)[1] * 2.0

    def cholesky(a):
        return np.sum(np.linalg.cholesky(a) ** 2)

    def norms(x):
        return np.linalg.norm(x) * np.linalg.norm(x, 3)

    def expm(a):
        return np.sum(scipy.linalg.expm(a) ** 2)

    def power(a):
        return np.sum(np.linalg.matrix_power(a, 3) ** 2)

    def pinv(a):
        return np.sum(np.linalg.pinv(a) ** 2)

    def interp(fp):
        return np.sum(np.interp(np.array([0.5, 2.0]), np.array([0.0, 1.0, 3.0]), fp) ** 2)

    def convolve(a):
        return np.sum(np.convolve(a, np.array([1.0, -2.0, 0.5]), "same") ** 2)
    """

RNG = np.random.default_rng(0)
B = RNG.standard_normal((3, 3))
CASES = {"slogdet": B + 3 * np.eye(3), "cholesky": B @ B.T + 3 * np.eye(3),
         "norms": RNG.standard_normal(4), "expm": 0.3 * B, "power": 0.5 * B,
         "pinv": RNG.standard_normal((4, 3)), "interp": RNG.standard_normal(3),
         "convolve": RNG.standard_normal(5)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_gradient_code_is_differentiated_again(load, name):
    inner = getattr(load(f"first_{name}", SOURCE), name)
    lines = [line for line in s2sad.grad(inner).source.splitlines()
             if not line.strip().startswith("ensure_scalar_output(")]
    text = "\n".join(lines).replace(f"def {name}_value_and_grad(", "def gradient(")
    text += "\n\n\ndef outer(a):\n    return np.sum(np.cos(gradient(a)[1]))\n"
    module = load(f"second_{name}", text)
    check_grads(module.outer, (CASES[name],), modes=("reverse", "forward"))
