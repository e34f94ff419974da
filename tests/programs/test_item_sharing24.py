"""An item of a 1-d array (``a = x[0]``, a number) read by a local function before
``x[1:] = ...``, and what an integer-list index gives (``X[:, [1]]``, a copy) read by a
local function or written into, share no memory with the array: they were refused as
sharing it (README's open list).  Every transform against central differences; the
neighbours that may share memory (a row, a slice, a list inside a list) stay refused."""

import numpy as np
import pytest

import s2sad
from tests.fixtures import item_sharing24 as fx
from tests.programs.every_transform import every_transform

X1 = np.array([0.3, -0.5, 0.9])
X2 = np.array([[0.3, -0.5], [0.9, 0.2], [0.4, 0.1]])


@pytest.mark.parametrize("f, x", [
    (fx.item_read_by_closure, X1), (fx.item_written_after, X1),
    (fx.item_of_local_copy, X1), (fx.fancy_read_by_closure, X2),
    (fx.fancy_copy_written, X2), (fx.fancy_list_name_written, X2)])
def test_what_shares_no_memory_is_differentiated_in_every_transform(f, x):
    every_transform(f, (x,))


@pytest.mark.parametrize("f, x, where", [
    (fx.row_read_by_closure, X2, "item_sharing24.py:65:"),
    (fx.slice_read_by_closure, X2, "item_sharing24.py:73:"),
    (fx.slice_written, X2, "item_sharing24.py:81:"),
    (fx.inner_list_written, X1, "item_sharing24.py:91:")])
def test_what_may_share_memory_stays_refused(f, x, where):
    with pytest.raises(s2sad.S2sadError) as info:
        s2sad.grad(f)(x.copy())
    assert where in str(info.value)
