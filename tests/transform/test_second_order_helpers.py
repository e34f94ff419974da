"""Second derivatives of functions that call the user's own helpers.

Forward over reverse needs gradient code without pullback closures, so for
second derivatives the helpers' bodies go in place of their calls.  The
references are central differences of a hand-written gradient, or of the
function itself.
"""

import os

import numpy as np
import pytest

import s2sad
from s2sad import cli
from s2sad.errors import UnsupportedSyntaxError

import helper_functions as H


def fd_hessian(grad, x, eps=1e-5):
    """Central differences of the gradient ``grad(x)``, column by column."""
    x = np.asarray(x, dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        e = e.reshape(x.shape)
        cols.append((np.ravel(grad(x + e)) - np.ravel(grad(x - e))) / (2 * eps))
    return np.stack(cols, axis=-1).reshape(x.shape + x.shape)


def fd_gradient(f, x, eps=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.zeros(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = eps
        e = e.reshape(x.shape)
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g.reshape(x.shape)


X = np.array([[1.0, 2.0], [0.5, -1.0], [0.2, 0.3]])
Y = np.array([0.1, 0.2, 0.3])


def loss_gradient_by_hand(w):
    t = np.tanh(X @ w)
    return X.T @ (2.0 * (t - Y) * (1.0 - t * t))


def test_hessian_of_a_loss_that_calls_its_model():
    w = np.array([0.3, -0.2])
    h = s2sad.hessian(H.loss)(w, X, Y)
    np.testing.assert_allclose(h, fd_hessian(loss_gradient_by_hand, w), rtol=1e-6, atol=1e-8)
    v = np.array([0.7, -1.1])
    np.testing.assert_allclose(s2sad.hvp(H.loss)(w, X, Y, v), h @ v, rtol=1e-10)


@pytest.mark.parametrize("func, x", [
    (H.smooth_norm, np.array([0.4, -1.3, 2.2])),    # loops, branches, defaults, keywords
    (H.shadows_a_global, np.array([0.3, -0.6])),    # the helper's own globals
    (H.collides, np.array([0.5, 1.5])),             # a helper's names like temporaries
])
def test_hessian_through_helpers_matches_differences_of_the_gradient(func, x):
    h = s2sad.hessian(func)(x)
    reference = fd_hessian(lambda z: fd_gradient(func, z, eps=1e-4), x, eps=1e-4)
    np.testing.assert_allclose(h, reference, rtol=1e-4, atol=1e-5)
    # the first derivatives still use the helpers' own generated vjp
    np.testing.assert_allclose(s2sad.grad(func)(x), fd_gradient(func, x), rtol=1e-6,
                               atol=1e-8)


def test_grad_of_grad_through_a_helper():
    def f_prime(v):   # by hand: d/dv tanh(2v)^2 = 4 tanh(2v) (1 - tanh(2v)^2)
        t = np.tanh(2.0 * v)
        return 4.0 * t * (1.0 - t * t)

    g2 = s2sad.grad(s2sad.grad(H.tanh_squared))
    for v in (0.3, -0.8):
        assert g2(v) == pytest.approx((f_prime(v + 1e-6) - f_prime(v - 1e-6)) / 2e-6, rel=1e-6)


def test_a_recursive_helper_is_refused_with_its_location():
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.hessian(H.calls_recursive)(np.array([0.5, 1.5]))
    message = str(info.value)
    assert "recursive_power calls itself" in message and "helper_functions.py:" in message


def test_a_helper_writing_into_its_argument_is_followed_in_second_order_too():
    # f = v0 v1 + v0^2 v1: the helper writes buf[0] = v0 v1, which the caller reads
    v = np.array([0.5, 1.5])
    by_hand = np.array([[2.0 * v[1], 1.0 + 2.0 * v[0]], [1.0 + 2.0 * v[0], 0.0]])
    np.testing.assert_allclose(s2sad.hessian(H.calls_writer)(v), by_hand, rtol=1e-12)


def test_the_hvp_module_from_the_command_line_inlines_the_model(tmp_path):
    out = tmp_path / "loss_hvp.py"
    here = os.path.dirname(H.__file__)
    code = cli.main(["grad", os.path.join(here, "helper_functions.py") + ":loss", "--wrt", "w",
                     "--mode", "forward", "--flavor", "hvp", "-o", str(out)])
    assert code == 0
    text = out.read_text()
    assert "model_vjp" not in text and "pullback" not in text   # the body, not a call
    namespace = {}
    exec(compile(text, str(out), "exec"), namespace)
    w, v = np.array([0.3, -0.2]), np.array([0.7, -1.1])
    (value, grad), hv = namespace["loss_hvp"](w, X, Y, v)
    np.testing.assert_allclose(grad, loss_gradient_by_hand(w), rtol=1e-10)
    np.testing.assert_allclose(hv, fd_hessian(loss_gradient_by_hand, w) @ v, rtol=1e-6)


def test_a_helper_reading_a_global_the_caller_takes_as_a_parameter_is_refused():
    with pytest.raises(UnsupportedSyntaxError, match="reads the module's 'W'"):
        s2sad.hessian(H.takes_the_global_name, wrt=1)(np.ones(2), np.array([0.3, -0.6]))


def test_second_derivative_through_a_helper_called_in_a_loop():
    xs = np.array([0.5, -0.3, 0.8, 0.1])
    f = lambda w: H.unrolled(w, xs)   # noqa: E731 (the reference only)
    for w in (0.7, -1.2):
        expected = (f(w + 1e-4) - 2 * f(w) + f(w - 1e-4)) / 1e-8
        assert s2sad.grad(s2sad.grad(H.unrolled))(w, xs) == pytest.approx(expected, rel=1e-5)


XF = np.array([[1.0, 2.0], [0.5, -1.0], [0.2, 0.3]])


def foreign_gradient_by_hand(w):
    """The gradient of ``loss_of_a_foreign_model``: r = tanh(X w) * GAIN,
    f = sum(r * r) + sum(r)."""
    gain = np.array([1.5, -0.5, 0.25])
    t = np.tanh(XF @ w)
    return XF.T @ ((2.0 * t * gain + 1.0) * gain * (1.0 - t * t))


def test_hessian_through_a_helper_of_another_module():
    w = np.array([0.3, -0.2])
    h = s2sad.hessian(H.loss_of_a_foreign_model)(w, XF)
    np.testing.assert_allclose(h, fd_hessian(foreign_gradient_by_hand, w), rtol=1e-6,
                               atol=1e-8)


def test_one_name_for_two_objects_is_refused():
    # the function reads its module's GAIN, the helper its own: one name in the code
    with pytest.raises(UnsupportedSyntaxError, match="another object than the 'GAIN'"):
        s2sad.hessian(H.reads_its_own_gain)(np.array([0.3, -0.2]), XF)


def test_the_hvp_module_imports_the_helper_module_s_data_from_there(tmp_path):
    here = os.path.dirname(H.__file__)
    out = tmp_path / "foreign_hvp.py"
    code = cli.main(["grad", os.path.join(here, "helper_functions.py") + ":loss_of_a_foreign_model",
                     "--wrt", "w", "--mode", "forward", "--flavor", "hvp", "-o", str(out)])
    assert code == 0
    text = out.read_text()
    assert "from foreign_model import GAIN" in text   # not the caller module's GAIN
    namespace = {}
    exec(compile(text, str(out), "exec"), namespace)
    w, v = np.array([0.3, -0.2]), np.array([0.7, -1.1])
    _, hv = namespace["loss_of_a_foreign_model_hvp"](w, XF, v)
    np.testing.assert_allclose(hv, fd_hessian(foreign_gradient_by_hand, w) @ v, rtol=1e-6,
                               atol=1e-8)


def test_a_gradient_module_imports_a_helper_module_s_data_from_there(tmp_path):
    # first order calls the helper's own vjp; its data must still come from its module
    here = os.path.dirname(H.__file__)
    out = tmp_path / "foreign_grad.py"
    code = cli.main(["grad", os.path.join(here, "helper_functions.py") + ":loss_of_a_foreign_model",
                     "--wrt", "w", "-o", str(out)])
    assert code == 0
    text = out.read_text()
    assert "from foreign_model import GAIN" in text and "from helper_functions import GAIN" \
        not in text
    namespace = {}
    exec(compile(text, str(out), "exec"), namespace)
    w = np.array([0.3, -0.2])
    _, g = namespace["loss_of_a_foreign_model_value_and_grad"](w, XF)
    np.testing.assert_allclose(g, foreign_gradient_by_hand(w), rtol=1e-12)


def test_a_helper_called_as_a_module_attribute_keeps_its_names_apart():
    x = np.array([0.4, -0.3, 0.7])
    h = s2sad.hessian(H.calls_the_module_attribute)(x)
    reference = fd_hessian(lambda z: fd_gradient(H.calls_the_module_attribute, z, eps=1e-4),
                           x, eps=1e-4)
    np.testing.assert_allclose(h, reference, rtol=1e-4, atol=1e-5)
