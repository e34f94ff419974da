"""Dead tape pairs in generated code (review23, a README-only stranger's review of written
modules): a second-order (hvp) module pushed the tangent of a value the backward sweep
reads only for its shape and popped it into a name nothing read, computing the tangent
chain only for that push; a gradient restored an array it wrote into although nothing
after read its values.  Generated code must be free of dead code, and a pair dropped
must never change a number: every gradient here is compared with central differences
in float64 of the function (or, for an hvp, of the gradient, itself checked)."""

import gast
import numpy as np

import s2sad
import tape_pairs as m


def _unread(text):
    tree = gast.parse(text)
    loads = {n.id for n in gast.walk(tree) if isinstance(n, gast.Name)
             and isinstance(n.ctx, gast.Load)}
    return sorted(t.id for n in gast.walk(tree) if isinstance(n, gast.Assign)
                  for t in n.targets if isinstance(t, gast.Name) and t.id not in loads)


def _tape_ops(text):
    """(pushes, pops) of the tape in the code ``text`` (comments quoting some aside)."""
    calls = [n for n in gast.walk(gast.parse(text)) if isinstance(n, gast.Call)
             and isinstance(n.func, gast.Attribute) and getattr(n.func.value, "id", "") == "tape"]
    return (sum(c.func.attr == "push" for c in calls), sum(c.func.attr == "pop" for c in calls))


def _fd_grad(f, args, i, eps=1e-6):
    x = np.array(args[i], dtype=float)
    out = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[k] = eps
        plus = list(args)
        minus = list(args)
        plus[i], minus[i] = x + e, x - e
        out[k] = (f(*[np.copy(a) for a in plus]) - f(*[np.copy(a) for a in minus])) / (2 * eps)
    return out


X = np.array([[0.3, -0.2], [0.5, 0.1], [-0.4, 0.7]])
W = np.array([0.2, -0.6])
V = np.array([1.0, 0.4])


def _check_hvp(f):
    hvp = s2sad.hvp(f, wrt=1)
    grad = s2sad.grad(f, wrt=1)
    np.testing.assert_allclose(grad(X, W), _fd_grad(f, (X, W), 1), rtol=1e-6, atol=1e-9)
    h = 1e-5
    expected = (grad(X, W + h * V) - grad(X, W - h * V)) / (2 * h)
    np.testing.assert_allclose(hvp(X, W, V), expected, rtol=1e-6, atol=1e-9)
    return hvp.source


def test_hvp_pushes_no_tangent_of_a_value_read_for_its_shape():
    # total_old is popped for unbroadcast(total_bar, total_old) only: its tangent is
    # neither pushed nor popped, and the loop no longer carries total's tangent
    source = _check_hvp(m.branchy)
    assert "total_dot" not in source and "total_1_dot" not in source, source
    assert _tape_ops(source) == (1, 1), source
    assert _unread(source) == [], source


def test_hvp_keeps_the_tangents_its_backward_sweep_reads():
    # total * (1 + h[k]**2): the backward sweep multiplies by the popped total and add,
    # whose tangents it reads: both stay paired on the tape
    source = _check_hvp(m.product_loop)
    assert "tape.push(total_dot)" in source and "total_4_dot = tape.pop()" in source, source
    assert _tape_ops(source) == (4, 4), source
    assert _unread(source) == [], source
