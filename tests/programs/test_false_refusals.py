"""Three false refusals (regression tests): each program is differentiated in every mode
and compared with central finite differences; what stays refused is refused with the
user's names at the user's line."""

import numpy as np
import pytest

import false_refusals as fr
import s2sad
from s2sad.errors import UnsupportedSyntaxError
from s2sad.testing import check_grads, finite_difference_gradient

X = np.array([0.5, 2.0, -1.0])
W = np.array([0.25, -1.5, 2.0])
RNG = np.random.default_rng(2026)


def _line(f, text):
    """The file line of the first line of ``f`` holding ``text``."""
    import inspect
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _jacobian_fd(f, args, argnum):
    """The Jacobian of ``f`` with respect to ``args[argnum]`` by central differences,
    shaped (output shape + argument shape)."""
    out = np.asarray(f(*args))
    x = np.asarray(args[argnum], dtype=float)
    columns = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = 1e-6
        up = list(args)
        down = list(args)
        up[argnum] = (x.ravel() + step).reshape(x.shape) if x.ndim else float(x + step[0])
        down[argnum] = (x.ravel() - step).reshape(x.shape) if x.ndim else float(x - step[0])
        columns.append((np.asarray(f(*up)) - np.asarray(f(*down))) / 2e-6)
    return np.stack(columns, axis=-1).reshape(out.shape + x.shape)


# ------------------------------------------------ 1. a writing helper, one name, twice
@pytest.mark.parametrize("f", [fr.addrow_twice, fr.addrow_in_a_loop,
                               fr.addrow_to_another_name])
