"""A refusal of a write names how the written name may hold the other array (the one
way that applies: ``np.asarray, which may return its argument``, ``an earlier loop
trip``, ``a branch or a conditional expression``), not the list of every way; a
function of a private module is named by the module it is imported from
(``functools.reduce``, not ``_functools.reduce``)."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError

import sharing_messages as M

X = np.array([0.3, 0.7, -0.2])
ALL_WAYS = "a view, a container or a helper's result"


@pytest.mark.parametrize("func", [M.reduced, M.reduced_by_module], ids=lambda f: f.__name__)
def test_reduce_is_named_as_imported(func):
    with pytest.raises(S2sadError) as info:
        s2sad.grad(func)(X)
    assert "no derivative rule for functools.reduce" in str(info.value), str(info.value)
    assert "_functools" not in str(info.value)


@pytest.mark.parametrize("func, words", [
    (M.as_array, "(through np.asarray, which may return its argument)"),
    (M.by_a_loop_trip, "(through an earlier loop trip)"),
    (M.by_a_branch, "(through a branch or a conditional expression)"),
], ids=["asarray", "loop", "branch"])
def test_the_sharing_refusal_names_the_way_that_applies(func, words):
    with pytest.raises(S2sadError) as info:
        s2sad.grad(func)(X)   # (X[0] > 0: the branch shares)
    message = str(info.value)
    assert "may also change 'y'" in message and words in message, message
    assert ALL_WAYS not in message
