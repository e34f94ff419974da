"""A write through a nested def into its enclosing function's array, which a view taken
before reads later: refused, with a hint that works there (rebinding the array in the
nested def would make it local: Python's UnboundLocalError)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import SharedWriteError
from s2sad.testing import check_grads
import nested_writes as nw


def test_the_hint_names_a_copy_of_the_view_not_a_rebinding():
    with pytest.raises(SharedWriteError) as info:
        s2sad.grad(nw.view_then_write)(np.array([1.0, 2.0]))
    hint = info.value.hint
    assert "v = np.copy(...)" in hint and "k = np.copy(k)" not in hint
    assert info.value.location.line == nw.view_then_write.__code__.co_firstlineno + 5


def test_the_hint_followed_is_differentiated():
    x = np.array([1.0, 2.0])
    check_grads(nw.hint_followed, (x,), modes=("reverse", "forward"))
    # by hand: v (one item) broadcasts over z: f = x0 (x0 + x1) + 5 x0 + x1 x1
    np.testing.assert_allclose(s2sad.grad(nw.hint_followed)(x), [2.0 + 2.0 + 5.0, 1.0 + 4.0])
