"""A user's name that is also the name of a runtime helper the generated code calls.

A local of such a name (``unbroadcast = x * 2.0``, ``phi = cholesky(...)``) is renamed
in the generated code, so the helper call reaches the helper (before: ``'numpy.ndarray'
object is not callable``).  A parameter or a global of such a name, where the code
calls that helper, is refused at the user's line with what to do (before: an internal
``AssertionError``); where the code calls no helper of that name it works.

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


@pytest.mark.parametrize("func,where", [
    (hc.global_unbroadcast, "reads `unbroadcast`"),
    (hc.parameter_unbroadcast, "takes the parameter `unbroadcast`"),
], ids=["global", "parameter"])
def test_a_global_or_parameter_named_like_a_called_helper_is_refused(func, where):
    with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
        s2sad.grad(func)(X, Y)
    message = str(info.value)
    assert where in message and "helper_name_clashes.py:" in message
    assert "hint:" in message


def test_a_global_named_like_a_helper_the_code_does_not_call_works():
    check_grads(hc.numpy_zeros_like, (X,), modes=("reverse",))
