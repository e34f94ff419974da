"""A ``functools.partial`` called inside the function being differentiated (refused before
as "calling the local value 'p'", "calling the function that partial(...) returns" or
"no derivative rule for functools.partial(...)"): made there, called where it is made,
held by a module global, a partial of a partial or of a lambda, made in a loop, holding
a value the function computes (whose derivative flows back to what it is made of).
Checked against central finite differences in reverse and forward mode, to second order,
and through ``s2sad grad`` modules; a call Python raises ``TypeError`` at (a value given
by position landing on a parameter the partial holds by keyword) is refused, never run."""

import functools
import importlib
import os
import sys
from functools import partial

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads
from in_process import s2sad_command


def q(x, a=1.0, b=1.0):
    return a * np.sin(x) * b


def r(x, y, *, k=2.0):
    return np.sum(x * y) * k


P = partial(q, a=2.0)
PP = partial(P, b=5.0)
R = partial(r, k=3.0)


def local_keyword(x):
    p = partial(q, a=2.0)
    return np.sum(p(x, b=3.0))


def positional_made_and_called(x):
    return np.sum(partial(q, 2.0)(x)) + np.sum(partial(q, b=x)(x * x))


def global_partials(x):
    return np.sum(P(x)) + np.sum(P(x, b=3.0)) + np.sum(P(x, a=0.5)) + np.sum(PP(x)) + R(x, x)


def partial_of_partial(x):
    p = partial(partial(q, a=2.0), b=4.0)
    p2 = partial(p, a=0.5)
    return np.sum(p(x)) + np.sum(p2(x * x)) + np.sum(partial(P, b=4.0)(x))


def partial_of_lambda(x):
    p = partial(lambda z, c: c * np.cos(z) * z, c=3.0)
    return np.sum(p(x))


def two_partials_of_lambdas(x):   # (the same parameter names: renamed apart)
    p = partial(lambda u, c: c * np.sin(u) + u * u, c=0.5 * np.sum(x))
    s = np.sum(p(x))
    for k in range(2):
        q = partial(lambda u, c: c * np.tanh(u), c=k + 0.5)
        s = s + np.sum(q(x))
    return s


def made_in_a_loop(x):
    s = 0.0
    for i in range(3):
        p = partial(q, b=x[i % 2] + i)
        s = s + np.sum(p(x * i))
    return s


def frozen_value_differentiated(x, w):
    p = partial(q, a=w * w)
    w = w + 1.0           # the partial keeps the value it was made with
    return np.sum(p(x, b=w))


def _fd_hessian(f, args, h=1e-4):
    flat = np.concatenate([np.ravel(a) for a in args])

    def call(v):
        parts, at = [], 0
        for a in args:
            n = np.size(a)
            parts.append(v[at:at + n].reshape(np.shape(a)) if np.ndim(a) else v[at])
            at += n
        return f(*parts)

    def grad(v):
        out = np.zeros_like(v)
        for i in range(v.size):
            e = np.zeros_like(v)
            e[i] = 1e-5
            out[i] = (call(v + e) - call(v - e)) / 2e-5
        return out

    rows = []
    for i in range(flat.size):
        e = np.zeros_like(flat)
        e[i] = h
        rows.append((grad(flat + e) - grad(flat - e)) / (2 * h))
    return np.array(rows)


X = np.array([0.3, -0.5, 1.1])
ONE_ARGUMENT = [local_keyword, positional_made_and_called, global_partials,
                partial_of_partial, partial_of_lambda, two_partials_of_lambdas,
                made_in_a_loop]


@pytest.mark.parametrize("func", ONE_ARGUMENT, ids=lambda f: f.__name__)
def test_called_partials_match_finite_differences(func):
    check_grads(func, (X,), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.hessian(func)(X), _fd_hessian(func, (X,)), atol=1e-4)


