"""``jacobian(mode="auto")`` takes the mode that has the rules: where it would pick forward
mode (fewer inputs than outputs) and the function calls one with an adjoint rule and no
tangent rule, reverse mode, whose sweep auto ran to learn the output's size, computes it
(it raised NoDerivativeRuleError).  Against the Jacobian written by hand."""

import numpy as np

import s2sad


def softplus(x):
    return np.log1p(np.exp(x))


@s2sad.adjoint(softplus)
def softplus_adjoint(y, y_bar, x):
    return y_bar / (1.0 + np.exp(-x))


def f(x):
    return np.outer(softplus(x), np.arange(5.0)).ravel()


def _by_hand(x):
    sigmoid = 1.0 / (1.0 + np.exp(-x))
    jac = np.zeros((x.size * 5, x.size))
    for i in range(x.size):
        jac[i * 5:(i + 1) * 5, i] = sigmoid[i] * np.arange(5.0)
    return jac


def test_auto_takes_reverse_mode_where_forward_mode_has_no_rule():
    x = np.array([0.3, -0.2])
    jac = s2sad.jacobian(f)
    np.testing.assert_allclose(jac(x), _by_hand(x), rtol=1e-12, atol=1e-15)
    plan = jac.last_plan
    assert plan.mode == "reverse" and plan.sweeps == 10
    assert "forward mode cannot differentiate it" in plan.reason
    # forward mode asked for by name is still refused, saying why
    try:
        s2sad.jacobian(f, mode="forward")(x)
    except s2sad.errors.NoDerivativeRuleError as exc:
        assert "no tangent (forward-mode) rule" in str(exc)
    else:
        raise AssertionError("forward mode has no tangent rule for softplus")


def g(x):
    return np.sum(np.sin(x)) * np.arange(4.0)


def test_auto_still_takes_forward_mode_where_it_has_the_rules():
    x = np.array([0.3, -0.2])
    jac = s2sad.jacobian(g)
    expected = np.outer(np.arange(4.0), np.cos(x))
    np.testing.assert_allclose(jac(x), expected, rtol=1e-12, atol=1e-15)
    assert jac.last_plan.mode == "forward" and jac.last_plan.sweeps == 2
