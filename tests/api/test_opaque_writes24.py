"""Routes around the opaque-state refusal, each a wrong gradient before (grad [12, 6]
where central differences give [9, 6]): a helper of the user's with no declaration that
writes a module array or dict and whose call runs as it is (its result holds no
derivative); a nondifferentiable helper writing a module object through an alias
(``b = BUF; b[0] += 1``, a view, ``BUF.reshape(-1)[0] += 1``), an inner helper,
``out=`` or ``setattr``; a nondifferentiable function writing into the array it is
given (grad [-96, -96], central differences [-58, -58]).  Each is refused in reverse
mode, located, naming the helper; forward mode stays right (central differences), and
helpers writing nothing the function reads are not refused (central differences).

References: central differences, the state put back before each evaluation."""

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

import opaque_writes24 as m

X = np.array([0.5, -1.5])


def _reset():
    m.BUF[:] = [1.0, 2.0]
    m.STATE["n"] = 1.0
    m.COUNT["calls"] = 0
    m.O.s = 1.0
    m.CC.n = 1.0


def _fd_grad(fn, x, eps=1e-6):
    out = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        _reset()
        up = fn(x + e)
        _reset()
        down = fn(x - e)
        out[i] = (up - down) / (2 * eps)
    return out


REFUSED = [("global_helper", "hb", "BUF"), ("state_helper", "hstate", "STATE"),
           ("alias", "h_alias", "BUF"), ("view", "h_view", "BUF"),
           ("reshape", "h_reshape", "BUF"), ("inner", "h_inner", "BUF"),
           ("out", "h_out", "BUF"), ("set_attr", "h_setattr", "O"),
           ("module_method", "Counter.tick", "CC"), ("arg_write", "h_arg", None), ("arg_item_write", "h_arg_item", None)]


@pytest.mark.parametrize("name,helper,state", REFUSED)
@pytest.mark.parametrize("mode", ["grad", "vjp"])
def test_refused_in_reverse_mode(name, helper, state, mode):
    _reset()
    fn = getattr(m, name)
    with pytest.raises(UnsupportedSyntaxError) as info:
        if mode == "grad":
            s2sad.grad(fn)(X.copy())
        else:
            s2sad.vjp(fn)(X.copy())
    text = str(info.value)
    assert "opaque_writes24.py:" in text and helper in text
    if state is not None:
        assert repr(state) in text and "return the value" in text
    else:
        assert "writes into an argument" in text and "return the new value" in text


@pytest.mark.parametrize("name", ["global_helper", "state_helper", "alias", "set_attr",
                                  "module_method"])
def test_forward_mode_is_right(name):
    fn = getattr(m, name)
    v = np.array([1.0, -2.0])
    _reset()
    _, tangent = s2sad.jvp(fn)(X.copy(), v)
    assert np.isclose(tangent, _fd_grad(fn, X.copy()) @ v, atol=1e-6)


@pytest.mark.parametrize("name", ["counted_helper", "reads_only", "arg_fresh",
                                  "module_method_reads"])
def test_helper_writing_nothing_read_is_not_refused(name):
    fn = getattr(m, name)
    _reset()
    got = s2sad.grad(fn)(X.copy())
    assert np.allclose(got, _fd_grad(fn, X.copy()), atol=1e-6)


def test_hint_spelling_works():
    """The hint's spelling (the helper returns the value, the function uses it) is
    differentiated right."""
    def bump(b):
        return b + np.array([1.0, 0.0])

    def fixed(x):
        s = 0.0
        b = np.array([1.0, 2.0])
        for i in range(3):
            b = bump(b)
            s = s + np.sum(x * b)
        return s

    assert np.allclose(s2sad.grad(fixed)(X.copy()), [9.0, 6.0])


def test_method_writing_self_of_a_parameter_object_is_refused():
    """``c.tick()`` of a parameter's object writing ``self.n``, ``c.n`` read after it:
    grad gave 3 * 4 = 12 (the last call's), central differences 2 + 3 + 4 = 9."""
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.grad(m.param_method)(X.copy(), m.Counter())
    text = str(info.value)
    assert "opaque_writes24.py:" in text and "Counter.tick" in text and "'c.n'" in text


def test_method_reading_a_parameter_object_is_not_refused():
    c = m.Counter()
    got = s2sad.grad(m.param_method_reads)(X.copy(), c)
    ref = _fd_grad(lambda x: m.param_method_reads(x, m.Counter()), X.copy())
    assert np.allclose(got, ref, atol=1e-6) and np.allclose(ref, [3.0, 3.0])
