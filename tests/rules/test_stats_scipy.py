"""scipy.stats rules: how calls bind to them, and what they refuse (issue 14).  The
derivatives are checked by the op table (tests/rules/rows_scipy_stats.py)."""

import importlib.util

import numpy as np
import pytest

import s2sad
from s2sad.testing import check_grads

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
pytestmark = pytest.mark.skipif(not HAS_SCIPY, reason="scipy missing")

if HAS_SCIPY:
    import stats_refusals as R

X = np.array([0.3, -1.2, 0.8])


def test_the_rows_are_skipped_only_without_scipy():
    import rows_scipy_stats
    assert rows_scipy_stats.ROWS, "scipy is installed: the scipy.stats rows must run"
    assert rows_scipy_stats.SKIP_REASON.startswith("scipy missing")


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_t_cdf_is_refused_in_df(mode):
    with pytest.raises(s2sad.NoDerivativeRuleError,
                       match="scipy.stats.t.cdf is not differentiated in its argument 'df'"):
        if mode == "reverse":
            s2sad.grad(R.t_cdf_in_df, wrt=1)(X, 3.0)
        else:
            s2sad.jvp(R.t_cdf_in_df, wrt=1)(X, 3.0, 1.0)
    # in x alone it is differentiated
    check_grads(R.t_cdf_in_df, (X, 3.0), wrt=0, modes=("reverse", "forward"))


def test_a_frozen_distribution_is_refused_at_its_method():
    with pytest.raises(s2sad.S2sadError, match="frozen distribution") as info:
        s2sad.grad(R.frozen)(X, 0.1, 1.3)
    assert "st.norm.logpdf(x, " in str(info.value)


def test_a_call_that_does_not_fit_the_rule_is_refused():
    with pytest.raises(s2sad.NoDerivativeRuleError, match="4 positional arguments"):
        s2sad.grad(R.too_many)(X, 0.1, 1.3)
    with pytest.raises(s2sad.NoDerivativeRuleError, match="does not support its argument 'mean'"):
        s2sad.grad(R.unknown_keyword)(X, 0.1)


def test_shape_parameters_bind_by_name():
    x = np.array([0.5, 1.2, 2.5])
    check_grads(R.gamma_shape_by_name, (x, 1.7, 0.8), modes=("reverse", "forward"))


def test_dirichlet_with_an_implied_last_component_is_refused():
    with pytest.raises(s2sad.NoDerivativeRuleError, match="all 3 components; this x has 2"):
        s2sad.grad(R.dirichlet_short, wrt=1)(np.array([0.2, 0.3]), np.array([1.5, 2.0, 0.7]))


def test_multivariate_normal_reads_the_lower_triangle_of_cov_as_scipy_does():
    x, mean = np.array([0.3, -0.2]), np.array([0.1, 0.4])
    cov = np.array([[2.0, 0.3], [0.3, 1.0]])
    g = s2sad.grad(R.mvn, wrt=2)(x, mean, cov)
    assert g[0, 1] == 0.0 and g[1, 0] != 0.0
    check_grads(R.mvn, (x, mean, cov), modes=("reverse", "forward"))


def test_multivariate_normal_with_a_singular_cov_is_refused():
    x, mean = np.array([0.3, -0.2]), np.array([0.1, 0.4])
    cov = np.array([[1.0, 1.0], [1.0, 1.0]])
    with pytest.raises(s2sad.NoDerivativeRuleError, match="nonsingular covariance"):
        s2sad.grad(R.mvn_singular, wrt=0)(x, mean, cov)