def test_a_writing_helpers_result_rebound_is_differentiated(f):
    check_grads(f, (1.5, W.copy()), modes=("reverse", "forward"))
    jx, jw = s2sad.jacobian(f, wrt=(0, 1))(1.5, W.copy())
    np.testing.assert_allclose(jx, _jacobian_fd(f, (1.5, W.copy()), 0), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(jw, _jacobian_fd(f, (1.5, W.copy()), 1), rtol=1e-6, atol=1e-6)


def test_addrow_twice_vjp_by_hand():
    # Z = x + w in rows 0 and 1, x in row 2: the pullback of u is (sum(u), u[0] + u[1])
    value, pullback = s2sad.vjp(fr.addrow_twice, wrt=(0, 1))(1.5, W.copy())
    np.testing.assert_allclose(value, [1.5 + W, 1.5 + W, np.full(3, 1.5)])
    u = RNG.normal(size=(3, 3))
    x_bar, w_bar = pullback(u)
    np.testing.assert_allclose(x_bar, np.sum(u))
    np.testing.assert_allclose(w_bar, u[0] + u[1])
    x_bar_again, _ = pullback(u)   # a pullback runs many times
    np.testing.assert_allclose(x_bar_again, np.sum(u))


def test_addrow_twice_second_order():
    f = fr.addrow_twice_scalar
    w = W.copy()
    grad = s2sad.grad(f, wrt=1)
    np.testing.assert_allclose(grad(0.3, w), finite_difference_gradient(f, (0.3, w), 1),
                               rtol=1e-6, atol=1e-7)
    v = RNG.normal(size=3)
    eps = 1e-5
    by_fd = (finite_difference_gradient(f, (0.3, w + eps * v), 1)
             - finite_difference_gradient(f, (0.3, w - eps * v), 1)) / (2 * eps)
    np.testing.assert_allclose(s2sad.hvp(f, wrt=1)(0.3, w, v), by_fd, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("f, args, line, mine, theirs", [
    (fr.view_written_twice, (1.5,), "V[1] = x * 2.0", "V", "Z"),
    (fr.branch_written_twice, (1.5, True), "Z[0] = x * 2.0", "Z", "Y")])
def test_two_written_names_sharing_memory_refused_with_the_users_names(
        f, args, line, mine, theirs):
    with pytest.raises(UnsupportedSyntaxError, match="a pullback cannot restore both") as info:
        s2sad.vjp(f, wrt=0)(*args)
    message = str(info.value)
    assert f"writing into {mine!r} may change {theirs!r}" in message
    assert "_1" not in message   # (no SSA name)
    assert info.value.location.line == _line(f, line)
    assert info.value.location.column == 5


# ------------------------------------------------ 2. a dict a helper makes, written
@pytest.mark.parametrize("f", [fr.dict_made_written_by_key,
                               fr.dict_made_written_by_key_summed,
                               fr.dict_holding_its_argument_written,
                               fr.dict_comprehension_written, fr.dicts_made_twice,
                               fr.list_made_written_by_index])
@pytest.mark.parametrize("x", [1.5, X], ids=["number", "array"])
def test_a_container_a_helper_makes_is_written_by_key(f, x):
    check_grads(f, (x.copy() if isinstance(x, np.ndarray) else x,),
                modes=("reverse", "forward"))


def test_dict_made_written_by_key_by_hand():
    # {"a": 6 x, "b": 3 (x + 1)}: the pullback of {"a": u, "b": v} is 6 u + 3 v
    value, pullback = s2sad.vjp(fr.dict_made_written_by_key)(1.5)
    assert value == {"a": pytest.approx(9.0), "b": pytest.approx(7.5)}
    assert pullback({"a": 2.0, "b": -1.0}) == pytest.approx(9.0)
    jac = s2sad.jacobian(fr.dict_made_written_by_key)(X.copy())
    np.testing.assert_allclose(jac["a"], 6.0 * np.eye(3))
    np.testing.assert_allclose(jac["b"], 3.0 * np.eye(3))


def test_a_dict_a_helper_passes_through_stays_refused():
    # identity returns its argument: the write would change e, read later
    for run in (lambda: s2sad.grad(fr.dict_passed_through_written)(1.5),
                lambda: s2sad.jvp(fr.dict_passed_through_written)(1.5, 1.0)):
        with pytest.raises(UnsupportedSyntaxError, match="would also change 'e'") as info:
            run()
        assert info.value.location.line == _line(fr.dict_passed_through_written,
                                                 "d[k] = d[k] * 3.0")


# ------------------------------------------------ 3. out=None spelled out
@pytest.mark.parametrize("f", [fr.clip_out_none, fr.clip_out_none_by_position,
                               fr.ufunc_out_none, fr.ufunc_out_none_by_position,
                               fr.reduction_out_none, fr.method_out_none,
                               fr.take_out_none_then_mode, fr.dot_out_none])
def test_out_none_writes_nothing(f):
    check_grads(f, (X.copy(),), modes=("reverse", "forward"))


def test_out_none_second_order():
    f = fr.ufunc_out_none
    x = X.copy()
    # f = sum((x + x^2) e^x): f'' = e^x (x + x^2 + 2 (1 + 2 x) + 2) on the diagonal
    diagonal = np.exp(x) * (x + x * x + 2.0 * (1.0 + 2.0 * x) + 2.0)
    np.testing.assert_allclose(s2sad.hessian(f)(x), np.diag(diagonal), rtol=1e-10)
    v = RNG.normal(size=3)
    np.testing.assert_allclose(s2sad.hvp(f)(x, v), diagonal * v, rtol=1e-10)


def test_clip_out_none_by_hand():
    # sum(clip(x, 0, 1) * x): 2 x inside (0, 1), 1 above, 0 below
    np.testing.assert_allclose(s2sad.grad(fr.clip_out_none_by_position)(X.copy()),
                               [1.0, 1.0, 0.0])


@pytest.mark.parametrize("f, text", [(fr.clip_into_an_array, "z = np.clip"),
                                     (fr.exp_into_an_array, "np.exp(x, o)"),
                                     (fr.clip_out_a_name_holding_none, "z = np.clip")])
def test_out_other_than_a_literal_none_stays_refused(f, text):
    for run in (lambda: s2sad.grad(f)(X.copy()),
                lambda: s2sad.jvp(f)(X.copy(), X.copy())):
        with pytest.raises(UnsupportedSyntaxError, match="out=") as info:
            run()
        assert info.value.location.line == _line(f, text)
