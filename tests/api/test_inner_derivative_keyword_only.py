"""A derivative called inside a differentiated function takes its function's keyword-only
parameters as the API does at top level: the directions follow the positional arguments,
keyword-only ones are given by name or left to their defaults (``jvp(inner, wrt=("W",
"b"))(W, b, X, W, b, lam=0.5)`` was refused, "takes every parameter of the function").
A default that is not a constant (the arrays a ``functools.partial`` holds by keyword) is
read where the call runs (``grad(Pq)`` under hvp failed on '.__kwdefaults__', the jvp of
the partial was refused).  A keyword-only parameter given by position is refused as at
top level.  References: derivatives written by hand, central differences of them."""

import functools

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

W = np.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.2]])
B = np.array([0.1, -0.3])
X = np.array([[1.0, 2.0, -1.0], [0.5, 0.1, 0.3]])


def inner(W, b, X, *, lam=0.1):
    return np.sum(np.tanh(X @ W + b) ** 2) + lam * np.sum(W ** 2)


def inner_req(W, X, *, lam):
    return np.sum(np.tanh(X @ W) ** 2) + lam * np.sum(W ** 2)


def _inner_by_hand(W, b, X, lam=0.1):
    """(value, d/dW, d/db) of ``inner``."""
    t = np.tanh(X @ W + b)
    d = 2.0 * t * (1.0 - t ** 2)
    return np.sum(t ** 2) + lam * np.sum(W ** 2), X.T @ d + 2.0 * lam * W, d.sum(axis=0)


