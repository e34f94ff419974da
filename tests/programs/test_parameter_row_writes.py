"""A write into the rows a loop over a parameter gives (``for row in X: row[0] = ...``,
a stranger's report): refused as a write into the caller's array, though ``X[i, 0] =
...`` on the same parameter works.  Python's write changes the caller's ``X``; s2sad
treats it as any write into a parameter: the argument is copied once at the start, and
the loop runs over the copy.  References are derivatives written by hand and central
finite differences."""

import warnings

import numpy as np
import pytest

import s2sad
from s2sad import cli
from s2sad.errors import NumbaFallbackWarning, SharedWriteError
from s2sad.testing import check_grads

SOURCE = """
    import numpy as np

    def clamp_rows(X, w):
        s = 0.0
        for row in X:
            row[0] = row[1] * w
            s = s + np.sum(row ** 2)
        return s

    def clamp_enumerated(X, w):
        s = 0.0
        for i, row in enumerate(X):
            row[0] = row[1] * w + i
            s = s + np.sum(np.sin(row))
        return s

    def clamp_listed(xs, w):
        s = 0.0
        for row in xs:
            row[0] = row[1] * w
            s = s + np.sum(row ** 2)
        return s

    def clamp_then_read(X, w):
        for row in X:
            row[0] = row[1] * w
        return np.sum(X ** 2)
    """

X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
W = 0.7


def _w_by_hand(X, w):
    """clamp_rows = sum over rows of (w x1)^2 + x1^2: d/dw = 2 w sum(x1^2)."""
    return 2 * w * np.sum(X[:, 1] ** 2)


def _x_by_hand(X, w):
    g = np.zeros_like(X)
    g[:, 1] = 2 * (w * w + 1) * X[:, 1]
    return g


def test_every_transform_in_w_and_x_and_the_callers_array_stays(load):
    f = load("param_rows", SOURCE).clamp_rows
    given = X.copy()
    assert np.isclose(s2sad.grad(f, wrt=1)(given, W), _w_by_hand(X, W))
    gx, gw = s2sad.grad(f, wrt=(0, 1))(given, W)
    np.testing.assert_allclose(gx, _x_by_hand(X, W))
    assert np.isclose(gw, _w_by_hand(X, W))
    value, pullback = s2sad.vjp(f, wrt=1)(given, W)
    assert np.isclose(value, f(X.copy(), W)) and np.isclose(pullback(1.0), _w_by_hand(X, W))
    value, tangent = s2sad.jvp(f, wrt=1)(given, W, 1.0)
    assert np.isclose(tangent, _w_by_hand(X, W))
    np.testing.assert_allclose(s2sad.jacobian(f)(given, W), _x_by_hand(X, W))
    np.testing.assert_array_equal(given, X)   # the derivatives wrote into their copy
    check_grads(f, (X, W), wrt=(0, 1), modes=("reverse", "forward"))


def test_enumerate_gives_the_rows_too(load):
    f = load("param_rows_enumerated", SOURCE).clamp_enumerated
    check_grads(f, (X, W), wrt=(0, 1), modes=("reverse", "forward"))
    # d/dw of sum_i sin(w x_i1 + i): sum_i x_i1 cos(w x_i1 + i)
    by_hand = np.sum(X[:, 1] * np.cos(W * X[:, 1] + np.arange(3)))
    assert np.isclose(s2sad.grad(f, wrt=1)(X.copy(), W), by_hand)


def test_second_order_is_refused_with_what_to_write(load):
    f = load("param_rows_second", SOURCE).clamp_rows
    for call in (lambda: s2sad.hessian(f, wrt=1)(X.copy(), W),
                 lambda: s2sad.hvp(f, wrt=1)(X.copy(), W, 1.0)):
        with pytest.raises(s2sad.UnsupportedSyntaxError) as info:
            call()
        assert "writes into 'row'" in str(info.value)
        assert "param_rows_second.py:" in str(info.value) and "hint: " in str(info.value)


def test_a_list_argument_is_still_refused_its_rows_are_the_callers(load):
    f = load("param_rows_listed", SOURCE).clamp_listed
    with pytest.raises(SharedWriteError, match=r"caller's array 'xs'[\s\S]*hint: "):
        s2sad.grad(f, wrt=1)([X[0].copy(), X[1].copy()], W)


def test_a_read_after_the_loop_is_refused_with_a_hint(load):
    f = load("param_rows_read", SOURCE).clamp_then_read
    with pytest.raises(s2sad.UnsupportedSyntaxError, match=r"read later[\s\S]*hint: "):
        s2sad.grad(f, wrt=1)(X.copy(), W)


@pytest.mark.parametrize("mode, flavor", [([], "value_and_grad"),
                                          (["--mode", "forward"], "jvp")])
def test_the_cli_module(load, monkeypatch, mode, flavor):
    load("param_rows_cli", SOURCE)
    monkeypatch.chdir(load.path)
    assert cli.main(["grad", "param_rows_cli.py:clamp_rows", "--wrt", "w", *mode,
                     "-o", "out.py"]) == 0
    namespace = {}
    exec(compile((load.path / "out.py").read_text(), "out.py", "exec"), namespace)
    made = namespace[f"clamp_rows_{flavor}"]
    given = X.copy()
    _, derivative = made(given, W, 1.0) if flavor == "jvp" else made(given, W)
    assert np.isclose(derivative, _w_by_hand(X, W))
    np.testing.assert_array_equal(given, X)


def test_the_numba_backend(load):
    pytest.importorskip("numba")
    f = load("param_rows_numba", SOURCE).clamp_rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NumbaFallbackWarning)
        assert np.isclose(s2sad.grad(f, wrt=1, backend="numba")(X.copy(), W),
                          _w_by_hand(X, W))