def test_the_derivative_flows_to_the_value_the_partial_holds():
    w = 0.7
    check_grads(frozen_value_differentiated, (X, w), modes=("reverse", "forward"))
    gw = s2sad.grad(frozen_value_differentiated, wrt=1)(X, w)
    assert np.isclose(gw, 2 * w * (w + 1) * np.sum(np.sin(X)) + w * w * np.sum(np.sin(X)))
    hess = s2sad.hessian(frozen_value_differentiated, wrt=(0, 1))(X, w)
    fd = _fd_hessian(frozen_value_differentiated, (X, w))
    np.testing.assert_allclose(hess[0][0], fd[:3, :3], atol=1e-4)
    np.testing.assert_allclose(hess[1][1], fd[3, 3], atol=1e-4)
    np.testing.assert_allclose(hess[0][1], fd[:3, 3], atol=1e-4)


def position_on_held_keyword(x):
    return np.sum(partial(q, a=2.0)(x, 3.0))


def local_position_on_held_keyword(x):
    p = partial(q, b=1.0, a=2.0)
    return np.sum(p(x, 3.0))


def global_position_on_held_keyword(x):
    return np.sum(P(x, 3.0))


@pytest.mark.parametrize("func", [position_on_held_keyword, local_position_on_held_keyword,
                                  global_position_on_held_keyword], ids=lambda f: f.__name__)
def test_a_position_on_a_held_keyword_raises_as_python_does(func):
    with pytest.raises(TypeError, match="multiple values for argument 'a'"):
        func(X)
    for make in (lambda: s2sad.grad(func)(X), lambda: s2sad.jvp(func)(X, X)):
        with pytest.raises(s2sad.UnsupportedSyntaxError,
                           match=r"Python raises TypeError[\s\S]*multiple values for "
                                 r"argument 'a'[\s\S]*hint: "):
            make()


L = partial(lambda z, c: c * np.cos(z), c=3.0)


def global_partial_of_lambda(x):
    return np.sum(L(x))


def test_a_global_partial_of_a_lambda_is_refused_saying_why():
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=r"a lambda: such a def needs a name"):
        s2sad.grad(global_partial_of_lambda)(X)


_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


@pytest.mark.parametrize("flags", [[], ["--mode", "forward"], ["--mode", "forward",
                                                                "--flavor", "hvp"]])
def test_written_modules_call_the_partials(tmp_path, flags):
    here = os.path.dirname(os.path.abspath(__file__))
    out = tmp_path / "written_partials.py"
    s2sad_command(["grad",
                    f"{os.path.join(here, 'test_partials_called.py')}:frozen_value_differentiated",
                    "--wrt", "x,w", *flags, "-o", str(out)], check=True, env=_ENV, cwd=here)
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("written_partials")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("written_partials", None)
    w, v = 0.7, (np.cos(X), 0.3)
    fd = _fd_hessian(frozen_value_differentiated, (X, w))
    grad = s2sad.testing.finite_difference_gradient(frozen_value_differentiated, (X, w))
    dw = s2sad.testing.finite_difference_gradient(frozen_value_differentiated, (X, w), argnum=1)
    if not flags:
        _, (gx, gw) = module.frozen_value_differentiated_value_and_grad(X, w)
        np.testing.assert_allclose(gx, grad, atol=1e-6)
        assert np.isclose(gw, dw, atol=1e-6)
    elif "hvp" not in flags:
        _, tangent = module.frozen_value_differentiated_jvp(X, w, *v)
        assert np.isclose(tangent, grad @ v[0] + dw * v[1], atol=1e-6)
    else:
        _, (hx, hw) = module.frozen_value_differentiated_hvp(X, w, *v)
        product = fd @ np.concatenate([v[0], [v[1]]])
        np.testing.assert_allclose(np.append(hx, hw), product, atol=1e-4)


def test_a_written_module_calls_a_global_partial(tmp_path):
    here = os.path.dirname(os.path.abspath(__file__))
    out = tmp_path / "written_global_partials.py"
    s2sad_command(["grad",
                    f"{os.path.join(here, 'test_partials_called.py')}:global_partials",
                    "-o", str(out)], check=True, env=_ENV, cwd=here)
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("written_global_partials")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("written_global_partials", None)
    _, gx = module.global_partials_value_and_grad(X)
    np.testing.assert_allclose(
        gx, s2sad.testing.finite_difference_gradient(global_partials, (X,)), atol=1e-6)
