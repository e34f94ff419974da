"""``s2sad.value_and_grad(h)(x)`` called inside a differentiated function that writes
into ``x`` after the call: refused as "h_value_and_grad may return its argument" (fuzz
seed 21030: a false refusal) although the
value of ``h`` is a new number and a gradient is a new array.  The composable form of a
value_and_grad now returns new values where ``h``'s result holds none of its arguments;
where it may (``h`` returns its 0-d argument), the write is still refused.  Gradients
against central differences in float64."""

import numpy as np
import pytest

import inner_value_and_grad_writes as m
import s2sad

H = 1e-6


def fd(f, x):
    return np.array([(f(x + H * e) - f(x - H * e)) / (2 * H) for e in np.eye(len(x))])


@pytest.mark.parametrize("f", [m.written_after, m.gradient_part_written_after,
                               m.total_written_after])
def test_gradient_through_a_value_and_grad_of_an_argument_written_after(f):
    x = np.array([0.3, -0.7])
    np.testing.assert_allclose(s2sad.grad(f)(x.copy()), fd(f, x), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("f", [m.written_after, m.gradient_part_written_after,
                               m.total_written_after])
def test_tangent_through_a_value_and_grad_of_an_argument_written_after(f):
    x, v = np.array([0.3, -0.7]), np.array([0.5, 1.25])
    _, tangent = s2sad.jvp(f)(x.copy(), v)
    along = (f(x + H * v) - f(x - H * v)) / (2 * H)
    np.testing.assert_allclose(tangent, along, rtol=1e-6, atol=1e-9)


def test_a_value_that_may_be_the_argument_written_after_stays_refused():
    # (Python: v is x, so v sees the write; a copy would not)
    with pytest.raises(s2sad.errors.S2sadError) as caught:
        s2sad.grad(m.value_may_be_the_argument)(np.array(0.4))
    assert "inner_value_and_grad_writes.py:" in str(caught.value), str(caught.value)
