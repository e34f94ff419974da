"""The facts :mod:`s2sad.syntax.normalize.argwrites` reads from a function's source: which
parameters it writes into (followed through the functions it calls, recursion
included), which its written parameters' new values depend on, and which parameters
its result may hold.  Written by hand from the fixtures' source."""

import numpy as np

import writing_helpers as wh
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax.normalize.argwrites import ArgumentWrites, returned_parameters

load_builtin_rules()


def rebinds_first(a, v):
    a = a * 2.0
    a[0] = v
    return a


def test_written_parameters_in_signature_order():
    scan = ArgumentWrites()
    assert scan.written(wh.det_of_minor) == {"r": "item", "c": "item"}
    assert scan.written(wh.scale_twice) == {"a": "item"}   # through scale_part
    assert scan.written(wh.push) == {"xs": "list"}
    assert scan.written(wh.take_last) == {"xs": "list"}
    assert scan.written(wh.det) == {}                     # its r and c are its own
    assert scan.written(rebinds_first) == {}              # a is bound again
    assert scan.written(np.sum) == {}


def test_what_the_caller_copies():
    scan = ArgumentWrites()
    assert scan.passed(wh.argument_written) == {"r": "item"}
    assert scan.passed(wh.det) == {}


def test_an_index_array_holds_no_derivative_of_the_matrix():
    assert ArgumentWrites().depends(wh.det_of_minor) == {"r": frozenset({"r"}),
                                                         "c": frozenset({"c"})}
    # (lo only indexes a)
    assert ArgumentWrites().depends(wh.scale_part) == {"a": frozenset({"a", "s"})}


def test_what_the_result_may_hold():
    assert returned_parameters(wh.det_of_minor) == frozenset({"A"})   # A[...] or a sum
    assert returned_parameters(wh.fill_row) == frozenset({"M"})
    assert returned_parameters(wh.scale_part) == frozenset()          # np.sum allocates
    assert returned_parameters(wh.move) == frozenset({"b"})
