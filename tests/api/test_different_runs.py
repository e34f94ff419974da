"""A Hessian or a forward-mode Jacobian runs the function's code once per column; where
the function reads a state that changes each run and that s2sad does not put back
(``api.draws`` finds numpy's and random's generators it can reach; stranger23c reached
others: an object's attribute, a BitGenerator, a wrapper's closure, a draw in a print a
later run skips), the columns were those of different functions, a wrong value.  Two runs
giving different values now raise ``DifferentRunsError`` located at the function, and the
spellings its hint names give the derivative of one call (checked by hand: the Hessian of
sum(x**2 z) + x0 x1 z0 is diag(2z) with z0 off the diagonal)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import DifferentRunsError

import unreached_draws as ud

X = np.array([0.5, -0.3, 0.8])


@pytest.mark.parametrize("func", [ud.through_an_attribute, ud.over_a_bit_generator,
                                  ud.wrapped], ids=lambda f: f.__name__)
def test_a_hessian_of_unreached_draws_is_refused_at_the_function(func):
    with pytest.raises(DifferentRunsError) as caught:
        s2sad.hessian(func)(X)
    text = str(caught.value)
    assert "unreached_draws.py:" in text and "gave different values" in text
    assert "s2sad.jacobian(s2sad.grad(" in text   # (the hint)


def test_a_forward_jacobian_of_a_draw_in_a_print_is_refused(capsys):
    with pytest.raises(DifferentRunsError, match="jacobian \\(forward mode\\)"):
        s2sad.jacobian(ud.printing_a_draw, mode="forward")(X)


def _hand_hessian(z):
    h = np.diag(2.0 * z)
    h[0, 1] = h[1, 0] = z[0]
    return h


def test_the_hint_gives_the_hessian_of_one_call():
    state = ud.CFG.rng.bit_generator.state
    got = s2sad.jacobian(s2sad.grad(ud.through_an_attribute), mode="reverse")(X)
    ud.CFG.rng.bit_generator.state = state
    z = ud.CFG.rng.standard_normal(3)
    np.testing.assert_allclose(got, _hand_hessian(z), rtol=1e-12, atol=1e-12)
    ud.CFG.rng.bit_generator.state = state
    product = s2sad.hvp(ud.through_an_attribute)(X, np.array([1.0, 0.0, 0.0]))
    np.testing.assert_allclose(product, _hand_hessian(z)[:, 0], rtol=1e-12, atol=1e-12)


def test_a_function_without_draws_is_not_refused():
    h = s2sad.hessian(ud.steady)(X)
    expected = np.diag(2.0 * np.cos(X) - X * np.sin(X))
    expected[0, 1] = expected[1, 0] = 1.0
    np.testing.assert_allclose(h, expected, rtol=1e-12, atol=1e-12)
    j = s2sad.jacobian(lambda x: np.sin(x) * x, mode="forward")(X)
    np.testing.assert_allclose(j, np.diag(np.cos(X) * X + np.sin(X)), rtol=1e-12)
