"""The hint of a SingularPointError, followed literally, gives numpy's inf (the derivative
Python's own numbers give): for a math function's result, numpy's function in its place
(math's return Python floats whatever they are given); for a float literal divided by,
the literal as np.float64(...)."""

import math

import numpy as np
import pytest

import s2sad
from s2sad.errors import SingularPointError

CASES = {
    # name: (refused body, argument, what the hint says to write, the body it gives)
    "math_sqrt": ("math.sqrt(x)", 0.0, "np.sqrt(...)", "np.sqrt(x)"),
    "math_sqrt_numpy_number": ("math.sqrt(x)", np.float64(0.0), "np.sqrt(...)", "np.sqrt(x)"),
    "math_sqrt_item": ("math.sqrt(x[0]) + 0.0 * x[1]", np.array([0.0, 1.0]),
                       "np.sqrt(...)", "np.sqrt(x[0]) + 0.0 * x[1]"),
    "literal": ("x / 0.0", np.float64(1.0), "np.float64(0.0)", "x / np.float64(0.0)"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_singular_hint_followed_gives_numpys_inf(load, name):
    body, arg, advice, followed = CASES[name]
    module = load(f"singular_{name}", f"""
        import math
        import numpy as np

        def f(x):
            return {body}

        def g(x):
            return {followed}
        """)
    with np.errstate(divide="ignore", invalid="ignore"):
        with pytest.raises(SingularPointError) as info:
            s2sad.grad(module.f)(arg)
        hint = str(info.value).splitlines()[-1]
        assert advice in hint and "pass the number as np.float64" not in hint
        grad = s2sad.grad(module.g)(arg)
        assert module.g(arg) == module.f(arg)   # the same value
    assert np.ravel(grad)[0] == np.inf
