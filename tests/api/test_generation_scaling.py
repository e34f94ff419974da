"""Generating code for a function four times as long does about four times the work.

No timing: the work is counted as the syntax-tree nodes the passes walk (``nodes.walk``,
``nodes.names``, ``nodes.clone``, and ``ast.walk`` through ``ast.iter_child_nodes``).
A pass that walked the whole function once per statement, or copied every earlier
statement for each new one, would make the count grow about sixteen-fold.
(``benchmarks/generation.py`` times the same in milliseconds per statement.)
"""

import ast
import gc

import numpy as np
import pytest

import s2sad
from s2sad.api.core import CACHE
from s2sad.syntax import nodes

FORMS = ("v{i} = np.sin(v{a}) * x + 0.5 * v{b}",
         "v{i} = np.tanh(v{a} * v{b}) - y",
         "s{i} = np.tanh(np.sum(v{a} * v{b}) / 5.0) + 0.5 * s{s}",
         "v{i} = v{a} / (1.0 + v{b} * v{b}) + s{s}",
         "s{i} = np.sin(np.dot(v{a}, v{b}) * 0.1) - s{s} * s{s}")


def straight_line(n):
    """A function of ``n`` statements over arrays and scalars, each reading earlier ones."""
    lines = ["import numpy as np", "", "", "def long_function(x, y):",
             "    v0 = x * y", "    s0 = np.sum(v0)"]
    arrays, scalars = [0], [0]
    for i in range(1, n - 2):
        form = FORMS[i % len(FORMS)]
        a, b = arrays[-1], arrays[max(0, len(arrays) - 3)]
        lines.append("    " + form.format(i=i, a=a, b=b, s=scalars[-1]))
        (scalars if form.startswith("s") else arrays).append(i)
    lines.append(f"    return np.sum(v{arrays[-1]}) + s{scalars[-1]}")
    return "\n".join(lines) + "\n"


def nodes_walked(monkeypatch, run):
    """How many syntax-tree nodes the passes walk while ``run()`` generates code."""
    count = [0]

    def counted(real):
        def wrapper(tree):
            found = real(tree)
            count[0] += len(found) if isinstance(found, list) else 1
            return found
        return wrapper

    real_children = ast.iter_child_nodes

    def children(node):
        count[0] += 1
        return real_children(node)

    with monkeypatch.context() as patch:
        patch.setattr(nodes, "walk", counted(nodes.walk))
        patch.setattr(nodes, "names", counted(nodes.names))
        patch.setattr(nodes, "clone", counted(nodes.clone))
        patch.setattr(ast, "iter_child_nodes", children)
        CACHE.clear()
        run()
    return count[0]


MODES = {
    "grad": lambda f, x, y, v: s2sad.grad(f)(x, y),
    "jvp": lambda f, x, y, v: s2sad.jvp(f)(x, y, v),
    "hvp": lambda f, x, y, v: s2sad.hvp(f)(x, y, v),
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_generation_work_grows_linearly_with_the_function(load, monkeypatch, mode):
    x, y, v = np.linspace(0.1, 0.5, 5), 0.3, np.linspace(-1.0, 1.0, 5)
    work = {}
    for n in (50, 200):
        f = load(f"long_{mode}_{n}", straight_line(n)).long_function
        work[n] = nodes_walked(monkeypatch, lambda: MODES[mode](f, x, y, v))
    assert work[50] > 1000   # the counters see the passes at work
    assert work[200] < 6 * work[50], work   # linear: about 4x


@pytest.mark.parametrize("mode", sorted(MODES))
def test_generated_trees_are_freed_without_the_garbage_collector(load, mode):
    """The passes build trees held by the objects that walk them; none of those may
    make a reference cycle through a tree, or every tree generation made stays until
    the collector goes over all of it (which took a tenth of the time of generating a
    long function).  Counted: the objects only the collector can free, afterwards."""
    x, y, v = np.linspace(0.1, 0.5, 5), 0.3, np.linspace(-1.0, 1.0, 5)
    warm = load(f"garbage_warm_{mode}", straight_line(20)).long_function
    MODES[mode](warm, x, y, v)   # (the rules loaded, every path run once)
    f = load(f"garbage_{mode}", straight_line(60)).long_function
    CACHE.clear()
    gc.collect()
    gc.disable()
    try:
        MODES[mode](f, x, y, v)
        CACHE.clear()
        left = gc.collect()
    finally:
        gc.enable()
    # a tree of 60 statements is thousands of objects; what is left is a few small
    # cycles of the libraries that print the code
    assert left < 300, left
