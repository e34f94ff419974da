"""analysis.ranks: which names the ranks of the arguments make single numbers, and
which ranks of which parameters the API asks for at a call (api.ranked)."""

import numpy as np

import scalar_loops as sl
from s2sad.analysis import ranks
from s2sad.analysis.ops import with_loops
from s2sad.api.ranked import rank_of, wanted
from s2sad.frontend import front_end
from s2sad.rules.loading import load_builtin_rules


def _normal(func):
    load_builtin_rules()
    return front_end(func)[1]


def _numbers(func, given):
    normal = _normal(func)
    return ranks.numbers(list(with_loops(normal.node.body[:-1])), given)


def test_an_item_of_a_1d_array_at_a_counter_is_a_number():
    found = _numbers(sl.sum_squares, {"x": 1})
    assert found and all(n.startswith("x_item") for n in found)


def test_an_item_of_a_2d_array_needs_an_index_per_axis():
    assert _numbers(sl.first_items, {"x": 2}) == set()        # x[i]: a row
    assert _numbers(sl.first_items, {"x": 1})                  # x[i]: a number
    assert _numbers(sl.matrix_loop, {"X": 2})                  # X[i, j]
    assert _numbers(sl.row_items, {"X": 2})                    # row = X[i]; row[j]


def test_without_ranks_nothing_is_a_number():
    assert _numbers(sl.sum_squares, {}) == set()
    assert _numbers(sl.sum_squares, {"x": None}) == set()


def test_a_float_index_or_a_rebound_parameter_makes_no_number():
    def float_index(x):
        s = 0.0
        for i in range(3):
            s = s + x[i * 0.5]
        return s

    def rebound(x):
        x = x * 2.0
        s = 0.0
        for i in range(x.shape[0]):
            s = s + x[i]
        return s
    assert _numbers(float_index, {"x": 1}) == set()
    assert _numbers(rebound, {"x": 1}) == set()


def test_the_api_asks_only_for_ranks_that_change_the_code():
    assert wanted(_normal(sl.sum_squares)) == {"x": frozenset({1})}
    assert wanted(_normal(sl.matrix_loop)) == {"X": frozenset({2})}
    assert wanted(_normal(sl.scalar_argument)) == {"a": frozenset({0})}
    assert set(wanted(_normal(sl.scaled_by))) == {"a", "x"}

    def no_loop(x, a):
        return np.sum(x * a)
    assert wanted(_normal(no_loop)) == {}


def test_rank_of_an_argument():
    assert rank_of(np.zeros(3)) == 1 and rank_of(np.zeros((2, 3))) == 2
    assert rank_of(1.5) == 0 and rank_of(3) == 0 and rank_of(np.float64(2.0)) == 0
    assert rank_of(np.array(2.0)) is None             # a 0-d array may be written into
    assert rank_of(np.zeros(3, dtype=object)) is None
    assert rank_of([1.0, 2.0]) is None and rank_of("s") is None
