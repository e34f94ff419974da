"""A derivative s2sad made, transformed again or called inside a differentiated function,
is refused with what to use instead (only grad(grad(f)) composes so far; issue 15)."""

import pytest

import s2sad


def test_transforming_or_calling_a_derivative_says_what_to_use(load):
    module = load("derivative_calls", """
        import s2sad

        def f(x):
            return x * x * 2.0

        g = s2sad.grad(f)

        def h(x):
            return g(x) * x
        """)
    g = module.g
    for call in (lambda: s2sad.jvp(g)(1.0, 1.0), lambda: s2sad.hvp(g)(1.0, 1.0),
                 lambda: s2sad.jacobian(g)(1.0)):
        with pytest.raises(s2sad.S2sadError, match=r"derivative s2sad computed \(grad\(f\)\)"):
            call()
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="calling one inside") as info:
        s2sad.grad(module.h)(1.0)
    assert "derivative_calls.py:10:" in str(info.value)
    assert s2sad.grad(g)(1.0) == 4.0    # grad(grad(f)) composes, and so does
    assert s2sad.value_and_grad(g)(1.0) == (4.0, 4.0)   # value_and_grad(grad(f))
