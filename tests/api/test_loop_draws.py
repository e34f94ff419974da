"""A value a loop makes anew on each trip without derivative (a draw of a Generator,
RandomState or random.Random, a call of a function declared ``s2sad.nondifferentiable``,
``next(it)``) is the reverse sweep's to read trip by trip.  Before, the reverse sweep took
such a call for a loop invariant (it has a rule, so it looked pure) and read the last
trip's value for every trip: the gradient of ``sum_i w[i] * draw_i`` was the last draw
repeated (review24 r9: [0.418, 0.418, 0.418] for the draws [2.041, -2.556, 0.418]).

References: central differences of the function, each evaluation given a generator made
with the same seed (or the module's generator and counter put back), so every evaluation
draws the same numbers."""

import itertools

import numpy as np
import pytest

import s2sad
from s2sad.cli.main import main as cli_main
from s2sad.errors import UnsupportedSyntaxError

import loop_draws as m

W = np.array([0.3, -0.7, 1.2])
P = {"a": np.array([0.3, 0.4]), "b": np.array([1.0, -1.0])}
XP = np.array([1.0, 2.0])


def _reset():
    m.GEN.bit_generator.state = np.random.default_rng(0).bit_generator.state
    m.COUNTER = itertools.count(1)
    np.random.seed(11)


#: name -> (the point, the other arguments made anew for each evaluation)
CASES = {
    "for_generator": (W, lambda: (np.random.default_rng(3),)),
    "for_made_generator": (W, lambda: (5,)),
    "for_python_random": (W, lambda: (3,)),
    "for_vector_draws": (W, lambda: (np.random.default_rng(3),)),
    "while_loop": (W, lambda: (np.random.default_rng(4),)),
    "comprehension": (W, lambda: (np.random.default_rng(6),)),
    "nested_loops": (W, lambda: (np.random.default_rng(7),)),
    "dict_keys": (P, lambda: (XP, np.random.default_rng(5))),
    "drawn_by_helper": (W, lambda: ()),
    "drawn_by_numpy_helper": (W, lambda: ()),
    "counted_by_helper": (W, lambda: ()),
    "given_iterator": (W, lambda: (iter([1.0, 2.0, 3.0]),)),
}


def _call(name, point):
    _reset()
    return getattr(m, name)(point, *CASES[name][1]())


def _shift(point, k, h):
    """``point`` with its ``k``-th number (over a dict's values in order) moved by ``h``."""
    if isinstance(point, dict):
        out, seen = {}, 0
        for key, value in point.items():
            value = value.copy()
            if seen <= k < seen + value.size:
                value.flat[k - seen] += h
            seen += value.size
            out[key] = value
        return out
    out = point.copy()
    out.flat[k] += h
    return out


def _size(point):
    return sum(v.size for v in point.values()) if isinstance(point, dict) else point.size


def _flat(grad):
    return np.concatenate([np.ravel(v) for v in grad.values()]) if isinstance(grad, dict) \
        else np.ravel(grad)


def fd_gradient(name, eps=1e-6):
    point = CASES[name][0]
    return np.array([(_call(name, _shift(point, k, eps)) - _call(name, _shift(point, k, -eps)))
                     / (2 * eps) for k in range(_size(point))])


def fd_hessian(name, h=1e-4):
    point = CASES[name][0]
    n = _size(point)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(a, b):
                return _call(name, _shift(_shift(point, i, a), j, b))
            out[i, j] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    return out


def _draw_distinct(name):
    """The reference is not the last draw repeated (the old wrong answer)."""
    ref = fd_gradient(name)
    assert np.ptp(ref) > 1e-3
    return ref


@pytest.mark.parametrize("name", sorted(CASES))
def test_grad_reads_each_trips_value(name):
    ref = _draw_distinct(name)
    _reset()
    g = s2sad.grad(getattr(m, name))(CASES[name][0], *CASES[name][1]())
    np.testing.assert_allclose(_flat(g), ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_vjp_reads_each_trips_value(name):
    ref = fd_gradient(name)
    _reset()
    value, pullback = s2sad.vjp(getattr(m, name))(CASES[name][0], *CASES[name][1]())
    np.testing.assert_allclose(value, _call(name, CASES[name][0]), rtol=1e-12)
    np.testing.assert_allclose(_flat(pullback(2.0)), 2.0 * ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", ["for_made_generator", "for_python_random",
                                  "for_vector_draws", "while_loop", "comprehension",
                                  "nested_loops", "drawn_by_helper"])
