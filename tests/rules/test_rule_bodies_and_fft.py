"""A user rule's body may hold only ``name = expression`` statements before its return:
the refusal says to call a function of one's own, which works (a stranger's
sliding-window adjoint with a loop); numpy.fft's refusal says to register the rule for a
function of one's own with real inputs and outputs, which works.  Against central
finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError, RuleDefinitionError
from s2sad.testing import check_grads

SOURCE = """
    import numpy as np
    import s2sad
    from numpy.lib.stride_tricks import sliding_window_view

    def spread_windows(y_bar, x, window_shape):
        g = np.zeros(x.shape)
        for i in range(y_bar.shape[0]):
            g[i:i + window_shape] += y_bar[i]
        return g

    @s2sad.adjoint(sliding_window_view, nondiff=("window_shape",), linear=True, view=True)
    def swv_adjoint(y, y_bar, x, window_shape):
        return spread_windows(y_bar, x, window_shape)

    def windows(x):
        return np.sum(np.sin(sliding_window_view(x, 3)) * np.arange(3.0))

    def spectrum(x):
        return np.sum(np.abs(np.fft.rfft(x)))

    def power(x):
        return np.abs(np.fft.rfft(x)) ** 2

    @s2sad.adjoint(power)
    def power_adjoint(y, y_bar, x):
        E = np.exp(-2j * np.pi * np.outer(np.arange(y.shape[0]), np.arange(x.shape[0]))
                   / x.shape[0])
        return 2.0 * np.real((y_bar * np.conj(np.fft.rfft(x))) @ E)

    def loss(x):
        return np.sum(np.sqrt(power(x) + 1.0))
    """

BAD_RULE = """
    import numpy as np
    import s2sad

    def op(x):
        return 2.0 * x

    @s2sad.adjoint(op)
    def op_adjoint(y, y_bar, x):
        g = np.zeros(x.shape)
        for i in range(x.shape[0]):
            g[i] = 2.0 * y_bar[i]
        return g
    """


def test_a_rule_body_with_a_loop_is_refused_with_what_to_do(load):
    with pytest.raises(RuleDefinitionError) as info:
        load("rule_with_a_loop", BAD_RULE)
    text = str(info.value)
    assert "only 'name = expression' statements may precede the return" in text
    assert "hint: put the loop or the other statements in a function of your own" in text


def test_the_loop_in_a_function_of_ones_own_works(load):
    m = load("rule_bodies", SOURCE)
    x = np.linspace(0.1, 1.0, 6)
    check_grads(m.windows, (x,), modes=("reverse",))
    h = 1e-4
    fd = np.array([[(m.windows(x + h * (np.eye(6)[i] + np.eye(6)[j]))
                     - m.windows(x + h * (np.eye(6)[i] - np.eye(6)[j]))
                     - m.windows(x - h * (np.eye(6)[i] - np.eye(6)[j]))
                     + m.windows(x - h * (np.eye(6)[i] + np.eye(6)[j]))) / (4 * h * h)
                    for j in range(6)] for i in range(6)])
    np.testing.assert_allclose(s2sad.hessian(m.windows)(x), fd, atol=1e-5)


def test_the_fft_refusal_says_what_works_and_it_works(load):
    m = load("rule_fft", SOURCE)
    x = np.array([0.5, 1.2, 0.3, 2.0])
    with pytest.raises(NoDerivativeRuleError) as info:
        s2sad.grad(m.spectrum)(x)
    text = str(info.value)
    assert "numpy.fft.rfft: its results are complex" in text
    assert "hint: register a rule for a function of your own that takes and returns real" \
           in text
    check_grads(m.loss, (x,), modes=("reverse",))
