"""A numpy Generator, RandomState or random.Random passed as an argument or made in the
function (``rng = np.random.default_rng(seed)``) draws as Python draws (stranger23:
``rng.standard_normal(...)`` was refused as an unknown array method).  References:
gradients written by hand and central finite differences in float64."""

import random

import numpy as np
import pytest

import s2sad
from s2sad.errors import NoDerivativeRuleError, S2sadError, UnsupportedSyntaxError

import random_draws as m

X = np.array([0.5, 1.0, 2.0])


def central(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


@pytest.mark.parametrize("make", [np.random.default_rng, np.random.RandomState])
def test_a_generator_argument_draws_once_in_every_transform(make):
    e = make(3).standard_normal(3)
    np.testing.assert_allclose(s2sad.grad(m.generator_argument)(X, make(3)), 2 * X * e,
                               rtol=1e-12)
    rng = make(3)
    np.testing.assert_allclose(s2sad.hessian(m.generator_argument)(X, rng), np.diag(2 * e),
                               rtol=1e-12)
    np.testing.assert_allclose(rng.standard_normal(2), make(3).standard_normal(5)[3:],
                               rtol=0)   # (the argument left as one call leaves it)
    _, jv = s2sad.jvp(m.generator_argument)(X, make(3), np.ones(3))
    np.testing.assert_allclose(jv, np.sum(2 * X * e), rtol=1e-12)


def test_a_python_random_argument():
    z = random.Random(2).gauss(0.0, 1.0)
    np.testing.assert_allclose(s2sad.grad(m.python_random_argument)(X, random.Random(2)),
                               2 * X * z, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(m.python_random_argument)(X, random.Random(2)),
                               2 * z * np.eye(3), rtol=1e-12)


def test_a_generator_made_in_the_function_matches_finite_differences():
    mu, ls = np.array([0.1, -0.2]), np.array([0.0, 0.3])
    g_mu, g_ls = s2sad.grad(m.reparameterized, wrt=(0, 1))(mu, ls)
    np.testing.assert_allclose(g_mu, central(lambda v: m.reparameterized(v, ls), mu), rtol=1e-7)
    np.testing.assert_allclose(g_ls, central(lambda v: m.reparameterized(mu, v), ls), rtol=1e-7)
    eps = np.random.default_rng(0).standard_normal(2)
    np.testing.assert_allclose(g_mu, 2 * (mu + np.exp(ls) * eps), rtol=1e-12)


def test_a_draw_of_a_differentiated_value_is_refused_truly():
    with pytest.raises(NoDerivativeRuleError, match=r"\.normal\(\.\.\.\).*draw") as info:
        s2sad.grad(m.differentiated_draw)(X, np.random.default_rng(0))
    assert "random_draws.py:" in str(info.value) and "array methods" not in str(info.value)


def test_an_owner_of_the_users_class_runs_its_method():
    """``o.normal(3.0)`` of an object of the user's class is that class's method (made
    for the object's class, objattr23), not a draw: 2 x * 6 by hand."""
    np.testing.assert_allclose(s2sad.grad(m.not_a_generator)(X, m.Doubler()), 12.0 * X)


def test_an_entropy_seeded_generator_is_refused_where_the_code_runs_twice():
    with pytest.raises(UnsupportedSyntaxError, match="system's entropy"):
        s2sad.hessian(m.fresh_entropy)(X)
    assert s2sad.grad(m.fresh_entropy)(X).shape == (3,)   # (one run: one call's draws)


def test_numba_backend_runs_numpy_code_for_a_generator_argument():
    pytest.importorskip("numba", reason="numba is optional")
    import warnings
    e = np.random.default_rng(3).standard_normal(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = s2sad.grad(m.generator_argument, backend="numba")(X, np.random.default_rng(3))
    np.testing.assert_allclose(g, 2 * X * e, rtol=1e-12)
    assert any(issubclass(w.category, s2sad.NumbaFallbackWarning) for w in caught)


def test_a_shuffle_s_hint_draws_the_same_permutation_and_is_differentiated():
    """``rng.shuffle(y)`` writes into ``y`` (refused); the hint's ``y[rng.permutation(len(y))]``
    draws the permutation the shuffle would (stranger23c: the hint was ``rng.permutation(y)``,
    itself refused); its gradient by hand: 2 * weight at each item's new place."""
    y = np.array([0.1, 0.2, 0.3])
    with pytest.raises(UnsupportedSyntaxError, match=r"a\[rng\.permutation\(len\(a\)\)\]"):
        s2sad.grad(m.shuffled)(y, np.random.default_rng(0))
    shuffled = y * 2.0
    np.random.default_rng(0).shuffle(shuffled)
    order = np.random.default_rng(0).permutation(3)
    np.testing.assert_array_equal(shuffled, (y * 2.0)[order])
    assert m.permuted(y, np.random.default_rng(0)) == m.shuffled(y, np.random.default_rng(0))
    expected = np.zeros(3)
    expected[order] = 2.0 * np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(m.permuted)(y, np.random.default_rng(0)), expected)


def test_a_draw_into_out_s_hint_draws_out_s_shape():
    """``rng.random(out=buf)`` draws ``buf.shape`` numbers: the hint once said
    ``buf[...] = rng.random()``, one number broadcast (stranger23c); the gradient of
    sum(x * buf) is buf, the draws themselves."""
    x = np.array([0.5, -1.0, 2.0])
    with pytest.raises(UnsupportedSyntaxError, match=r"rng\.random\(size=buf\.shape\)"):
        s2sad.grad(m.drawn_into)(x, np.random.default_rng(4))
    assert m.drawn_as_hinted(x, np.random.default_rng(4)) == \
        m.drawn_into(x, np.random.default_rng(4))
    np.testing.assert_array_equal(s2sad.grad(m.drawn_as_hinted)(x, np.random.default_rng(4)),
                                  np.random.default_rng(4).random(3))


def test_a_generator_in_a_differentiated_dict_is_drawn_from():
    """A Generator leaf of the dict differentiated (``p["rng"].standard_normal(3)``) was
    refused as a draw "an argument of which carries a derivative" (stranger23c): the
    generator carries none; the gradient is 2 w z of the draws, by hand, and the
    generator's own entry zero, as a string leaf's is."""
    w = np.array([0.5, -1.0, 2.0])
    got = s2sad.grad(m.generator_in_a_dict)({"w": w, "rng": np.random.default_rng(9)})
    z = np.random.default_rng(9).standard_normal(3)
    np.testing.assert_allclose(got["w"], 2.0 * w * z, rtol=1e-12)
    assert got["rng"] == 0.0


def test_a_draw_thrown_away_advances_the_generator_as_in_python():
    """``rng.standard_normal(2)``, ``np.random.rand()``, ``random.random()`` as statements
    draw (the next draws are the ones Python's f reads) where they were refused
    (stranger23c); gradients by hand: 3 x**2 z, plus the gauss draw in x[0]."""
    x = np.array([0.3, -0.7, 1.1])
    rng = np.random.default_rng(1)
    rng.standard_normal(2)
    z = rng.standard_normal(3)
    np.testing.assert_allclose(s2sad.grad(m.skips_two)(x), 3.0 * x ** 2 * z, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(m.skips_two)(x), np.diag(6.0 * x * z),
                               rtol=1e-12, atol=1e-15)
    np.random.seed(3)
    np.random.rand()
    z = np.random.standard_normal(3)
    random.seed(5)
    random.random()
    g = random.gauss(0.0, 1.0)
    expected = 3.0 * x ** 2 * z
    expected[0] += g
    np.testing.assert_allclose(s2sad.grad(m.skips_globally)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(s2sad.hessian(m.skips_globally)(x), np.diag(6.0 * x * z),
                               rtol=1e-12, atol=1e-15)
