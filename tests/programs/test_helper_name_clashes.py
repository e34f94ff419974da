"""A user's name that is also the name of a runtime helper the generated code calls.

A local of such a name (``unbroadcast = x * 2.0``, ``phi = cholesky(...)``) is renamed
in the generated code, so the helper call reaches the helper (before: ``'numpy.ndarray'
object is not callable``).  A parameter or a global of such a name, where the code
calls that helper, was refused; a global now works (the generated code imports the
helper under another name), a parameter is refused at the user's line with what to do
(the derivative takes it by name).

Expected derivatives are central finite differences (``s2sad.testing``).
"""

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import helper_name_clashes as hc

X = np.array([0.3, -0.7, 1.1])
Y = np.array([0.5, 0.1, -1.0])


@pytest.mark.parametrize("func,args", [
    (hc.local_unbroadcast, (X, Y)),
    (hc.local_phi_cholesky, (X,)),
    (hc.comprehension_snapshot, (X,)),
    (hc.loop_shape_of, (X,)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_local_named_like_a_helper_is_renamed(func, args):
    check_grads(func, args, modes=("reverse", "forward"))
    v = np.array([0.4, -0.2, 0.9])
    np.testing.assert_allclose(s2sad.hvp(func)(*args, v), _fd_hvp(func, args, v),
                               rtol=1e-4, atol=1e-6)


def _fd_hvp(func, args, v, eps=1e-4):
    """H v (with respect to the first argument) by central second differences."""
    x, out = args[0], np.zeros(args[0].size)
    for k in range(x.size):
        e = np.zeros(x.size)
        e[k] = eps
        at = [func(x + a * e + b * eps * v, *args[1:]) for a, b in
              ((1, 1), (1, -1), (-1, 1), (-1, -1))]
        out[k] = (at[0] - at[1] - at[2] + at[3]) / (4 * eps * eps)
    return out


def test_the_renamed_local_shows_in_the_module():
    text = s2sad.grad(hc.local_unbroadcast).source
    assert "unbroadcast_1 = x * 2.0" in text
    assert "from s2sad.runtime import" in text and "unbroadcast" in text


@pytest.mark.parametrize("func,args", [
    (hc.global_unbroadcast, (X, Y)),
    (hc.numpy_zeros_like, (X,)),
    (hc.numpy_zeros_like_and_a_constant_helper, (X,)),
    (hc.numpy_zeros_like_in_a_tuple, (X,)),
    (hc.numpy_zeros_like_under_a_decorator, (X, Y)),
    (hc.numpy_zeros_like_of_a_constant_under_a_decorator, (X, 0.7)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_a_global_named_like_a_called_helper_works_in_every_mode(func, args):
    """The generated code imports the helper under another name (``s2sad_<name>``):
    the user's global keeps its own (issue 17: `from numpy import zeros_like` in code
    differentiated with jvp or hvp was refused)."""
    check_grads(func, args, wrt=tuple(range(len(args))), modes=("reverse", "forward"))
    if len(args) == 2:   # (and its derivatives in y alone, with x inactive)
        check_grads(func, args, wrt=(1,), modes=("reverse", "forward"))
    v = np.array([0.4, -0.2, 0.9])
    np.testing.assert_allclose(s2sad.hvp(func)(*args, v), _fd_hvp(func, args, v),
                               rtol=1e-4, atol=1e-6)


def test_the_helper_imported_under_another_name_shows_in_the_module():
    text = s2sad.grad(hc.global_unbroadcast).source
    assert "unbroadcast as s2sad_unbroadcast" in text
    # the user's `unbroadcast` is differentiated (its vjp), the helper is s2sad's
    assert "= unbroadcast_vjp(x)" in text and "= s2sad_unbroadcast(d_bar, " in text
    text = s2sad.jvp(hc.numpy_zeros_like_in_a_tuple).source
    assert "from numpy import zeros_like" in text


def test_a_parameter_named_like_a_called_helper_is_refused():
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(hc.parameter_unbroadcast)(X, Y)
    message = str(info.value)
    assert "takes the parameter `unbroadcast`" in message
    assert "helper_name_clashes.py:" in message and "hint:" in message


def test_a_global_named_like_a_helper_the_code_does_not_call_works():
    check_grads(hc.numpy_zeros_like, (X,), modes=("reverse",))
