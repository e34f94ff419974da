"""A derivative s2sad made composes: transformed again, or called inside a function being
differentiated, it is differentiated through (issue 15; tests/api/test_composition.py
has the rest)."""

import numpy as np
import pytest

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


def test_derivatives_that_do_not_compose_say_what_to_write(load):
    module = load("derivative_refusals", """
        import numpy as np
        import s2sad

        def f(x):
            return np.sum(x * x * x)

        H = s2sad.hessian(f)
        V = s2sad.vjp(f)

        def uses_hessian(x):
            return np.sum(H(x))

        def uses_vjp(x):
            value, pullback = V(x)
            return value
        """)
    x = np.array([0.5, -1.0])
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="not of a vjp, hessian") as info:
        s2sad.grad(module.uses_hessian)(x)
    assert "derivative_refusals.py:12:" in str(info.value)
    with pytest.raises(s2sad.UnsupportedSyntaxError, match="not of a vjp, hessian"):
        s2sad.grad(module.uses_vjp)(x)
    for transform in (s2sad.grad, s2sad.jvp):
        with pytest.raises(s2sad.S2sadError, match="not through a vjp, hessian or jacobian"):
            transform(module.H)


def test_a_derivative_called_inside_binds_as_at_top_level(load):
    """(the API fills defaults before the tangents; inside, the call binds so too: the
    short call was refused, asking for every parameter by position)"""
    module = load("defaults_inside", """
        import numpy as np
        import s2sad

        def L(x, s=1.0):
            return s * np.sum(np.cos(x) ** 2)

        def short(x, v):
            return s2sad.jvp(L)(x, v)[1]

        def full(x, v):
            return s2sad.jvp(L)(x, 1.0, v)[1]
        """)
    x, v = np.array([0.3, 0.2, -0.1]), np.array([1.0, 2.0, 0.5])
    from s2sad.testing import check_grads
    assert module.short(x, v) == module.full(x, v)
    check_grads(module.short, (x, v), modes=("reverse", "forward"))
    check_grads(module.full, (x, v), modes=("reverse", "forward"))
