"""analysis.dtypes: which bodies are real-closed (every value real of at most 64 bits
when the arguments are), so a float64 adjoint may be added into in place."""

import pytest

from s2sad.analysis import dtypes
from s2sad.frontend import front_end
from s2sad.rules.loading import load_builtin_rules

import inplace_accumulators as ia


def _accumulators(func):
    load_builtin_rules()
    _, normal = front_end(func)
    return dtypes.accumulators(normal, normal.node.body[:-1])


@pytest.mark.parametrize("func", [ia.rnn, ia.pair, ia.global_number, ia.two_loops,
                                  ia.in_branch, ia.read_after, ia.global_float32])
def test_real_closed_bodies_let_their_parameters_accumulate(func):
    params = set(func.__code__.co_varnames[:func.__code__.co_argcount])
    assert _accumulators(func) == params


@pytest.mark.parametrize("func", [
    ia.fractional_power,   # ** 0.5 of a negative Python float is complex
    ia.positional_dtype,   # np.sum(a, 0, np.longdouble)
    ia.keyword_dtype,      # np.sum(a, dtype=...)
    ia.library_call,       # np.linalg.norm: not in the list
])
def test_anything_that_may_make_another_dtype_keeps_the_allocating_additions(func):
    assert _accumulators(func) == frozenset()


def test_split_takes_the_float64_parameters_out_of_the_ranks():
    assert dtypes.split({"x": 1, dtypes.FLOAT64: ("w",)}) == ({"x": 1}, frozenset({"w"}))
    assert dtypes.split({dtypes.FLOAT64: ("w",)}) == (None, frozenset({"w"}))
    assert dtypes.split({"x": 1}) == ({"x": 1}, frozenset())
    assert dtypes.split(None) == (None, frozenset())


def test_a_complex_literal_never_gets_this_far():
    from s2sad.errors import UnsupportedSyntaxError
    with pytest.raises(UnsupportedSyntaxError, match="complex"):
        _accumulators(ia.complex_constant)
