"""Regression tests (fixknown22b): an overwrite flag given by position
(``scipy.linalg.solve(A, b, False, True)``, ``sla.lu_factor(A, True)``, ``np.median(b,
None, None, True)``) was refused only where the rule's result was used; where it was not
(``_ = ...``, a name never read, an item of a tuple) s2sad dropped the call and gave the
right value with wrong gradients, since scipy writes into a Fortran-ordered float64
argument that ``f`` reads afterwards.  Now refused where the call stands, as the keyword
is, naming the flag and its position; a flag False by position and a user's own
parameter named ``overwrite_*`` are differentiated (central differences)."""

import inspect

import numpy as np
import pytest

pytest.importorskip("scipy")

import s2sad  # noqa: E402
from s2sad.errors import NoDerivativeRuleError  # noqa: E402

import overwriting_positional as op  # noqa: E402

_M = np.array([[1.0, 0.2, -0.3], [0.2, 1.5, 0.4], [-0.3, 0.4, 2.0]])
A0 = np.asfortranarray(_M @ _M.T + np.eye(3))
B0 = np.array([1.0, -2.0, 0.5])

REFUSED = [name for name, _ in inspect.getmembers(op, inspect.isfunction)
           if f"# REFUSED: {name}" in inspect.getsource(op)]


def _line(tag):
    lines = inspect.getsource(op).splitlines()
    return next(i for i, text in enumerate(lines, 1) if f"# REFUSED: {tag}" in text)


def _args():
    return np.array(A0, order="F"), B0.copy()


def _fd(f, i, eps=1e-6):
    """Central differences of f with respect to argument i, each call on new
    Fortran-ordered copies (scipy may write into them)."""
    x = _args()[i]
    g = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[j] = eps
        up, down = list(_args()), list(_args())
        up[i], down[i] = np.array(x + e, order="F"), np.array(x - e, order="F")
        g[j] = (f(*up) - f(*down)) / (2 * eps)
    return g


def test_every_refused_form_is_listed():
    assert len(REFUSED) == 18


@pytest.mark.parametrize("name", REFUSED)
def test_a_positional_overwrite_flag_is_refused_where_the_call_stands(name):
    f = getattr(op, name)
    for call in (lambda: s2sad.grad(f, wrt=(0, 1))(*_args()),
                 lambda: s2sad.jvp(f, wrt=(0, 1))(*_args(), np.ones((3, 3)), np.ones(3)),
                 lambda: s2sad.hvp(f, wrt=0)(*_args(), np.ones((3, 3)))):
        with pytest.raises(NoDerivativeRuleError) as info:
            call()
        message = str(info.value)
        assert f"overwriting_positional.py:{_line(name)}:" in message, message
        assert "may write into its argument in place" in message, message
        flag = message.split("(..., ")[1].split("=")[0]
        assert flag.startswith("overwrite_"), message
        assert f"pass {flag}=False" in message or f"leave {flag} out of the partial" in message


def test_the_refusal_names_the_position():
    with pytest.raises(NoDerivativeRuleError) as info:
        s2sad.grad(op.solve_a)(*_args())
    assert "sla.solve(..., overwrite_a=True)" in str(info.value)
    assert "its argument 4 is overwrite_a, given by position" in str(info.value)


def test_a_partial_holding_the_flag_is_refused_at_its_call():
    with pytest.raises(NoDerivativeRuleError) as info:
        s2sad.grad(op.partial_holding_it)(*_args())
    message = str(info.value)
    assert "the functools.partial inverse_in_place holds it" in message
    assert "leave overwrite_a out of the partial inverse_in_place" in message


def test_the_refused_calls_do_overwrite():
    # (why: the gradient s2sad gave, of the function without the call, is not f's)
    dropped = _fd(op.lu_factor_dropped, 0)
    assert not np.allclose(dropped, 2 * A0, atol=1e-3)


@pytest.mark.parametrize("name", ["all_false", "users_own_flag"])
def test_flags_false_by_position_are_differentiated(name):
    f = getattr(op, name)
    value, (ga, gb) = s2sad.value_and_grad(f, wrt=(0, 1))(*_args())
    assert value == pytest.approx(f(*_args()))
    np.testing.assert_allclose(ga, _fd(f, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gb, _fd(f, 1), rtol=1e-5, atol=1e-6)
    direction = np.array([0.3, -1.0, 0.7])
    _, slope = s2sad.jvp(f, wrt=1)(*_args(), direction)
    assert slope == pytest.approx(_fd(f, 1) @ direction, rel=1e-5, abs=1e-6)
