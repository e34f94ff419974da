"""np.logspace's base and np.logaddexp.reduce's initial value are taken as constants:
given a value that carries a derivative, the call is refused where it is written, with
what to write instead (never a derivative that misses them)."""

import numpy as np
import pytest

import s2sad

import constant_parameters23 as F


@pytest.mark.parametrize("func, arg, hint", [
    (F.logspace_in_base, 2.0, "base ** np.linspace(start, stop, num)"),
    (F.logaddexp_reduce_initial, np.array([0.3, -0.2]), "np.logaddexp(np.logaddexp.reduce(x), v)"),
], ids=["logspace-base", "logaddexp-reduce-initial"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_parameter_taken_as_a_constant_is_refused_where_it_carries_a_derivative(
        func, arg, hint, mode):
    with pytest.raises(s2sad.S2sadError) as info:
        if mode == "grad":
            s2sad.grad(func)(arg)
        else:
            s2sad.jvp(func)(arg, np.ones_like(arg))
    text = str(info.value)
    assert "constant_parameters23.py:" in text and hint in text


def test_a_constant_base_is_differentiated_in_the_exponents():
    a = 0.4
    want = np.sum(np.log(3.0) * 3.0 ** np.linspace(a, 1.0, 3) * np.array([1.0, 0.5, 0.0]))
    assert s2sad.grad(F.logspace_constant_base)(a) == pytest.approx(want, rel=1e-12)
    assert s2sad.jvp(F.logspace_constant_base)(a, 1.0)[1] == pytest.approx(want, rel=1e-12)