def _fd(f, x, h=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def jvp_kwonly_given(W, b, X):
    val, t = s2sad.jvp(inner, wrt=("W", "b"))(W, b, X, W, b, lam=0.5)
    return t * val


def _jvp_kwonly_given_ref(W, b, X):
    val, gW, gb = _inner_by_hand(W, b, X, 0.5)
    return (np.sum(gW * W) + np.sum(gb * b)) * val


def jvp_required_kwonly(W, X):
    return s2sad.jvp(inner_req)(W, X, W, lam=0.5)[1]


def _jvp_required_ref(W, X):
    return np.sum(_inner_by_hand(W, np.zeros(2), X, 0.5)[1] * W)


def hvp_kwonly_left_out(W, X):
    return np.sum(s2sad.hvp(inner, wrt="W")(W, np.zeros(2), X, W))


def _hvp_left_out_ref(W, X):   # the Hessian-vector product by differences of the gradient
    g = lambda w: _inner_by_hand(w, np.zeros(2), X)[1]   # noqa: E731
    h = 1e-5
    return np.sum((g(W + h * W) - g(W - h * W)) / (2 * h))


@pytest.mark.parametrize("f, ref, args", [
    (jvp_kwonly_given, _jvp_kwonly_given_ref, (W, B, X)),
    (jvp_required_kwonly, _jvp_required_ref, (W, X)),
])
def test_grad_jvp_hvp_of_an_inner_jvp_taking_keyword_only_parameters(f, ref, args):
    W0, rest = args[0], args[1:]
    expected = _fd(lambda w: ref(w, *rest), W0)
    np.testing.assert_allclose(s2sad.grad(f)(*args), expected, rtol=1e-6, atol=1e-8)
    v = np.ones_like(W0)
    assert s2sad.jvp(f)(*args, v)[1] == pytest.approx(np.sum(expected * v), rel=1e-6)
    by_differences = (s2sad.grad(f)(W0 + 1e-5 * v, *rest)
                      - s2sad.grad(f)(W0 - 1e-5 * v, *rest)) / 2e-5
    np.testing.assert_allclose(s2sad.hvp(f)(*args, v), by_differences, rtol=1e-5, atol=1e-7)


def test_an_inner_hvp_leaves_a_keyword_only_default_out():
    assert hvp_kwonly_left_out(W, X) == pytest.approx(_hvp_left_out_ref(W, X), rel=1e-6)
    np.testing.assert_allclose(s2sad.grad(hvp_kwonly_left_out)(W, X),
                               _fd(lambda w: _hvp_left_out_ref(w, X), W, 1e-4),
                               rtol=1e-4, atol=1e-6)


def jvp_kwonly_by_position(W, b, X):
    return s2sad.jvp(inner)(W, b, X, 0.5, W)[1]


def test_a_keyword_only_parameter_given_by_position_is_refused_as_at_top_level():
    with pytest.raises(TypeError):
        s2sad.jvp(inner)(W, B, X, 0.5, W)
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(jvp_kwonly_by_position)(W, B, X)
    message = str(caught.value)
    assert "inner() takes 3 positional arguments but 4 were given" in message
    assert "(W, b, X, W_dot, lam=...)" in message   # the hint: the call that works


# a functools.wraps wrapper taking (x, *args, t=0.25, **kwargs)

def _scaled(fn):
    @functools.wraps(fn)
    def wrapper(x, *args, t=0.25, **kwargs):
        return fn(x, *args, **kwargs) * t
    return wrapper


@_scaled
def wrapped(x, w, *, c=2.0):
    return np.sum(np.sin(x * w)) * c


def through_wrapper_jvp(x, w):
    return s2sad.jvp(wrapped)(x, w, w, c=1.5)[1] ** 2


def through_wrapper_hvp(x, w):
    return np.sum(s2sad.hvp(wrapped)(x, w, x, t=0.5) * w)


def through_wrapper_grad(x, w):
    return np.sum(s2sad.grad(wrapped)(x, w, t=0.5) ** 2)


def _wrapped_refs():
    jvp = lambda x, w: (0.25 * 1.5 * np.sum(np.cos(x * w) * w * w)) ** 2   # noqa: E731
    hvp = lambda x, w: np.sum(-0.5 * 2.0 * np.sin(x * w) * w * w * x * w)   # noqa: E731
    grad = lambda x, w: np.sum((0.5 * 2.0 * np.cos(x * w) * w) ** 2)   # noqa: E731
    return [(through_wrapper_jvp, jvp), (through_wrapper_hvp, hvp),
            (through_wrapper_grad, grad)]


@pytest.mark.parametrize("f, ref", _wrapped_refs())
def test_an_inner_derivative_of_a_forwarding_wrapper_takes_its_keyword_only_parameters(f, ref):
    x, w = np.array([0.3, -0.7]), np.array([1.2, 0.4])
    assert f(x, w) == pytest.approx(ref(x, w), rel=1e-10)
    np.testing.assert_allclose(s2sad.grad(f)(x, w), _fd(lambda x: ref(x, w), x),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(s2sad.grad(f, wrt=1)(x, w), _fd(lambda w: ref(x, w), w),
                               rtol=1e-6, atol=1e-9)


# a derivative of a module-level partial holding arrays by keyword

def quad(x, A, b):
    return 0.5 * x @ A @ x - b @ x + np.sum(np.sin(x))


A0 = np.array([[2.0, 0.3], [0.3, 1.0]])
B0 = np.array([1.0, -1.0])
Pq = functools.partial(quad, A=A0, b=B0)
GRAD_PQ = s2sad.grad(Pq)


def _quad_grad(x, A=A0, b=B0):
    return 0.5 * (A + A.T) @ x - b + np.cos(x)


def grad_of_partial(x, w):
    return np.sum(s2sad.grad(Pq)(x * w) ** 2)


def grad_of_partial_named(x, w):
    return np.sum(GRAD_PQ(x * w) ** 2)


def jvp_of_partial(x, w):
    return s2sad.jvp(Pq)(x, w)[1] ** 2


def partial_called(x, w):
    return Pq(x * w)


def _refs_of_partial():
    g = lambda x, w: np.sum(_quad_grad(x * w) ** 2)   # noqa: E731
    return [(grad_of_partial, g), (grad_of_partial_named, g),
            (jvp_of_partial, lambda x, w: np.sum(_quad_grad(x) * w) ** 2),
            (partial_called, lambda x, w: quad(x * w, A0, B0))]


@pytest.mark.parametrize("f, ref", _refs_of_partial())
def test_derivatives_of_a_partial_called_inside_read_its_keywords(f, ref):
    x, w, v = np.array([0.3, -0.7]), np.array([1.2, 0.4]), np.array([1.0, -0.5])
    assert f(x, w) == pytest.approx(ref(x, w), rel=1e-10)
    expected = _fd(lambda x: ref(x, w), x)
    np.testing.assert_allclose(s2sad.grad(f)(x, w), expected, rtol=1e-6, atol=1e-8)
    hessian = np.array([_fd(lambda x: _fd(lambda y: ref(y, w), x, 1e-4)[i], x, 1e-4)
                        for i in range(2)])
    np.testing.assert_allclose(s2sad.hvp(f)(x, w, v), hessian @ v, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(s2sad.hessian(f)(x, w), hessian, rtol=1e-4, atol=1e-6)


def test_the_partials_keywords_are_read_where_the_call_runs():
    x, w, v = np.array([0.3, -0.7]), np.array([1.2, 0.4]), np.array([1.0, -0.5])
    hvp = s2sad.hvp(grad_of_partial)
    first = hvp(x, w, v)
    Pq.keywords["b"] = B0 * 3.0   # the partial's own dict: the next call reads it
    try:
        ref = lambda x: np.sum(_quad_grad(x * w, A0, B0 * 3.0) ** 2)   # noqa: E731
        by_differences = (_fd(ref, x + 1e-4 * v) - _fd(ref, x - 1e-4 * v)) / 2e-4
        np.testing.assert_allclose(hvp(x, w, v), by_differences, rtol=1e-4, atol=1e-6)
        assert not np.allclose(hvp(x, w, v), first)
    finally:
        Pq.keywords["b"] = B0


def quad_defaults(x, A=A0, b=B0):
    return quad(x, A, b)


def grad_of_positional_array_defaults(x, w):
    return np.sum(s2sad.grad(quad_defaults)(x * w) ** 2)


def test_an_inner_derivative_reads_positional_array_defaults_where_it_runs():
    x, w, v = np.array([0.3, -0.7]), np.array([1.2, 0.4]), np.array([1.0, -0.5])
    ref = lambda x: np.sum(_quad_grad(x * w) ** 2)   # noqa: E731
    by_differences = (_fd(ref, x + 1e-4 * v) - _fd(ref, x - 1e-4 * v)) / 2e-4
    np.testing.assert_allclose(s2sad.hvp(grad_of_positional_array_defaults)(x, w, v),
                               by_differences, rtol=1e-4, atol=1e-6)


@_scaled
def wrapped_array(x, *, c=B0):
    return np.sum(np.sin(x) * c)


def jvp_wrapped_array_left_out(x, w):
    return s2sad.jvp(wrapped_array)(x, w)[1] ** 2


def jvp_wrapped_array_given(x, w):
    return s2sad.jvp(wrapped_array)(x, w, c=B0)[1] ** 2


def test_a_default_s2sad_cannot_read_is_refused_with_a_hint_that_works():
    x, w = np.array([0.3, -0.7]), np.array([1.2, 0.4])
    with pytest.raises(UnsupportedSyntaxError) as caught:
        s2sad.grad(jvp_wrapped_array_left_out)(x, w)
    assert "it leaves out c, whose default is not a number" in str(caught.value)
    assert "give c=... by name in the call" in caught.value.hint
    ref = lambda x: (0.25 * np.sum(np.cos(x) * B0 * w)) ** 2   # noqa: E731
    np.testing.assert_allclose(s2sad.grad(jvp_wrapped_array_given)(x, w), _fd(ref, x),
                               rtol=1e-6, atol=1e-9)


def h_np_default(a, b, *, c=np.float64(0.5)):
    return np.sum(np.sin(a * b)) * c


def hvp_of_h_left_out(x):
    g = s2sad.hvp(h_np_default)(x, 2.0, x)   # (its generated code has a local h_np_default)
    return np.sum(g * x) + s2sad.grad(h_np_default)(x, 1.5)[0]


def _hvp_of_h_ref(x):
    g = -0.5 * 4.0 * np.sin(2.0 * x) * x
    return np.sum(g * x) + 0.5 * 1.5 * np.cos(1.5 * x[0])


def test_a_default_read_through_the_functions_name_is_not_captured_by_an_inlined_local():
    """The default is read as h_np_default.__kwdefaults__['c']; the hvp's code put in
    place of the call names its result after the function: it takes another name (the
    third-order code read the local and refused '.__kwdefaults__')."""
    x, v = np.array([0.5, 0.1, -0.3]), np.array([1.0, -0.5, 0.2])
    assert hvp_of_h_left_out(x) == pytest.approx(_hvp_of_h_ref(x), rel=1e-12)
    grad = lambda x: _fd(_hvp_of_h_ref, x)   # noqa: E731
    np.testing.assert_allclose(s2sad.grad(hvp_of_h_left_out)(x), grad(x), rtol=1e-6, atol=1e-8)
    by_differences = (grad(x + 1e-4 * v) - grad(x - 1e-4 * v)) / 2e-4
    np.testing.assert_allclose(s2sad.hvp(hvp_of_h_left_out)(x, v), by_differences,
                               rtol=1e-4, atol=1e-6)


LAMBDA_WITH_ARRAY = lambda a, c=B0: np.sum(np.sin(a) * c)   # noqa: E731


def grad_of_lambda(x):
    return np.sum(s2sad.grad(LAMBDA_WITH_ARRAY)(x) ** 2)


def test_an_inner_derivative_of_a_lambda_reads_its_array_default():
    x, v = np.array([0.3, -0.4]), np.array([1.0, 0.5])
    ref = lambda x: np.sum((np.cos(x) * B0) ** 2)   # noqa: E731
    np.testing.assert_allclose(s2sad.grad(grad_of_lambda)(x), _fd(ref, x), rtol=1e-6, atol=1e-9)
    by_differences = (_fd(ref, x + 1e-4 * v) - _fd(ref, x - 1e-4 * v)) / 2e-4
    np.testing.assert_allclose(s2sad.hvp(grad_of_lambda)(x, v), by_differences,
                               rtol=1e-4, atol=1e-6)


def scaled_sines(s, x, A=B0):
    return s * np.sum(np.sin(x) * A)


HOLDS_A_POSITION = functools.partial(scaled_sines, 2.0)


def partial_leaving_its_functions_default(x):
    return HOLDS_A_POSITION(x) * np.sum(x)


def grad_of_partial_leaving_its_functions_default(x):
    return np.sum(s2sad.grad(HOLDS_A_POSITION)(x) ** 2)


@pytest.mark.parametrize("f, ref", [
    (partial_leaving_its_functions_default,
     lambda x: 2.0 * np.sum(np.sin(x) * B0) * np.sum(x)),
    (grad_of_partial_leaving_its_functions_default,
     lambda x: np.sum((2.0 * np.cos(x) * B0) ** 2)),
])
def test_a_partial_leaving_its_functions_array_default_reads_it_where_it_runs(f, ref):
    """``P.func.__defaults__[0]``: Python's call of the partial reads the function's own
    default (``P.__defaults__ does not exist`` was said; under a derivative made inside,
    "the attribute '.__defaults__' is not supported")."""
    x, v = np.array([0.3, -0.4]), np.array([1.0, 0.5])
    np.testing.assert_allclose(s2sad.grad(f)(x), _fd(ref, x), rtol=1e-6, atol=1e-9)
    by_differences = (_fd(ref, x + 1e-4 * v) - _fd(ref, x - 1e-4 * v)) / 2e-4
    np.testing.assert_allclose(s2sad.hvp(f)(x, v), by_differences, rtol=1e-4, atol=1e-6)


def kwonly_jvp_not_differentiated(W0, W1):
    t = s2sad.jvp(inner_req)(W1, X, W1, lam=0.5)[1]   # (no derivative goes through it)
    return np.sum(W0 ** 2) * t


def test_an_inner_jvp_no_derivative_goes_through_runs_as_the_api_takes_it():
    """Its call stays in the generated code as written: keyword-only parameters by name
    (fuzz seed 138: it ran with them by position, as the jvp's generated code takes them,
    and the API raised TypeError)."""
    W1, v = W * 0.5, np.ones_like(W)
    t = _jvp_required_ref(W1, X)
    np.testing.assert_allclose(s2sad.grad(kwonly_jvp_not_differentiated)(W, W1), 2.0 * W * t,
                               rtol=1e-10)
    assert s2sad.jvp(kwonly_jvp_not_differentiated)(W, W1, v)[1] == pytest.approx(
        np.sum(2.0 * W * t * v), rel=1e-10)
    np.testing.assert_allclose(s2sad.hvp(kwonly_jvp_not_differentiated)(W, W1, v),
                               2.0 * t * v, rtol=1e-10)


def _tanh_scaled(fn):
    @functools.wraps(fn)
    def wrapper(x, *args, scale=0.75, **kwargs):
        return np.tanh(fn(x, *args, **kwargs)) * scale
    return wrapper


@_tanh_scaled
def wrapped_calling_a_jvp(x):
    return np.sum(s2sad.jvp(h_np_default)(x[1], x, np.tanh(np.sum(x)))[1])


def _wrapped_calling_a_jvp_ref(x):
    inner = np.sum(np.cos(x[1] * x) * x) * 0.5 * np.tanh(np.sum(x))
    return np.tanh(inner) * 0.75


def test_a_default_read_in_a_function_a_wrapper_calls_keeps_its_name_too():
    """The body of f under functools.wraps is put in place of the wrapper's call: the
    name its default read goes through is kept from inlined locals there too (fuzz seed
    781: hvp refused '.__kwdefaults__')."""
    x, v = np.array([0.3, -0.4, 0.2]), np.array([1.0, 0.5, -0.2])
    grad = lambda x: _fd(_wrapped_calling_a_jvp_ref, x)   # noqa: E731
    np.testing.assert_allclose(s2sad.grad(wrapped_calling_a_jvp)(x), grad(x),
                               rtol=1e-6, atol=1e-9)
    by_differences = (grad(x + 1e-4 * v) - grad(x - 1e-4 * v)) / 2e-4
    np.testing.assert_allclose(s2sad.hvp(wrapped_calling_a_jvp)(x, v), by_differences,
                               rtol=1e-4, atol=1e-6)
