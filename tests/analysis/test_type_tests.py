"""Type tests in a normalized function (``analysis.type_tests``): a name whose type the
function tests is no number because it is squared in the base case, and the statements a
copy specialized on a container kind never runs are told apart from those it may run."""

import numpy as np

from s2sad import pipeline
from s2sad.analysis import kinds as K
from s2sad.analysis.ops import flatten
from s2sad.analysis.type_tests import live_statements
from s2sad.rules.loading import load_builtin_rules

import fixtures.recursive_containers as rc


def _body(func):
    load_builtin_rules()
    _, normal, _ = pipeline._front_end(func, {}, False)
    return normal.node.body[:-1]


def _reads(stmts, name):
    """The statements among ``stmts`` that call ``name`` (np.sin...) or square."""
    import gast
    found = []
    for stmt in stmts:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Attribute) and node.attr == name or (
                    name == "**" and isinstance(node, gast.BinOp)
                    and isinstance(node.op, gast.Pow)):
                found.append(stmt)
                break
    return found


def test_a_tested_parameter_squared_in_the_base_case_is_not_a_number():
    kinds = K.infer(_body(rc.tree_sum))
    assert kinds.get("t", K.UNKNOWN) == K.UNKNOWN
    kinds = K.infer(_body(rc.type_switch))
    assert kinds.get("t", K.UNKNOWN) == K.UNKNOWN


def test_an_untested_parameter_squared_is_still_a_number():
    def square(t):
        return t ** 2 + np.sum(t)
    assert K.infer(_body(square))["t"] == K.LEAF


def test_the_base_case_is_dead_in_the_copy_for_a_list():
    body = _body(rc.any_sum)
    flat = list(flatten(body))
    base = _reads(flat, "sin")
    assert base
    for kind in (K.list_of(K.UNKNOWN), K.tuple_of((K.LEAF, K.LEAF)),
                 K.dict_of((("a", K.LEAF),))):
        live = live_statements(body, {"t": kind})
        assert not any(id(s) in live for s in base), kind
        # (the loops over the container's items run)
        assert len(live) > len(flat) // 3
    for kind in (K.UNKNOWN, K.LEAF):
        live = live_statements(body, {"t": kind})
        assert all(id(s) in live for s in flat), kind


def test_a_branch_decided_for_the_container_runs():
    body = _body(rc.product_of_list)
    flat = list(flatten(body))
    live = live_statements(body, {"t": K.list_of(K.LEAF)})
    assert all(id(s) in live for s in _reads(flat, "sin"))
    assert not all(id(s) in live for s in flat)
