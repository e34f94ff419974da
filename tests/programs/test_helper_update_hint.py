"""``def add_to(acc, v): acc += v`` called as a statement: the caller's array changes in
place, as with ``acc[...] += v`` (effects14; it was refused, stranger8); a helper that
also binds the parameter again stays refused with a hint that works."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads
import helper_updates as hu


def test_the_update_of_the_callers_array_is_differentiated():
    x = np.array([0.3, -0.4, 0.7])
    assert s2sad.value_and_grad(hu.accumulates)(x)[0] == pytest.approx(hu.accumulates(x))
    np.testing.assert_allclose(s2sad.grad(hu.accumulates)(x), 3.0 * x * x)   # by hand
    np.testing.assert_allclose(s2sad.jvp(hu.accumulates)(x, np.ones(3))[1], np.sum(3.0 * x * x))


def test_the_refusal_names_the_update_and_the_spelling_that_works():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(hu.accumulates_rebound)(np.array([0.3, -0.4, 0.7]))
    message = str(info.value)
    assert "add_then_rebind updates its argument with 'acc += ...'" in message
    assert "write 'acc[...] += ...' in add_then_rebind" in message
    assert info.value.location.line == hu.accumulates_rebound.__code__.co_firstlineno + 2


def test_the_hint_followed_is_differentiated():
    x = np.array([0.3, -0.4, 0.7])
    check_grads(hu.accumulates_items, (x,), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.grad(hu.accumulates_items)(x), 3.0 * x * x)   # by hand
