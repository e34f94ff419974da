"""``def add_to(acc, v): acc += v`` called as a statement: refused with a hint that works
(stranger8: a generic message whose 'a = f(a)' makes Python's own code fail)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads
import helper_updates as hu


def test_the_refusal_names_the_update_and_the_spelling_that_works():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(hu.accumulates)(np.array([0.3, -0.4, 0.7]))
    message = str(info.value)
    assert "add_to updates its argument with 'acc += ...'" in message
    assert "write 'acc[...] += ...' in add_to" in message
    assert info.value.location.line == hu.accumulates.__code__.co_firstlineno + 2


def test_the_hint_followed_is_differentiated():
    x = np.array([0.3, -0.4, 0.7])
    check_grads(hu.accumulates_items, (x,), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.grad(hu.accumulates_items)(x), 3.0 * x * x)   # by hand
