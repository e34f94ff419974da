"""An argument one of s2sad's own rules does not take is refused with what to write instead
(never "name the rule's parameter", advice for a rule's author); ``x.ravel(order)`` and
``x.astype(dtype, order)`` are differentiated (against central finite differences), and
the spelling the ``np.reshape(..., order='F')`` refusal suggests computes the same."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError
from s2sad.testing import check_grads

M = np.arange(6.0).reshape(2, 3) + 0.5

REFUSED = {
    "median_overwrite": ("np.median(M * M, overwrite_input=True)",
                         "pass overwrite_input=False where np.median is called"),
}
#: refused once, with a hint: differentiated now (the op table has their rows too)
TAKEN = {
    "reshape_f": "np.sum(np.reshape(M, (3, 2), order='F') * np.arange(6.0).reshape(3, 2))",
    "sum_dtype": "np.sum(M * M, axis=1, dtype=np.float64).sum()",
    "mean_dtype": "(M * M).mean(dtype=np.float64)",
    "min_initial": "np.min(M * M, initial=100.0) + np.min(M * M, initial=1.0)",
    "copy_order": "np.sum(M.copy('F') * M) + np.sum(M.copy(order='F').ravel('K') * M.ravel())",
    "sum_initial": "np.sum(M * M, initial=1.0)",
    "sum_where": "np.sum(M * M, where=M > 1.0)",
    "nanmean_where": "np.nanmean(M * M, where=M > 1.0)",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_own_rule_refusal_says_what_to_write(load, name):
    body, advice = REFUSED[name]
    module = load(f"hint_{name}", f"""
        import numpy as np

        def f(M):
            return {body}
        """)
    with pytest.raises(NoDerivativeRuleError) as info:
        s2sad.grad(module.f)(M.copy())
    message = str(info.value)
    assert "name the rule's parameter" not in message
    assert advice in message


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_once_refused_keywords_are_differentiated(load, name):
    module = load(f"taken_{name}", f"""
        import numpy as np

        def f(M):
            return {TAKEN[name]}
        """)
    check_grads(module.f, (M.copy(),), modes=("reverse", "forward"))


def test_a_users_rule_still_gets_the_advice_for_its_author(load):
    module = load("hint_user_rule", """
        import numpy as np
        import s2sad

        def scaled(x, k=2.0):
            return x * k

        @s2sad.adjoint(scaled)
        def scaled_adjoint(y, y_bar, x):
            return y_bar * 2.0

        def f(x):
            return np.sum(scaled(x, k=3.0))
        """)
    # (k=3.0, not its default: a keyword given its default value is taken, which is what
    # a rule that does not name it computes)
    with pytest.raises(NoDerivativeRuleError, match="name the rule's parameter 'k'"):
        s2sad.grad(module.f)(M.copy())


def test_ravel_and_astype_orders_against_finite_differences(load):
    module = load("ravel_orders", """
        import numpy as np

        def f(M):
            w = np.arange(6.0)
            return (np.sum(M.ravel('F') * w) + np.sum(np.ravel(M, order='F') ** 2 * w)
                    + np.sum(np.ravel(M.T, 'A') * w) + np.sum(np.ravel(M.T, 'K') * w)
                    + np.sum(M.astype(np.float64, 'F').ravel('K') * w))
        """)
    check_grads(module.f, (M.copy(),), modes=("reverse", "forward"))


def test_the_suggested_reshape_spelling_is_fortran_order(load):
    module = load("reshape_fortran", """
        import numpy as np

        def f(M):
            shape = (3, 2)
            return np.sum(np.reshape(M.T, shape[::-1]).T * np.arange(6.0).reshape(3, 2))
        """)
    x = np.arange(6.0).reshape(2, 3)
    spelled = np.reshape(x.T, (3, 2)[::-1]).T
    assert np.array_equal(spelled, np.reshape(x, (3, 2), order="F"))
    check_grads(module.f, (M.copy(),), modes=("reverse", "forward"))
    expected = np.reshape(np.arange(6.0).reshape(3, 2), (2, 3), order="F")   # by hand
    np.testing.assert_allclose(s2sad.grad(module.f)(M.copy()), expected)
