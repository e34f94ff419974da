"""s2sad differentiates a function cached by functools.lru_cache or functools.cache
(given to the API, to the CLI, or called in the function differentiated) through the
function it caches, its __wrapped__ (stranger18): every mode against central finite
differences, and by hand."""

import os
import sys

import numpy as np
import pytest

import s2sad
import cached_functions as cf
from s2sad.testing import check_grads, finite_difference_gradient
from in_process import s2sad_command

X = np.array([0.5, 1.5, -0.7])


def _hessian_fd(f, x):
    eps = 1e-4
    return np.array([(finite_difference_gradient(f, (x + eps * e,), 0)
                      - finite_difference_gradient(f, (x - eps * e,), 0)) / (2 * eps)
                     for e in np.eye(x.size)])


@pytest.mark.parametrize("f", [cf.uses_cached, cf.uses_cached_in_a_loop])
def test_a_cached_function_called_in_f_in_every_mode(f):
    check_grads(f, (X.copy(),), modes=("reverse", "forward"))
    hessian = _hessian_fd(f, X)
    np.testing.assert_allclose(s2sad.hessian(f)(X.copy()), hessian, rtol=1e-4, atol=1e-4)
    v = np.array([0.3, -1.1, 0.8])
    np.testing.assert_allclose(s2sad.hvp(f)(X.copy(), v), hessian @ v, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("f, t, slope", [
    (cf.cubed, 0.7, 3 * 0.7 ** 2),
    (cf.squared_sine, 0.3, np.cos(0.3) * 0.3 + np.sin(0.3)),
    (cf.twice_cached, 0.4, 0.5 * np.exp(0.2))])
def test_a_cached_function_given_to_the_api(f, t, slope):
    np.testing.assert_allclose(s2sad.grad(f)(t), slope)
    value, tangent = s2sad.jvp(f)(t, 1.0)
    np.testing.assert_allclose((value, tangent), (f(t), slope))
    np.testing.assert_allclose(s2sad.value_and_grad(f)(t), (f(t), slope))


def test_a_cached_function_given_to_the_cli(tmp_path):
    source = os.path.join(os.path.dirname(cf.__file__), "cached_functions.py")
    proc = s2sad_command(["grad", f"{source}:cubed"],
                          cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert proc.returncode == 0, proc.stderr
    namespace = {}
    exec(compile(proc.stdout, "cubed_grad.py", "exec"), namespace)
    np.testing.assert_allclose(namespace["cubed_value_and_grad"](0.7), (0.343, 1.47))
