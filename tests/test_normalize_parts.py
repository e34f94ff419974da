"""Exact-text tests of the pieces normalize is made of (loops, SSA merges,
flattening, helper inlining, global names), and the proof that normalizing
leaves the caller's tree as it was."""

import textwrap

import gast
import numpy as np

from s2sad.emit import render_function
from s2sad.rules import load_builtin_rules
from s2sad.syntax import fence
from s2sad.syntax.normalize import normalize
from s2sad.syntax.parse import parse_function


def normalized(func, **options):
    load_builtin_rules()
    parsed = parse_function(func)
    fence.check(parsed)
    return render_function(normalize(parsed, **options).node, [])


def dump(tree):
    """The tree's fields and every annotation of every node, as text."""
    notes = []
    for node in gast.walk(tree):
        extra = sorted((k, repr(v)) for k, v in vars(node).items()
                       if k not in node._fields and k not in node._attributes)
        notes.append((type(node).__name__, getattr(node, "lineno", None),
                      getattr(node, "col_offset", None), getattr(node, "end_lineno", None),
                      getattr(node, "end_col_offset", None), extra))
    return gast.dump(tree), notes


def comprehensions(xs, n):
    ys = [2.0 * x for x in xs if x > 0.0]
    total = 0.0
    for i in range(n):
        total = total + sum([y * y for y in ys])
    a, *rest = ys
    return total + a


def test_normalize_leaves_the_parsed_tree_unchanged():
    load_builtin_rules()
    parsed = parse_function(comprehensions)
    fence.check(parsed)
    tree, before = parsed.node, dump(parsed.node)
    normalize(parsed)
    normalize(parsed, inline_helpers=True)
    assert parsed.node is tree
    assert dump(parsed.node) == before
