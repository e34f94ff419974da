"""A refusal a rule makes while the derivative runs (the derivative of det at a singular
matrix, of std where it is 0) names the user's line that the generated block
differentiates, found from the generated code's ``# line N:`` comments."""

import numpy as np
import pytest

import s2sad


def test_a_refusal_raised_while_the_gradient_runs_names_the_users_line(load):
    module = load("singular_det", """
        import numpy as np

        def helper(A):
            return np.linalg.det(A) * 2.0

        def f(A):
            s = np.sum(A)
            return helper(A) + s

        def g(A):
            return np.std(A) * 3.0
        """)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(s2sad.S2sadError, match="singular") as info:
        s2sad.grad(module.f)(singular)
    assert "singular_det.py:5:" in str(info.value)          # helper's line, in helper's file
    assert "return np.linalg.det(A) * 2.0" in str(info.value)
    with pytest.raises(s2sad.S2sadError, match="singular") as info:
        s2sad.jvp(module.f)(singular, np.ones((2, 2)))
    assert "singular_det.py:5:" in str(info.value)
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.grad(module.g)(np.ones((2, 2)))               # std is 0 there
    assert "singular_det.py:12:" in str(info.value)
