"""Forward code over the gradient (hvp) kept tangents nothing reads where they were
computed by ``builtins.sum(...)`` (``reg_dot = builtins.sum(items_dot, 0.0)``, stranger21b's
review of a written hvp module): the dead-code pass took a call of a module's function for
a method call, which may change its object.  Generated code is reviewed and must be free of
dead code: every name assigned is read.  Numbers against central differences."""

import gast
import numpy as np

import builtin_sum_tangents as m
import s2sad


def _unread(text):
    tree = gast.parse(text)
    loads = {n.id for n in gast.walk(tree) if isinstance(n, gast.Name)
             and isinstance(n.ctx, gast.Load)}
    return sorted(t.id for n in gast.walk(tree) if isinstance(n, gast.Assign)
                  for t in n.targets if isinstance(t, gast.Name) and t.id not in loads)


def test_hvp_keeps_no_unread_tangent_of_a_builtin_sum():
    W = np.array([0.3, -0.7, 1.1])
    v = np.array([1.0, 0.5, -2.0])
    hvp = s2sad.hvp(m.penalized)
    product = hvp(W, v)
    assert _unread(hvp.source) == [], hvp.source
    h = 1e-4
    grad = s2sad.grad(m.penalized)
    expected = (grad(W + h * v) - grad(W - h * v)) / (2 * h)
    np.testing.assert_allclose(product, expected, rtol=1e-6, atol=1e-8)
    eps = 1e-6
    fd = np.array([(m.penalized(W + eps * e) - m.penalized(W - eps * e)) / (2 * eps)
                   for e in np.eye(3)])
    np.testing.assert_allclose(grad(W), fd, rtol=1e-6)
