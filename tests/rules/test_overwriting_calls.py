"""Regression tests (helper fixalias21): a scipy.linalg call allowed to overwrite its
argument (cho_solve, lu_solve, solve_triangular, solve with overwrite_b=True; cholesky,
inv, lu_factor, cho_factor, solve with overwrite_a=True) whose argument is read later gave
the right value and wrong gradients; np.median(overwrite_input=True) discarded was dropped.
Now refused where the call stands, with the hint overwrite_*=False, which is then
differentiated (central differences).  np.array(x, copy=False) is refused saying that
copy=True is what s2sad differentiates (it named copy=False too)."""

import numpy as np
import pytest

pytest.importorskip("scipy")

import s2sad  # noqa: E402
from s2sad.errors import NoDerivativeRuleError  # noqa: E402

import overwriting_calls as oc  # noqa: E402

L = np.array([[1.0, 0.0, 0.0], [0.3, 0.8, 0.0], [-0.2, 0.5, 1.2]])
B = np.array([1.0, -2.0, 0.5])

REFUSED = [(oc.cho_solve_b_read, "overwrite_b=True", 11),
           (oc.triangular_local, "overwrite_b=True", 17),
           (oc.lu_solve_unused, "overwrite_b=True", 23),
           (oc.cholesky_a_read, "overwrite_a=True", 29),
           (oc.inv_a_read, "overwrite_a=True", 35),
           (oc.lu_factor_a_read, "overwrite_a=True", 41),
           (oc.solve_a_flag, "overwrite_a=a name's value", 47),
           (oc.median_discarded, "overwrite_input=True", 52)]


def _fd(f, L, b, eps=1e-6):
    return np.array([(f(L, b + eps * e) - f(L, b - eps * e)) / (2 * eps) for e in np.eye(3)])


@pytest.mark.parametrize("f, words, line", REFUSED, ids=lambda v: getattr(v, "__name__", ""))
def test_a_call_allowed_to_overwrite_is_refused_where_it_stands(f, words, line):
    keyword = words.split("=")[0]
    for call in (lambda: s2sad.grad(f, wrt=1)(L, B.copy()),
                 lambda: s2sad.value_and_grad(f, wrt=(0, 1))(L, B.copy()),
                 lambda: s2sad.jvp(f, wrt=1)(L, B.copy(), np.ones(3))):
        with pytest.raises(NoDerivativeRuleError) as info:
            call()
        message = str(info.value)
        assert f"overwriting_calls.py:{line}:" in message, message
        assert words in message and f"pass {keyword}=False" in message, message


@pytest.mark.parametrize("f", [oc.cho_solve_kept, oc.lu_solve_kept], ids=lambda f: f.__name__)
def test_the_hinted_call_is_differentiated(f):
    value, g = s2sad.value_and_grad(f, wrt=1)(L, B.copy())
    assert value == pytest.approx(f(L, B.copy()))
    np.testing.assert_allclose(g, _fd(f, L, B), rtol=1e-6, atol=1e-8)
    _, slope = s2sad.jvp(f, wrt=1)(L, B.copy(), np.array([0.3, -1.0, 0.7]))
    assert slope == pytest.approx(_fd(f, L, B) @ np.array([0.3, -1.0, 0.7]), rel=1e-6)


@pytest.mark.parametrize("f, copy", [(oc.array_no_copy, "False"),
                                     (oc.array_copy_if_needed, "None")],
                         ids=["False", "None"])
def test_np_array_copy_refusal_names_copy_true_only(f, copy):
    x = np.array([0.5, -0.3])
    for call in (lambda: s2sad.grad(f)(x), lambda: s2sad.jvp(f)(x, np.ones(2))):
        with pytest.raises(NoDerivativeRuleError) as info:
            call()
        message = str(info.value)
        assert f"np.array(..., copy={copy})" in message
        assert "s2sad differentiates np.array with copy=True" in message
        assert "hint: pass copy=True where np.array is called" in message
        assert "or copy=False" not in message
    # the hint followed: differentiated
    np.testing.assert_allclose(s2sad.grad(oc.array_copied)(x), 2 * x)
