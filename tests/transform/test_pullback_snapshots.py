"""A vjp's pullback starts from copies of the forward names it rebinds, so that it can
run any number of times: only where it may read one before rebinding it.  A name popped
from the tape (or assigned in a branch) before every read had a snapshot nothing read
(``cond = None`` ... ``cond_final = cond`` ... ``cond = cond_final``: stranger22b's review
of a vjp module).  Pullbacks called several times against central differences."""

import gast
import numpy as np
import pytest

import pullback_snapshots as m
import s2sad


def _dead_snapshots(text):
    """Names ``X`` with ``X = X_final`` at the pullback's start although the pullback
    assigns ``X`` again before reading it (no read of ``X`` between)."""
    tree = gast.parse(text)
    pullback = next(n for n in gast.walk(tree) if isinstance(n, gast.FunctionDef)
                    and n.name.endswith("_pullback"))
    starts = [s.targets[0].id for s in pullback.body
              if isinstance(s, gast.Assign) and isinstance(s.value, gast.Name)
              and s.value.id.endswith("_final")]
    return starts


def _vjp_fd(f, x, w, cotangent, h=1e-6):
    out = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        up, down = w.copy(), w.copy()
        up[index] += h
        down[index] -= h
        out[index] = np.sum(cotangent * (f(x, up) - f(x, down))) / (2 * h)
    return out


@pytest.mark.parametrize("f", [m.branch_and_filter, m.carried_product])
def test_pullback_copies_only_what_it_reads_first(f):
    x = np.array([0.5, -0.3, 1.2])
    w = np.array([[0.4, 0.1, -0.2], [-1.0, 0.3, 0.2], [0.7, -0.5, 0.9]])
    text = s2sad.source(f, wrt="w", flavor="vjp")
    assert "_final" not in text, text
    assert _dead_snapshots(text) == []
    value, pullback = s2sad.vjp(f, wrt="w")(x, w)
    np.testing.assert_allclose(value, f(x, w))
    for cotangent in (np.array([1.0, -2.0, 0.5]), np.array([0.3, 0.7, -1.1]),
                      np.array([1.0, -2.0, 0.5])):
        np.testing.assert_allclose(pullback(cotangent), _vjp_fd(f, x, w, cotangent),
                                   rtol=1e-6, atol=1e-8)


def test_a_value_pushed_from_one_branch_is_started_before_the_branch():
    y = np.array([-0.9, 0.8, -0.3])
    z = 0.96
    value, pullback = s2sad.vjp(m.written_in_one_branch, wrt=(0, 1))(y.copy(), z)
    assert value == pytest.approx(m.written_in_one_branch(y.copy(), z))
    h = 1e-6
    expected_y = np.array([(m.written_in_one_branch(y + h * e, z)
                            - m.written_in_one_branch(y - h * e, z)) / (2 * h)
                           for e in np.eye(3)])
    expected_z = (m.written_in_one_branch(y.copy(), z + h)
                  - m.written_in_one_branch(y.copy(), z - h)) / (2 * h)
    for _ in range(2):
        gy, gz = pullback(1.0)
        np.testing.assert_allclose(gy, expected_y, rtol=1e-6, atol=1e-8)
        assert gz == pytest.approx(expected_z, rel=1e-6)
