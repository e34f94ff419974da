"""Regression tests: an item of a container that is itself a list or dict, copied whole
(``lst[1].copy()``) and read, crashed in reverse mode (the copy was taken for an
array: ``add_into`` on a dict), and an in-place update of an array the copy shares
with the original (``q["a"] += v``, ``q[0] += v``) gave the value without the update
of the original (the copy was a deep one).  Checked in every transform against
central finite differences; the shared updates are refused."""

import numpy as np
import pytest

import copied_container_items as cc
import s2sad
from every_transform import every_transform
from s2sad.errors import S2sadError
from s2sad.testing import check_grads

X = np.array([0.3, -0.7, 1.1])

ACCEPTED = [cc.dict_of_list_copied, cc.dict_of_list_by_dict, cc.dict_of_tuple_copied,
            cc.dict_of_dict_copied, cc.list_of_dict_copied, cc.list_of_list_copied,
            cc.ragged_list_of_list_copied, cc.list_of_tuple_by_list, cc.three_levels_copied,
            cc.list_three_levels_copied, cc.copy_item_rebound, cc.copy_appended,
            cc.copy_item_updated_unread, cc.array_item_copied_updated]


@pytest.mark.parametrize("f", ACCEPTED, ids=lambda f: f.__name__)
def test_a_copied_container_item_in_every_transform(f):
    every_transform(f, (X.copy(),), numba=f is cc.dict_of_list_copied)


def test_the_reported_program_by_hand():
    # q["a"] = x + 1: d/dx sum((x + 1) * x) = 2x + 1
    np.testing.assert_allclose(s2sad.grad(cc.dict_of_list_copied)(X), 2 * X + 1.0)


A, B = np.array([0.5, -1.0, 2.0]), np.array([2.0, 0.3, -0.4])
ARGUMENTS = {
    cc.argument_item_copied: ([{"a": A}, {"a": B}],),
    cc.list_argument_copy_rebound: ([A, B],),
    cc.tuple_argument_item_copy_rebound: (({"a": A}, {"a": B}),),
    cc.list_argument_array_item_copied: ([A, B],),
    cc.loop_over_argument_copies: ([A, B],),
    cc.list_argument_copy_updated: ([A, B],),
    cc.tuple_argument_item_copy_updated: (({"a": A}, {"a": B}),),
    cc.dict_argument_item_copy_updated: ({"p": [A, B]},),
}


@pytest.mark.parametrize("f", [cc.argument_item_copied, cc.list_argument_copy_rebound,
                               cc.tuple_argument_item_copy_rebound,
                               cc.list_argument_array_item_copied,
                               cc.loop_over_argument_copies], ids=lambda f: f.__name__)
def test_an_argument_or_its_item_copied(f):
    check_grads(f, ARGUMENTS[f], modes=("reverse", "forward"))


@pytest.mark.parametrize("f", [cc.copy_item_updated_then_original_read,
                               cc.list_copy_item_updated_then_original_read,
                               cc.loop_item_copy_updated_then_original_read],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", ["grad", "jvp", "hvp"])
def test_an_update_shared_with_the_original_is_refused(f, transform):
    # (Python's += changes the original's array too: a value without that is wrong)
    with pytest.raises(S2sadError, match=r"\+= "):
        if transform == "grad":
            s2sad.grad(f)(X.copy())
        elif transform == "jvp":
            s2sad.jvp(f)(X.copy(), np.ones(3))
        else:
            s2sad.hvp(f)(X.copy(), np.ones(3))


@pytest.mark.parametrize("f", [cc.list_argument_copy_updated,
                               cc.tuple_argument_item_copy_updated,
                               cc.dict_argument_item_copy_updated], ids=lambda f: f.__name__)
@pytest.mark.parametrize("transform", ["grad", "vjp"])
def test_an_update_shared_with_the_argument_is_refused(f, transform):
    with pytest.raises(S2sadError, match=r"\+= "):
        if transform == "grad":
            s2sad.grad(f)(*ARGUMENTS[f])
        else:
            s2sad.vjp(f)(*ARGUMENTS[f])[1](1.0)
