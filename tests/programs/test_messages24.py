"""Refusals whose message is true and whose hint leads to code that works (fixobj24):
a write through a view of a slice (the hint's spelling, checked against central
differences), dict.fromkeys (the adjoint the hint registers is used), iter/next (the
first construct s2sad does not follow, located)."""

import os

import numpy as np
import pytest

import s2sad
import messages24 as mg
from s2sad.errors import NoDerivativeRuleError, SharedWriteError
from s2sad.rules import identity, registry

HERE = f"{os.sep}messages24.py:"
X = np.array([0.3, -0.7, 1.1, 0.5])


def fd_grad(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(len(x))])


def test_a_slice_updates_hint_leads_to_code_that_works():
    with pytest.raises(SharedWriteError) as e:
        s2sad.grad(mg.slice_update)(X)
    assert f"{HERE}9:" in str(e.value)
    assert "y[:, 0] *= ...; c = y[:, 0]" in str(e.value)
    assert mg.slice_update_hinted(X) == pytest.approx(mg.slice_update(X))
    want = fd_grad(mg.slice_update_hinted, X)
    np.testing.assert_allclose(s2sad.grad(mg.slice_update_hinted)(X), want, atol=1e-7)
    np.testing.assert_allclose(s2sad.jvp(mg.slice_update_hinted)(X, X)[1], want @ X,
                               atol=1e-7)
    np.testing.assert_allclose(s2sad.hessian(mg.slice_update_hinted)(X), np.zeros((4, 4)),
                               atol=1e-12)   # (linear in x)


def test_an_adjoint_registered_for_dict_fromkeys_as_hinted_is_used():
    with pytest.raises(NoDerivativeRuleError, match=r"s2sad.adjoint\(dict.fromkeys\)"):
        s2sad.grad(mg.from_keys)(X)
    assert registry.lookup(dict.fromkeys) is None

    @s2sad.adjoint(dict.fromkeys)
    def fromkeys_adjoint(y, y_bar, iterable, value=None):
        return None, sum(y_bar.values())
    try:
        assert registry.lookup(dict.fromkeys) is not None   # (a new bound method each read)
        np.testing.assert_allclose(s2sad.grad(mg.from_keys)(X), fd_grad(mg.from_keys, X),
                                   atol=1e-7)
    finally:
        registry._RULES.pop(identity.key(dict.fromkeys), None)   # (as it was)


def test_iter_and_next_are_refused_at_the_first_line_with_a_true_message():
    for call in (lambda: s2sad.grad(mg.two_nexts)(X), lambda: s2sad.jvp(mg.two_nexts)(X, X)):
        with pytest.raises(NoDerivativeRuleError) as e:
            call()
        message = str(e.value)
        assert f"{HERE}27:" in message and "iter" in message, message
        assert "the function it applies" not in message
