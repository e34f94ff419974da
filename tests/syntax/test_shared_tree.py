"""The normalizer reads a straight-line function's tree as read, without a copy
(``syntax/normalize/shared.py``): the tree stays as it was, and the normal form is the
one the copy gives, names spelled like a helper marked alike."""

import gast
import numpy as np
import pytest

import s2sad
from s2sad.emit import render_function
from s2sad.rules.loading import load_builtin_rules
from s2sad.syntax import anno, fence, nodes
from s2sad.syntax.normalize import core, normalize
from s2sad.syntax.normalize.shared import shared_marks
from s2sad.syntax.parse import parse_function
import float_named_np
import straight_line_functions as fixtures


def _parsed(func):
    load_builtin_rules()
    parsed = parse_function(func)
    fence.check(parsed)
    return parsed


def _tree_facts(tree):
    """Every node's fields, location and annotations (by value or identity), in order."""
    facts = []
    for node in gast.walk(tree):
        notes = sorted((k, v if isinstance(v, (str, int, float, bool, tuple)) else id(v))
                       for k, v in vars(node).items() if k.startswith(anno.PREFIX))
        facts.append((id(node), gast.dump(node), notes,
                      [getattr(node, a, None) for a in ("lineno", "col_offset", "end_lineno",
                                                         "end_col_offset")]))
    return facts


def _normal_facts(normal):
    """The normal form's text, and each node's class, name, marks, callee and site."""
    text = render_function(normal.node, [])
    notes = []
    for node in gast.walk(normal.node):
        site = anno.get(node, anno.CALL_SITE)
        source = anno.get(node, anno.SOURCE)
        notes.append((type(node).__name__, getattr(node, "id", None),
                      anno.get(node, anno.USER_NAME), anno.get(node, anno.HELPER_NAME),
                      anno.get(node, anno.CALLEE),
                      site and (site.lineno, site.col_offset, site.end_col_offset),
                      source and (source.line, source.column, source.text)))
    return text, notes, sorted(normal.free_names), sorted(normal.helpers)


def _copied(parsed, monkeypatch, **options):
    """The normal form made from a copy of the tree (the general way)."""
    with monkeypatch.context() as patch:
        patch.setattr(core, "shared_marks", lambda parsed, walked: None)
        return normalize(parsed, **options)


@pytest.mark.parametrize("func", [fixtures.straight, float_named_np.scaled_by_np])
@pytest.mark.parametrize("options", [{}, {"inline_helpers": True}])
def test_a_straight_line_function_is_read_as_it_is_and_normalized_as_its_copy(
        func, options, monkeypatch):
    parsed = _parsed(func)
    assert shared_marks(parsed, nodes.indexed(parsed.walked())) is not None
    tree, before = parsed.node, _tree_facts(parsed.node)
    shared = normalize(parsed, **options)
    assert parsed.node is tree and _tree_facts(tree) == before
    assert _normal_facts(shared) == _normal_facts(_copied(parsed, monkeypatch, **options))


def test_names_spelled_like_helpers_are_marked_in_the_normal_form():
    # (float_named_np's np is a float, unbroadcast numpy's sum: the user's, not the helpers)
    marked = {(n.id, anno.get(n, anno.USER_NAME))
              for n in gast.walk(normalize(_parsed(float_named_np.scaled_by_np)).node)
              if isinstance(n, gast.Name) and n.id in ("np", "unbroadcast", "zeros_like")}
    assert marked == {("np", True), ("unbroadcast", True), ("zeros_like", True)}


def test_a_function_with_a_loop_is_normalized_from_a_copy():
    parsed = _parsed(fixtures.looped)
    assert shared_marks(parsed, nodes.indexed(parsed.walked())) is None


def _central(f, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        grad[i] = (f(x + e) - f(x - e)) / (2 * h)
    return grad


def test_gradients_of_straight_line_functions_agree_with_finite_differences():
    x, y = np.array([0.3, -0.7, 1.1]), 0.4
    got = s2sad.grad(fixtures.straight)(x, y)
    assert np.allclose(got, _central(lambda v: fixtures.straight(v, y), x), atol=1e-6)
    w = np.array([0.2, 0.5, -0.3])
    got = s2sad.grad(float_named_np.scaled_by_np)(x, w)
    want = _central(lambda v: float_named_np.scaled_by_np(v, w), x)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-6)
