"""A function that draws random numbers: every transform gives the derivative of ONE
call of it.  A Hessian or a forward-mode Jacobian runs the code once per column; before
this each column came from another draw (stranger23: diag [3.528, 3.735, -0.206] for
2 e = [3.528, 0.800, 1.957]).  s2sad now puts numpy's, random's and the function's
generators back before each later run; a state it cannot put back is refused, located.
References are written by hand: f = sum(x**2 * e) has gradient 2 x e and Hessian
diag(2 e), e the draw of one call."""

import random
import warnings

import numpy as np
import pytest

import s2sad
from s2sad.errors import UnsupportedSyntaxError

import random_draws as m

X = np.array([1.0, 2.0, 3.0])


def one_draw(draw):
    """The draw of one call (numpy's global state seeded with 0 first)."""
    np.random.seed(0)
    return draw()


def test_hessian_of_global_draws_is_that_of_one_call():
    e = one_draw(lambda: np.random.normal(size=3))
    after = np.random.normal()
    np.random.seed(0)
    h = s2sad.hessian(m.global_normal)(X)
    np.testing.assert_allclose(h, np.diag(2 * e), rtol=1e-12)
    assert np.random.normal() == after   # (the state as one call of f leaves it)


def test_forward_jacobian_and_composed_derivatives_draw_once():
    e = one_draw(lambda: np.random.normal(size=(2, 3)))
    expected = np.concatenate([np.diag(2 * X * e[0]), np.diag(2 * X * e[1])])
    for mode in ("forward", "auto", "reverse"):
        np.random.seed(0)
        np.testing.assert_allclose(
            s2sad.jacobian(m.global_normal_vector, mode=mode)(X), expected, rtol=1e-12)
    e = one_draw(lambda: np.random.normal(size=3))
    for mode in ("forward", "reverse"):
        np.random.seed(0)
        np.testing.assert_allclose(
            s2sad.jacobian(s2sad.grad(m.global_normal), mode=mode)(X), np.diag(2 * e),
            rtol=1e-12)


@pytest.mark.parametrize("name, get, put, draw", [
    ("module_generator", lambda: m.RNG.bit_generator.state,
     lambda s: setattr(m.RNG.bit_generator, "state", s), lambda: m.RNG.standard_normal(3)),
    ("legacy_state", m.LEGACY.get_state, m.LEGACY.set_state,
     lambda: m.LEGACY.uniform(-1.0, 1.0, size=3)),
    ("through_helper", np.random.get_state, np.random.set_state,
     lambda: np.random.standard_normal(3)),
])
def test_generators_the_function_reads_are_put_back(name, get, put, draw):
    saved = get()
    e, after = draw(), draw()
    put(saved)
    h = s2sad.hessian(getattr(m, name))(X)
    np.testing.assert_allclose(h, np.diag(2 * e), rtol=1e-12)
    np.testing.assert_allclose(draw(), after, rtol=0)   # (left as one call leaves it)


def test_python_random_module_and_instance():
    random.seed(1)
    z = random.gauss(0.0, 1.0)
    random.seed(1)
    np.testing.assert_allclose(s2sad.hessian(m.python_gauss)(X), 2 * z * np.eye(3),
                               rtol=1e-12)
    saved = m.PY_RNG.getstate()
    u = m.PY_RNG.random()
    m.PY_RNG.setstate(saved)
    np.testing.assert_allclose(s2sad.hessian(m.python_instance)(X), 2 * u * np.eye(3),
                               rtol=1e-12)


def test_closure_and_default_generators():
    f = m.closure_generator(np.random.default_rng(1))
    e = np.random.default_rng(1).standard_normal(3)
    np.testing.assert_allclose(s2sad.hessian(f)(X), np.diag(2 * e), rtol=1e-12)


def test_a_draw_s2sad_cannot_put_back_is_refused_located():
    with pytest.raises(UnsupportedSyntaxError, match=r"next\(COUNTER\)") as info:
        s2sad.hessian(m.next_of_counter)(X)
    assert "random_draws.py:" in str(info.value) and "jacobian(s2sad.grad" in str(info.value)
    with pytest.raises(UnsupportedSyntaxError, match=r"next\(COUNTER\)"):
        s2sad.jacobian(s2sad.grad(m.next_of_counter), mode="forward")(X)


def test_what_the_refusal_offers_works():
    c = next(m.COUNTER)   # (the counter's next value is c + 1)
    h = s2sad.jacobian(s2sad.grad(m.next_of_counter), mode="reverse")(X)
    np.testing.assert_allclose(h, 2 * (2.0 + c) * np.eye(3), rtol=1e-12)
    c = next(m.COUNTER)
    hv = s2sad.hvp(m.next_of_counter)(X, np.ones(3))
    np.testing.assert_allclose(hv, 2 * (2.0 + c) * np.ones(3), rtol=1e-12)


def test_one_run_or_state_of_its_own_is_not_refused():
    c = next(m.COUNTER)
    np.testing.assert_allclose(s2sad.hessian(m.next_of_counter)(np.array([3.0])),
                               [[2 * (2.0 + c)]], rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(m.own_iterator)(X), 4.0 * np.eye(3))
    np.testing.assert_allclose(s2sad.hessian(m.pure_method)(X), 4.0 * np.eye(3))


def test_numba_backend_runs_numpy_code_for_draws():
    pytest.importorskip("numba", reason="numba is optional")
    e = one_draw(lambda: np.random.normal(size=3))
    np.random.seed(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = s2sad.hessian(m.scalar_draws_in_a_loop, backend="numba")(X)
    np.testing.assert_allclose(h, np.diag(2 * e), rtol=1e-12)
    assert any("random draw" in str(w.message) for w in caught)
    np.random.seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = s2sad.grad(m.scalar_draws_in_a_loop, backend="numba")(X)
    np.testing.assert_allclose(g, 2 * X * e, rtol=1e-12)


def test_draw_functions_imported_by_name():
    np.random.seed(4)
    random.seed(4)
    e, z = np.random.normal(size=3), random.gauss(1.0, 0.1)
    np.random.seed(4)
    random.seed(4)
    np.testing.assert_allclose(s2sad.hessian(m.imported_by_name)(X), np.diag(2 * e * z),
                               rtol=1e-12)
