"""A user's rule may read a name its module defines below it (``spread``, as the
README's rules do): the name is looked up when the rule is first used, in every mode;
a name still undefined then is refused there, located at the name in the rule
(stranger18)."""

import numpy as np
import pytest

import s2sad
import late_rule_names as lr
from s2sad.errors import RuleDefinitionError
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([0.5, 1.5, -0.7])


def test_a_rule_reading_a_helper_defined_below_it_in_every_mode():
    check_grads(lr.uses_power, (X.copy(),), modes=("reverse", "forward"))
    # by hand: d/dx sum(x^3 sin x) = 3 x^2 sin x + x^3 cos x
    np.testing.assert_allclose(s2sad.grad(lr.uses_power)(X.copy()),
                               3 * X ** 2 * np.sin(X) + X ** 3 * np.cos(X))
    eps = 1e-4
    hessian = np.array([(finite_difference_gradient(lr.uses_power, (X + eps * e,), 0)
                         - finite_difference_gradient(lr.uses_power, (X - eps * e,), 0))
                        / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(s2sad.hessian(lr.uses_power)(X.copy()), hessian,
                               rtol=1e-4, atol=1e-4)


def test_a_name_undefined_when_the_rule_is_used_is_refused_located(monkeypatch):
    adjoint = lr.register_opaque_rule()
    with pytest.raises(RuleDefinitionError, match="'defined_later'") as info:
        s2sad.grad(lr.uses_opaque)(X.copy())
    where = info.value.location
    assert where.filename.endswith("late_rule_names.py")
    assert where.line == adjoint.__code__.co_firstlineno + 2   # (the decorator's line)
    with open(lr.__file__) as source:
        line = source.read().splitlines()[where.line - 1]
    assert "defined_later(x)" in where.code and where.column == line.index("defined_later") + 1
    # defined now (as a module's later code would): the rule reads it
    monkeypatch.setattr(lr, "defined_later", lambda x: np.full_like(x, 2.0), raising=False)
    np.testing.assert_allclose(s2sad.grad(lr.uses_opaque)(X.copy()), [2.0, 2.0, 2.0])
