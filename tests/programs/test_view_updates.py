"""Regression tests (helper fixalias21): ``p op= e`` on a slice ``p = s[2:]`` of a local
array was refused as "may change 'q' too" for any other view ``q`` of ``s`` (disjoint
ones included), with the hint ``p = p - ...``, which silently stops ``s`` from changing
where ``s`` is read later.  Now it is the write ``p[...] = p op e``: followed where no
name sharing the memory is read later (gradients, jvp and Hessians against central
differences), refused at the line otherwise, with a hint that keeps the meaning
(``s[2:] -= ...``), which is then differentiated."""

import numpy as np
import pytest

import s2sad
import view_updates as vu
from s2sad.errors import S2sadError

S = np.array([0.5, -0.3, 0.2, 0.9])
K = 1.2


def _fd(f, s, k, eps=1e-6):
    gs = np.array([(f(s + eps * e, k) - f(s - eps * e, k)) / (2 * eps) for e in np.eye(s.size)])
    return gs, (f(s, k + eps) - f(s, k - eps)) / (2 * eps)


FOLLOWED = [vu.disjoint_halves, vu.disjoint_halves_both_read, vu.overlapping_unread,
            vu.base_read_hinted]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_update_through_a_slice_is_followed(f):
    gs, gk = _fd(f, S, K)
    value, (g0, g1) = s2sad.value_and_grad(f, wrt=(0, 1))(S.copy(), K)
    assert value == pytest.approx(f(S.copy(), K))
    np.testing.assert_allclose(g0, gs, rtol=1e-6, atol=1e-8)
    assert g1 == pytest.approx(gk, rel=1e-6, abs=1e-8)
    v = np.array([0.3, -1.0, 0.7, 0.2])
    _, slope = s2sad.jvp(f)(S.copy(), K, v)
    assert slope == pytest.approx(gs @ v, rel=1e-6, abs=1e-8)
    eps = 1e-4
    hk = (_fd(f, S, K + eps)[1] - _fd(f, S, K - eps)[1]) / (2 * eps)
    assert s2sad.hessian(f, wrt=1)(S.copy(), K) == pytest.approx(hk, rel=1e-4, abs=1e-6)


@pytest.mark.parametrize("f, line, hint", [
    (vu.overlapping_read, 36, None),
    (vu.base_read, 44, "s[2:] -= ..."),
    (vu.base_read_whole_store, 52, "s[2:] = ..."),
], ids=["overlapping_read", "base_read", "base_read_whole_store"])
def test_a_write_another_name_read_later_sees_is_refused(f, line, hint):
    for call in (lambda: s2sad.grad(f)(S.copy(), K), lambda: s2sad.jvp(f)(S.copy(), K, S)):
        with pytest.raises(S2sadError) as info:
            call()
        message = str(info.value)
        assert f"view_updates.py:{line}:" in message, message
        if hint is not None:
            assert f"write into 's' itself and take 'p' again after the write: {hint}; " \
                   f"p = s[2:]" in message, message
            assert "p = p -" not in message


def test_the_hint_keeps_the_meaning():
    # (the refused function and its hinted form compute the same in Python)
    for k in (0.5, K, 2.0):
        assert vu.base_read_hinted(S.copy(), k) == pytest.approx(vu.base_read(S.copy(), k))
