"""A helper s2sad does not see into (declared ``s2sad.nondifferentiable``) that changes
module state the function reads.  Before, the reverse sweep read the state again after
the forward sweep had run every call (``w[i] * STATE["n"]`` with ``tick()`` counting
into ``STATE`` gave [3, 3, 3] for [1, 2, 3]; an attribute of a module's object, read
outside loops, likewise), and a ``global`` number the helper rebinds was taken in when
the derivative was made ([0, 0, 0]).  Such a read is refused, located, in reverse mode
(grad, vjp, hessian, hvp); forward mode reads the objects where Python does (checked
against central differences) and refuses only the rebound global.  Code reading state
no opaque call writes is not refused.

References: central differences of the function, the state put back before each
evaluation."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

import opaque_state as m

W = np.array([0.3, -0.7, 1.2])


def _reset():
    m.STATE["n"] = 0
    m.COUNTS["n"] = 0
    m.OBJ.n = 0
    m.G = 0.0
    m.RULED["n"] = 0.0
    del m.LOG[:]


def _fd_grad(fn, w, eps=1e-6):
    out = np.zeros_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = eps
        _reset()
        up = fn(w + e)
        _reset()
        down = fn(w - e)
        out[i] = (up - down) / (2 * eps)
    return out


def _fd_hessian(fn, w, eps=1e-4):
    rows = []
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = eps
        rows.append((_fd_grad(fn, w + e) - _fd_grad(fn, w - e)) / (2 * eps))
    return np.array(rows)


REFUSED = {"dict_counter": ("STATE", "tick", 63), "attr_counter": ("OBJ", "tick_attr", 69),
           "global_counter": ("G", "tick_global", 78),
           "ruled_counter": ("RULED", "scaled", 130),
           # (second order reads the wrapped function as a helper whose calls write STATE)
           "decorated_counter": ("STATE", "tick|decorated_counter", 146)}


def _reverse_runs(fn):
    return {"grad": lambda: s2sad.grad(fn)(W),
            "vjp": lambda: s2sad.vjp(fn)(W)[1](1.0),
            "hessian": lambda: s2sad.hessian(fn)(W),
            "hvp": lambda: s2sad.hvp(fn)(W, np.ones(3))}


@pytest.mark.parametrize("mode", ["grad", "vjp", "hessian", "hvp"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_reverse_modes_refuse_the_read(name, mode):
    state, helper, line = REFUSED[name]
    _reset()
    with pytest.raises(UnsupportedSyntaxError) as info:
        _reverse_runs(getattr(m, name))[mode]()
    text = str(info.value)
    assert f"opaque_state.py:{line}:" in text
    assert repr(state) in text and any(h in text for h in helper.split("|"))
    assert "return the value" in text


def _jvp_columns(fn):
    cols = []
    for i in range(W.size):
        _reset()
        cols.append(s2sad.jvp(fn)(W, np.eye(W.size)[i])[1])
    return np.array(cols)


@pytest.mark.parametrize("name", ["dict_counter", "attr_counter"])
def test_forward_mode_reads_the_objects_where_python_does(name):
    fn = getattr(m, name)
    np.testing.assert_allclose(_jvp_columns(fn), _fd_grad(fn, W), rtol=1e-6, atol=1e-8)


def test_forward_mode_refuses_the_rebound_global():
    _reset()
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.jvp(m.global_counter)(W, np.ones(3))
    assert "opaque_state.py:78:" in str(info.value) and "'G'" in str(info.value)


@pytest.mark.parametrize("name", ["returned_count", "other_state", "constant_in_loop"])
def test_state_no_opaque_call_changes_under_the_read_is_not_refused(name):
    fn = getattr(m, name)
    expected = _fd_grad(fn, W)
    _reset()
    np.testing.assert_allclose(s2sad.grad(fn)(W), expected, rtol=1e-6, atol=1e-8)
    _reset()
    np.testing.assert_allclose(s2sad.vjp(fn)(W)[1](1.0), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(_jvp_columns(fn), expected, rtol=1e-6, atol=1e-8)
    if name != "returned_count":   # (hessian runs it per column: a counter is refused)
        _reset()
        np.testing.assert_allclose(s2sad.hessian(fn)(W), _fd_hessian(fn, W), rtol=1e-4,
                                   atol=1e-5)
    _reset()
    np.testing.assert_allclose(s2sad.hvp(fn)(W, np.ones(3)), _fd_hessian(fn, W) @ np.ones(3),
                               rtol=1e-4, atol=1e-5)


def test_the_entry_checks_reads_are_not_the_functions():
    """A function writing into an argument gets an entry check reading module values
    (located at its def): not a read of the user's (found by the fuzzer's
    nondiff_counter_in_loop)."""
    def fn(w):
        return m.written_arg_counter(w, np.zeros(2))
    expected = _fd_grad(fn, W)
    _reset()
    got = s2sad.grad(m.written_arg_counter)(W, np.zeros(2))
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
