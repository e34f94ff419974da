"""A user's import or global named as a runtime helper (``from numpy import zeros_like``,
an array ``unbroadcast``, a function ``add_item``) never captures the calls of that
helper in the code s2sad generated for a derivative the function calls
(``s2sad.grad(h)(x)``), composed into its own (before: numpy's ``zeros_like`` of the
pieces of an ``np.array_split``, "inhomogeneous shape"; an array called).  In grad,
vjp, jvp, hvp and the CLI's module; references are central finite differences."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from s2sad.testing import finite_difference_gradient

import helper_names_composed as hn
from in_process import s2sad_command

X = np.array([0.3, -0.5, 0.7])
FUNCTIONS = [hn.value_and_grad_beside_zeros_like, hn.grad_beside_all_three,
             hn.grad_of_broadcasting_beside_all_three]
IDS = [f.__name__ for f in FUNCTIONS]


def _fd_gradient(func, x):
    return finite_difference_gradient(func, (x.copy(),), 0)


def _fd_hvp(func, x, v, eps=1e-4):
    """H v by central differences of finite-difference gradients."""
    return (_fd_gradient(func, x + eps * v) - _fd_gradient(func, x - eps * v)) / (2 * eps)


@pytest.mark.parametrize("func", FUNCTIONS, ids=IDS)
def test_grad_vjp_and_jvp(func):
    expected = _fd_gradient(func, X)
    np.testing.assert_allclose(s2sad.grad(func)(X), expected, rtol=1e-6, atol=1e-8)
    value, pullback = s2sad.vjp(func)(X)
    np.testing.assert_allclose(value, func(X), rtol=1e-12)
    np.testing.assert_allclose(pullback(1.0), expected, rtol=1e-6, atol=1e-8)
    v = np.array([0.4, -0.2, 0.9])
    np.testing.assert_allclose(s2sad.jvp(func)(X, v)[1], expected @ v, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("func", FUNCTIONS, ids=IDS)
def test_hvp(func):
    v = np.array([0.4, -0.2, 0.9])
    np.testing.assert_allclose(s2sad.hvp(func)(X, v), _fd_hvp(func, X, v),
                               rtol=1e-4, atol=1e-5)


def test_the_generated_module_names_the_helper_apart():
    text = s2sad.grad(hn.value_and_grad_beside_zeros_like).source
    assert "from numpy import zeros_like" in text
    assert "z = zeros_like(x)" in text                   # the user's
    code = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in code if "= zeros_like(array_split)" in line]   # numpy's


@pytest.mark.parametrize("flavor", ["value_and_grad", "vjp"])
def test_the_cli_module(tmp_path, flavor):
    source = Path(hn.__file__)
    (tmp_path / source.name).write_text(source.read_text())
    name = "grad_beside_all_three"
    out = tmp_path / f"{name}_{flavor}.py"
    here = str(Path(s2sad.__file__).resolve().parents[1])   # (this s2sad, not another)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [here] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    proc = s2sad_command(["grad", "--flavor", flavor,
                           f"{source.name}:{name}", "-o", out.name],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        namespace = {}
        exec(compile(out.read_text(), str(out), "exec"), namespace)
        value, second = namespace[f"{name}_{flavor}"](X.copy())
    finally:
        sys.path.remove(str(tmp_path))
    gradient = second if flavor == "value_and_grad" else second(1.0)
    np.testing.assert_allclose(value, hn.grad_beside_all_three(X), rtol=1e-12)
    np.testing.assert_allclose(gradient, _fd_gradient(hn.grad_beside_all_three, X),
                               rtol=1e-6, atol=1e-8)
