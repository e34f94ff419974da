"""A rule of the user's (``@s2sad.adjoint``, without ``broadcast=True``) whose adjoint for
a number parameter has the other parameter's shape was reported as "internal error ...
please report this" (stranger21c r1), blaming s2sad: the error now names the user's rules
taken at the shape they return and says how to fix them; the fixed rules give the
gradient of central differences."""

import numpy as np
import pytest

import rule_shape_targets as m
import s2sad
from s2sad.rules import identity, registry

X = np.array([0.3, -1.2, 2.0])
A = 0.7


def scaled_adj(y, y_bar, x, a):   # (its a_bar has x's shape: for a number a, wrong)
    return y_bar * a * np.cos(x), y_bar * np.sin(x)


def scaled_adj_reduced(y, y_bar, x, a):
    return y_bar * a * np.cos(x), np.sum(y_bar * np.sin(x))


def _register(broadcast, reduce):
    s2sad.adjoint(m.scaled, broadcast=broadcast)(scaled_adj_reduced if reduce else scaled_adj)


@pytest.fixture
def rule():
    yield _register
    registry._RULES.pop(identity.key(m.scaled), None)
    registry._changed()


def test_an_adjoint_of_the_wrong_shape_names_the_users_rule(rule):
    rule(broadcast=False, reduce=False)
    with pytest.raises(s2sad.errors.S2sadError) as caught:
        s2sad.grad(m.uses_scaled, wrt=1)(X, A)
    text = str(caught.value)
    assert "internal error" not in text.split("hint:")[0], text
    assert "scaled_adj (of scaled)" in text and "broadcast=True" in text, text


@pytest.mark.parametrize("broadcast, reduce", [(True, False), (False, True)])
def test_the_hint_leads_to_rules_that_work(rule, broadcast, reduce):
    rule(broadcast=broadcast, reduce=reduce)
    h = 1e-6
    expected = (m.uses_scaled(X, A + h) - m.uses_scaled(X, A - h)) / (2 * h)
    assert s2sad.grad(m.uses_scaled, wrt=1)(X, A) == pytest.approx(expected, rel=1e-7)
