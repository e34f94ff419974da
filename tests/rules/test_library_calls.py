"""Library functions are differentiated by a rule or refused by their public name, never
read (issue 14); a method bound to an object can take a rule (scipy's distributions)."""

import importlib.util

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

import library_calls as L

HAS_SCIPY = importlib.util.find_spec("scipy") is not None


def test_a_standard_library_function_is_refused_by_name_not_read():
    with pytest.raises(s2sad.NoDerivativeRuleError) as info:
        s2sad.grad(L.stdlib_mean)(1.5)
    message = str(info.value)
    assert "no derivative rule for statistics.fmean" in message
    assert "library_calls.py:10:" in message          # located at the user's call
    assert "statistics.py" not in message
    assert "@s2sad.adjoint(statistics.fmean)" in message


def test_a_library_function_of_constants_needs_no_rule():
    # np.bartlett (no rule) of a constant is a constant: nothing to refuse
    assert s2sad.grad(L.numpy_python_function)(1.5) == 2.0


@pytest.mark.skipif(not HAS_SCIPY, reason="scipy is not installed")
def test_a_bound_method_takes_a_rule_keyed_by_its_object(load):
    module = load("bound_rule", """
        import numpy as np
        import scipy.stats as st
        import s2sad

        # (a distribution s2sad has no rule for: registering one for a distribution
        # it covers would replace s2sad's rule for the rest of the process)
        @s2sad.adjoint(st.gumbel_l.logpdf, broadcast=True)
        def gumbel_l_logpdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
            z = (x - loc) / scale
            slope = (1.0 - np.exp(z)) / scale
            return y_bar * slope, -y_bar * slope, -y_bar * (slope * z + 1.0 / scale)

        @s2sad.tangent(st.gumbel_l.logpdf)
        def gumbel_l_logpdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
            z = (x - loc) / scale
            slope = (1.0 - np.exp(z)) / scale
            return (x_dot - loc_dot) * slope - scale_dot * (slope * z + 1.0 / scale)

        def f(x, mu, b):
            return np.sum(st.gumbel_l.logpdf(x, mu, b))

        def g(x, mu, b):
            return np.sum(st.gumbel_r.logpdf(x, mu, b))
        """)
    x = np.array([0.3, -1.2, 0.8])
    check_grads(module.f, (x, 0.1, 1.3), modes=("reverse", "forward"))
    # the same function (rv_continuous.logpdf) bound to another distribution is
    # another op: it has no rule
    with pytest.raises(s2sad.NoDerivativeRuleError, match="scipy.stats.gumbel_r.logpdf"):
        s2sad.grad(module.g)(x, 0.1, 1.3)


@pytest.mark.skipif(not HAS_SCIPY, reason="scipy is not installed")
def test_a_frozen_distribution_is_refused_with_the_call_to_write(load):
    module = load("frozen_distribution", """
        import numpy as np
        import scipy.stats as st
        from scipy.stats import norm

        def f(x, mu, s):
            return np.sum(st.norm(mu, s).logpdf(x))

        def g(x, mu, s):
            return np.sum(norm(mu, s).logpdf(x))

        def h(x, mu, s):
            return np.sum(norm.logpdf(x, mu, s))
        """)
    x = np.array([0.3, -1.2])
    for f, spelled in ((module.f, "st.norm"), (module.g, "norm")):
        with pytest.raises(s2sad.UnsupportedSyntaxError, match="frozen distribution") as info:
            s2sad.grad(f)(x, 0.1, 1.3)
        assert f"{spelled}.logpdf(x, " in str(info.value)
    check_grads(module.h, (x, 0.1, 1.3), modes=("reverse", "forward"))


def test_the_builtin_max_of_an_iterable_with_a_key_points_to_what_works(load):
    # (max(xs) of one iterable is differentiated: tests/programs/test_user_extremes16.py)
    module = load("builtin_max", """
        def best(xs):
            return max(xs, key=abs)
        """)
    with pytest.raises(s2sad.NoDerivativeRuleError, match="no derivative rule for max") as info:
        s2sad.grad(module.best)([3.0, 1.0])
    assert "np.maximum(a, b)" in str(info.value) and "max(a, b, ...)" in str(info.value)


@pytest.mark.skipif(not HAS_SCIPY, reason="scipy is not installed")
def test_a_module_level_frozen_distribution_says_which_method_to_call(load):
    module = load("frozen_prior", """
        import numpy as np
        import scipy.stats as st

        prior = st.norm(0.0, 2.0)

        def f(x):
            return np.sum(prior.logpdf(x))
        """)
    with pytest.raises(s2sad.NoDerivativeRuleError, match="frozen distribution") as info:
        s2sad.grad(module.f)(np.ones(2))
    assert "no derivative rule for prior.logpdf" in str(info.value)
    assert "scipy.stats.norm.logpdf(x, ...)" in str(info.value)
