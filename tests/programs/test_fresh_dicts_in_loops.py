"""A dict made anew at the top of each trip of a loop ({}, dict(...), .copy(), a display)
shares nothing with the one an earlier trip made, which another name may still hold: the
item writes into it were refused as if they changed that one too (a stranger's optimizer
step new_m = {}; for k in p: new_m[k] = ...; m = new_m, and lists of dicts built in a
loop).  They are differentiated now; a dict an earlier trip made that is written again,
or an item of a list written in place, is still refused, with a hint that says what the
copy it proposes changes.  References: central finite differences."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import S2sadError
from s2sad.testing import check_grads, finite_difference_gradient

import fixtures.fresh_dicts_in_loops as fd

W = np.array([0.3, -0.7])
X = 0.8
FRESH = [fd.momentum_new_state_each_step, fd.empty_dict_appended, fd.copy_written_stored_back,
         fd.copy_method_into_dict_of_dicts, fd.previous_trip_read_after_write,
         fd.display_updated_in_nested_loop, fd.layers_updated_by_index]


def _hvp_fd(f, args, v, eps=1e-4):
    """The Hessian of ``f`` in its first argument along ``v``: central differences of
    the finite-difference gradient."""
    up, down = (args[0] + eps * v,) + args[1:], (args[0] - eps * v,) + args[1:]
    return (finite_difference_gradient(f, up, 0, eps=eps)
            - finite_difference_gradient(f, down, 0, eps=eps)) / (2 * eps)


@pytest.mark.parametrize("f", FRESH, ids=lambda f: f.__name__)
def test_a_dict_made_anew_each_trip_is_differentiated(f):
    check_grads(f, (W, X), wrt=(0, 1), modes=("reverse", "forward"))
    np.testing.assert_allclose(s2sad.grad(f)(W, X), finite_difference_gradient(f, (W, X), 0),
                               rtol=1e-6, atol=1e-7)
    v = np.array([0.4, -1.0])
    np.testing.assert_allclose(s2sad.hvp(f)(W, X, v), _hvp_fd(f, (W, X), v),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("f, user, other", [
    (fd.earlier_trip_dict_written, "q", "prev"),
    (fd.carried_alias_written, "e", "d"),
    # (the same dict is the item of every trip: an item read is no dict made anew)
    (fd.same_item_each_trip_written, "L", "prev"),
])
def test_a_dict_an_earlier_trip_made_still_held_is_refused(f, user, other):
    with pytest.raises(S2sadError, match=f"writing an item into '{user}' would also change "
                                         f"'{other}'") as raised:
        s2sad.grad(f)(W, X)
    assert f"which leaves '{other}' as it was" in raised.value.hint
    assert f"to change '{other}' too, bind it again after the write ({other} = {user})" \
        in raised.value.hint


def test_an_item_of_a_list_written_in_place_gets_a_hint_that_keeps_the_meaning():
    # L = dict(L) alone would drop the updates: the hint says so and how to store back
    with pytest.raises(S2sadError, match="writing an item into 'L' would also change "
                                         "'layers'") as raised:
        s2sad.grad(fd.item_of_list_written)(W, X)
    hint = raised.value.hint
    assert "which leaves 'layers' as it was" in hint
    assert "store the new dict back into it after the write" in hint
    assert "layers[i] = {**L, key: value}" in hint
