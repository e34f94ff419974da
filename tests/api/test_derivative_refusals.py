"""A derivative s2sad made composes: transformed again, or called inside a function being
differentiated, it is differentiated through (issue 15; tests/api/test_composition.py
has the rest)."""

import s2sad


def test_transforming_or_calling_a_derivative_differentiates_through_it(load):
    module = load("derivative_calls", """
        import s2sad

        def f(x):
            return x * x * x

        g = s2sad.grad(f)

        def h(x):
            return g(x) * x
        """)
    g = module.g                                   # g(x) = 3x^2, h(x) = 3x^3
    assert s2sad.jvp(g)(2.0, 1.0) == (12.0, 12.0)
    assert s2sad.hvp(g)(2.0, 1.0) == 6.0           # (3x^2)'' = 6
    assert s2sad.jacobian(g)(2.0) == 12.0
    assert s2sad.grad(module.h)(2.0) == 36.0       # 9x^2
    assert s2sad.grad(g)(2.0) == 12.0              # grad(grad(f)) composes, and so does
    assert s2sad.value_and_grad(g)(2.0) == (12.0, 12.0)   # value_and_grad(grad(f))
