"""``optimize.reads_into``, the names a node reads as the optimize pass and the forward
transform ask them, is ``nodes.loads`` of the node: on every node of generated code and
on the forms it reads through ``nodes.loads`` itself."""

import gast
import numpy as np

import s2sad
from s2sad.optimize import reads_into
from s2sad.syntax import nodes


def model(x, w):
    h = np.tanh(x * w + 1.0)
    s = -np.sum(h ** 2) / 3.0
    return np.sin(s) + x[0] * np.exp(-w[1])


def _every_node(text):
    return nodes.walk(gast.parse(text))


def test_reads_of_generated_code_are_loads():
    x, w = np.array([0.3, -0.2]), np.array([1.5, 0.5])
    texts = [s2sad.grad(model).source, s2sad.jvp(model).source, s2sad.hvp(model).source]
    found = 0
    for text in texts:
        for node in _every_node(text):
            assert reads_into(node, set()) == nodes.loads(node), gast.dump(node)
            found += 1
    assert found > 300
    # (the derivatives themselves: against finite differences of the function)
    g = s2sad.grad(model)(x, w)
    step = 1e-6
    for i in range(2):
        e = np.zeros(2)
        e[i] = step
        assert abs(g[i] - (model(x + e, w) - model(x - e, w)) / (2 * step)) < 1e-6


def test_reads_of_other_forms_are_loads():
    source = """
def f(a, *b, c=d, **e):
    (y := a + 1)
    g(*b, **e)[k:m] = [z for z in q if z]
    x.attr = lambda p: p + r
    return {u: v}, not t, a if b else c
"""
    tree = gast.parse(source)
    annotated = gast.Name("n", gast.Load(), gast.Name("ann", gast.Load(), None, None), None)
    for node in nodes.walk(tree) + [annotated, gast.Name("s", gast.Store(), None, None)]:
        assert reads_into(node, set()) == nodes.loads(node), gast.dump(node)
    assert reads_into(annotated, set()) == {"n", "ann"}
    assert reads_into(gast.Constant(1.0, None), {"kept"}) == {"kept"}


def tangent_model(x, w):
    h = np.tanh(x * w + 1.0)
    y = h * h - np.sin(w) / (1.0 + x * x)
    return np.sum(y * h) + np.exp(-np.sum(x))


def test_reads_the_forward_sweep_notes_are_the_loads_of_what_is_optimized(monkeypatch):
    """The reads the forward sweep notes for its tangent statements (``Generated.reads``)
    are the loads of those statements' values when the optimize pass reads them, in
    ``jvp`` and in ``hvp`` (forward mode over the gradient's code)."""
    import s2sad.pipeline as pipeline
    from s2sad.api.core import CACHE
    seen = []
    plain = pipeline.optimize

    def checking(generated):
        for stmt, value, reads in generated.reads.values():
            if generated.flavor == "jvp":
                assert value is stmt.value and reads == nodes.loads(value), gast.dump(stmt)
                seen.append(stmt)
        return plain(generated)

    monkeypatch.setattr(pipeline, "optimize", checking)
    CACHE.clear()
    x, w, v = np.array([0.3, -0.2]), np.array([1.5, 0.5]), np.array([0.7, -1.1])
    _, tangent = s2sad.jvp(tangent_model)(x, w, v)
    hvp = s2sad.hvp(tangent_model)(x, w, v)
    assert len(seen) > 10
    # (the derivatives: against central differences of the function and of its gradient)
    step = 1e-6
    assert abs(tangent - (tangent_model(x + step * v, w) - tangent_model(x - step * v, w))
               / (2 * step)) < 1e-6
    grad = s2sad.grad(tangent_model)
    expected = (grad(x + step * v, w) - grad(x - step * v, w)) / (2 * step)
    assert np.allclose(hvp, expected, atol=1e-6)
