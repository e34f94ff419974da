"""``runtime.pullback_copies``: one copy per buffer a pullback writes into, and the views
of that buffer pointed into the copy at the same place, whatever their strides; the
forward sweep's arrays stay as they are.  References: the arrays' own values."""

import collections

import numpy as np

from s2sad.runtime import own_copy, pullback_copies, repointed


def test_a_view_follows_the_copy_and_the_original_stays():
    x = np.arange(12.0).reshape(3, 4)
    row, column, backwards = x[1], x[:, 2], x[::-1, ::-2]
    copies = pullback_copies()
    mine = own_copy(copies, x)
    assert not np.shares_memory(mine, x)
    moved = [repointed(copies, v) for v in (row, column, backwards)]
    mine[...] = -x
    for before, after in zip((row, column, backwards), moved):
        np.testing.assert_array_equal(after, -before)
        assert after.strides == before.strides
    np.testing.assert_array_equal(x, np.arange(12.0).reshape(3, 4))


def test_a_view_of_a_view_and_a_second_copy_of_the_same_memory():
    x = np.arange(6.0)
    r = x[1:5]
    c = r[::2]
    copies = pullback_copies()
    first = own_copy(copies, r)
    again = own_copy(copies, x)           # the same buffer: the same copy
    again[3] = 30.0
    assert first[2] == 30.0
    assert repointed(copies, c)[1] == 30.0
    assert x[3] == 3.0


def test_a_non_contiguous_buffer_is_copied_as_laid_out():
    owner = np.arange(24.0)
    # (as_strided's array is the last array of its .base chain: the buffer it copies)
    strided = np.lib.stride_tricks.as_strided(owner, shape=(3, 4), strides=(64, 8))
    assert not strided.flags.c_contiguous and strided.base.__class__ is not np.ndarray
    copies = pullback_copies()
    mine = own_copy(copies, strided)
    assert mine.strides == strided.strides and not np.shares_memory(mine, owner)
    mine[2, 1] = -1.0
    column = repointed(copies, strided[:, 1])
    np.testing.assert_array_equal(column, [1.0, 9.0, -1.0])
    assert owner[17] == 17.0
    read_only = np.frombuffer(np.arange(3.0).tobytes(), dtype=float)
    assert own_copy(copies, read_only).flags.writeable   # a copy it can write into


def test_containers_keep_their_kind_and_identity():
    x = np.arange(4.0)
    Pair = collections.namedtuple("Pair", "a b")
    items = [x[:2], {"k": x[2:]}, (x[1:], 2.0), Pair(x[:1], 1)]
    copies = pullback_copies()
    mine = own_copy(copies, x)
    mine[:] = 10.0
    moved = repointed(copies, items)
    assert moved[0][0] == 10.0 and moved[1]["k"][0] == 10.0 and moved[2][0][0] == 10.0
    assert isinstance(moved[3], Pair) and moved[3].a[0] == 10.0
    untouched = [np.ones(2), 3.0]
    assert repointed(copies, untouched) is untouched
    listed = [x[:2], x[2:]]
    assert own_copy(copies, listed) is own_copy(copies, listed)   # one copy of one list


def test_values_it_cannot_point_keep_the_former_behaviour():
    objects = np.array([1.0, None], dtype=object)
    copies = pullback_copies()
    mine = own_copy(copies, objects)
    assert mine is not objects and mine[0] == 1.0
    assert repointed(copies, objects[:1]) .base is objects
    empty = np.zeros((0, 3))
    assert own_copy(copies, empty).shape == (0, 3)
    assert repointed(copies, 2.5) == 2.5 and repointed(copies, None) is None
    read_only = np.broadcast_to(np.arange(3.0), (2, 3))
    assert repointed(copies, read_only) is read_only
