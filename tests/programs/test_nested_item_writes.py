"""``p["w"][0] = x``, a write into an array a container (or an array) holds, is refused
with a hint that works when followed literally: for a dict, a copy of the array written
and stored back under its key (``x[i, j] = ...`` would be a KeyError there).  The
functions that follow the hint match central finite differences, and the caller's
containers never change."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads

import nested_item_write_functions as nw


def _dict():
    return {"w": np.array([1.0, 2.0])}


def _list():
    return [np.array([0.5, -1.0]), np.array([3.0, 4.0])]


def test_a_write_into_a_dict_item_gives_the_copy_hint():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(nw.dict_item_written, wrt=1)(_dict(), 1.5)
    text = str(info.value)
    assert "nested_item_write_functions.py:8:5" in text
    assert "x[i, j]" not in text
    assert "hint: build the new array and store it into the dict: " \
           "item = p['w'].copy(); item[0] = ...; p['w'] = item" in text


@pytest.mark.parametrize("written, args", [(nw.list_item_written, _list()),
                                           (nw.row_written, np.ones((2, 2)))],
                         ids=["list", "array"])
def test_a_write_into_an_item_of_an_item_names_both_ways(written, args):
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(written, wrt=1)(args, 1.5)
    text = str(info.value)
    base = "xs" if written is nw.list_item_written else "a"
    assert f"for an array, write {base}[1, 0] = ...; for an array a list or dict holds, " \
           f"store a new one: item = {base}[1].copy(); item[0] = ...; {base}[1] = item" in text


@pytest.mark.parametrize("func, make", [(nw.dict_item_rebuilt, _dict),
                                        (nw.list_item_rebuilt, _list),
                                        (nw.row_rebuilt, lambda: np.array([[0.5, 1.0],
                                                                           [2.0, -1.0]]))],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_the_hint_followed_literally_matches_finite_differences(func, make):
    container = make()
    check_grads(func, (container, 1.5), modes=("reverse", "forward"))
    np.testing.assert_equal(container, make())   # the caller's values never change


def test_the_dict_hint_gradient_by_hand():
    # sum((x, 2.0) ** 2): d/dx = 2 x; d/dw = (0, 4)
    g = s2sad.grad(nw.dict_item_rebuilt, wrt=(0, 1))(_dict(), 1.5)
    np.testing.assert_allclose(g[0]["w"], [0.0, 4.0])
    assert np.isclose(g[1], 3.0)
