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
def test_hvp_of_an_argument_written_has_no_unread_pop():
    hvp = s2sad.hvp(m.write_arg, wrt=(0, 1))
    assert _unread(hvp.source) == [], hvp.source
    a, b = np.array([0.3, -1.2, 0.8]), np.array([0.5, 0.9, -0.4])
    da, db = np.array([0.2, 0.1, -0.3]), np.array([-0.5, 0.7, 0.25])
    grad = s2sad.grad(m.write_arg, wrt=(0, 1))
    h = 1e-5
    plus = grad(a + h * da, b + h * db)
    minus = grad(a - h * da, b - h * db)
    got = hvp(a.copy(), b.copy(), (da, db))
    for g, p, q in zip(got, plus, minus):
        np.testing.assert_allclose(g, (p - q) / (2 * h), rtol=1e-6, atol=1e-9)


A = np.array([0.3, -1.2, 0.8, 0.45])
B = np.array([0.5, 0.9, -0.4, 1.3])


def _check_grad(f):
    """The gradient of ``f`` in both arguments against central differences (the
    arguments copied for each call: ``f`` writes into its first); the gradient's code."""
    grad = s2sad.grad(f, wrt=(0, 1))
    got = grad(A.copy(), B.copy())
    for i, g in enumerate(got):
        np.testing.assert_allclose(g, _fd_grad(f, (A, B), i), rtol=1e-6, atol=1e-9)
    return grad.source


def _restores(source):
    """The restores ``x[index] = tape.pop()`` in ``source``, and the pushes of what a
    write overwrites."""
    lines = [line.strip() for line in source.splitlines() if not line.strip().startswith("#")]
    return ([line for line in lines if line.endswith("= tape.pop()") and "[" in line.split("=")[0]],
            [line for line in lines if line.startswith("tape.push(overwritten(")])


def test_restores_of_an_argument_nothing_reads_afterwards_are_dropped():
    # a[0] = ..., a[1:] += ...: after each restore the sweep reads a_1 for its shape
    # (unbroadcast(add_bar, a_1_slice)) or not at all: neither push nor pop is left
    source = _check_grad(m.write_arg)
    assert _restores(source) == ([], []), source
    assert _tape_ops(source) == (0, 0) and "Stack" not in source, source


def test_a_view_read_for_its_values_after_the_restore_keeps_the_pair():
    # v = a[1:] is read (np.sum(v * b[1:])) by the backward sweep after a[1:] is put back
    source = _check_grad(m.view_read_after)
    assert _restores(source) == (["a_1[1:] = tape.pop()"],
                                 ["tape.push(overwritten(a_1, slice(1, None, None)))"]), source


def test_a_read_on_the_next_trip_of_the_backward_loop_keeps_the_pair():
    # a[i] = a[i] * b[i] + sin(a[i]): trip i's restore is read by trip i - 1's adjoint
    source = _check_grad(m.written_in_loop)
    pops, pushes = _restores(source)
    assert len(pops) == len(pushes) == 1, source


def test_only_the_restore_whose_values_are_read_stays():
    # a[1] is restored before np.sum(a * a)'s adjoint reads a (kept); a[0]'s restore
    # comes after every read of a (dropped)
    source = _check_grad(m.written_then_read)
    assert _restores(source) == (["a_1[1] = tape.pop()"],
                                 ["tape.push(overwritten(a_1, 1))"]), source


def test_a_pullback_called_twice_gives_the_same_cotangents():
    for f in (m.write_arg, m.view_read_after, m.written_then_read, m.written_in_loop):
        value, pullback = s2sad.vjp(f, wrt=(0, 1))(A.copy(), B.copy())
        first = pullback(1.0)
        second = pullback(2.0)
        for i, (g1, g2) in enumerate(zip(first, second)):
            np.testing.assert_allclose(g1, _fd_grad(f, (A, B), i), rtol=1e-6, atol=1e-9)
            np.testing.assert_allclose(g2, 2.0 * g1, rtol=1e-12, atol=1e-12)


def test_hvp_of_writes_into_an_argument_matches_differences_of_the_gradient():
    for f in (m.view_read_after, m.written_then_read, m.written_in_loop):
        hvp = s2sad.hvp(f, wrt=(0, 1))
        grad = s2sad.grad(f, wrt=(0, 1))
        da, db = np.array([0.2, 0.1, -0.3, 0.6]), np.array([-0.5, 0.7, 0.25, 0.1])
        h = 1e-5
        plus = grad(A + h * da, B + h * db)
        minus = grad(A - h * da, B - h * db)
        got = hvp(A.copy(), B.copy(), (da, db))
        for g, p, q in zip(got, plus, minus):
            np.testing.assert_allclose(g, (p - q) / (2 * h), rtol=1e-5, atol=1e-8)
        # (no tangent popped unread; a restore kept, read through a view, still binds
        # the functional index_set's result to a name nothing reads: a_1_3)
        assert [n for n in _unread(hvp.source) if n.endswith("_dot")] == [], hvp.source