def test_hessian_is_that_of_one_call(name):
    ref = fd_hessian(name)
    _reset()
    h = s2sad.hessian(getattr(m, name))(CASES[name][0], *CASES[name][1]())
    np.testing.assert_allclose(h, ref, rtol=1e-5, atol=1e-5)
    assert np.abs(ref).max() > 0.1


def test_hessian_of_a_count_it_cannot_put_back_is_refused_located():
    _reset()
    with pytest.raises(UnsupportedSyntaxError) as info:
        s2sad.hessian(m.counted_by_helper)(W)
    assert "next(COUNTER)" in str(info.value) and "loop_draws.py" in str(info.value)


@pytest.mark.parametrize("name", ["for_generator", "for_python_random", "while_loop",
                                  "comprehension", "nested_loops", "dict_keys",
                                  "drawn_by_helper", "counted_by_helper"])
@pytest.mark.parametrize("flavor", ["value_and_grad", "vjp"])
def test_written_module_pushes_each_draw(tmp_path, monkeypatch, name, flavor):
    ref = fd_gradient(name)
    out = tmp_path / f"ld_{name}_{flavor}.py"
    source = m.__file__
    assert cli_main(["grad", f"{source}:{name}", "--flavor", flavor, "-o", str(out)]) == 0
    namespace = {}
    exec(compile(out.read_text(), str(out), "exec"), namespace)
    _reset()
    args = (CASES[name][0],) + CASES[name][1]()
    if flavor == "vjp":
        value, pullback = namespace[f"{name}_vjp"](*args)
        grad = pullback(1.0)
    else:
        value, grad = namespace[f"{name}_value_and_grad"](*args)
    np.testing.assert_allclose(value, _call(name, CASES[name][0]), rtol=1e-12)
    np.testing.assert_allclose(_flat(grad), ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("items", [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]])
def test_next_of_an_iterator_given_is_refused_located_where_the_code_runs_twice(items):
    """review24 r11: hessian raised a bare StopIteration (a short iterator) or
    DifferentRunsError (a long one); the README promises the located refusal of
    ``next(it)`` of an iterator the function does not make itself."""
    for transform in (s2sad.hessian, lambda f: s2sad.jacobian(s2sad.grad(f), mode="forward")):
        with pytest.raises(UnsupportedSyntaxError) as info:
            transform(m.given_iterator)(W, iter(items))
        text = str(info.value)
        assert "next(it)" in text and "loop_draws.py" in text and "mode='reverse'" in text
    # what the hint offers runs the code once: the Hessian of one call
    h = s2sad.jacobian(s2sad.grad(m.given_iterator), mode="reverse")(W, iter(items))
    np.testing.assert_allclose(h, fd_hessian("given_iterator"), rtol=1e-5, atol=1e-5)


def test_next_of_an_iterator_the_function_makes_is_no_refusal():
    """A helper's ``next(it)`` of an iterator ``f`` makes anew each run: each run of the
    Hessian's code draws the same items."""
    h = s2sad.hessian(m.made_iterator)(W)
    np.testing.assert_allclose(h, np.diag([2.0, 4.0, 6.0]), rtol=1e-12)


def test_which_calls_may_give_another_value_for_the_same_arguments():
    """``registry.fresh``: what the reverse sweep never takes for a loop invariant."""
    import builtins
    import math
    import random

    from s2sad.rules import loading, registry
    from s2sad.runtime import random_draw
    loading.load_builtin_rules()
    for same in (np.sin, np.add.reduce, np.zeros, len, math.exp, str.format, np.int64):
        assert not registry.fresh(same), same
    for other in (random_draw, builtins.next, np.random.normal, np.random.default_rng(0).normal,
                  random.random, random.Random(0).gauss, m.noise, m.counted, m.take):
        assert registry.fresh(other), other
