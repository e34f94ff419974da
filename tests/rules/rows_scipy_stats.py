"""Op-table rows of scipy.stats distributions (functions in
tests/fixtures/ops_scipy_stats.py).  Without scipy there are no rows (and
tests/rules/test_stats_scipy.py says why)."""

import importlib.util

import numpy as np

import ops_scipy_stats as D
from optable import Arg, row

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
SKIP_REASON = "scipy missing: the scipy.stats rows need scipy"


def _uniform(low, high):
    def draw(rng, shape):
        return rng.uniform(low, high, shape)
    draw.__name__ = f"uniform({low}, {high})"
    return draw


POS = "pos"
DF = _uniform(1.5, 6.0)
ABOVE = _uniform(2.0, 4.0)        # x of the gamma and lognorm rows with loc in (-0.5, 0.5)
NEAR = _uniform(-0.5, 0.5)
UNIT = _uniform(0.15, 0.85)
INNER = _uniform(0.3, 0.7)         # x of the beta rows with loc and scale
SCALE_BETA = _uniform(1.2, 1.5)
SMALL_LOC = _uniform(-0.2, 0.2)


def _loc_scale(x="real", loc="real", scale=POS):
    """Cases of a function (x, loc, scale): every broadcast class."""
    return [("vector", Arg((4,), x), Arg((), loc), Arg((), scale)),
            ("scalar", Arg((), x), Arg((), loc), Arg((), scale)),
            ("bcast", Arg((3, 4), x), Arg((4,), loc), Arg((3, 1), scale)),
            ("elementwise", Arg((5,), x), Arg((5,), loc), Arg((5,), scale))]


def _apart_from_loc(x, loc, *rest):
    import numpy as np
    return bool(np.all(np.abs(np.asarray(x) - np.asarray(loc)) > 0.05))


def _uniform_inside(x, loc, scale):
    import numpy as np
    z = (np.asarray(x) - loc) / scale
    return bool(np.all((z > 0.05) & (z < 0.95)))


def _spd(rng, shape):
    """A symmetric positive definite matrix, well conditioned."""
    a = rng.standard_normal(shape)
    return a @ a.T / shape[0] + np.eye(shape[0])


ROWS = [
    row("norm.logpdf", D.norm_logpdf, *_loc_scale()),
    row("norm.logpdf-keywords", D.norm_logpdf_keywords, *_loc_scale()),
    row("norm.logpdf-standard", D.norm_logpdf_standard, ("scalar", Arg(())),
        ("matrix", Arg((3, 4)))),
    row("norm.logpdf-loc", D.norm_logpdf_loc, ("bcast", Arg((3, 4)), Arg((4,))),
        ("scalar", Arg(()), Arg(()))),
    row("norm.pdf", D.norm_pdf, *_loc_scale()),
    row("norm.cdf", D.norm_cdf, *_loc_scale()),
    row("norm.cdf-standard", D.norm_cdf_standard, ("vector", Arg((5,))), ("scalar", Arg(()))),
    row("norm.logcdf", D.norm_logcdf, *_loc_scale()),
    row("norm.sf", D.norm_sf, *_loc_scale()),
    row("norm.logsf", D.norm_logsf, *_loc_scale()),
    row("t.logpdf", D.t_logpdf,
        ("vector", Arg((4,)), Arg((), DF), Arg(()), Arg((), POS)),
        ("bcast", Arg((3, 4)), Arg((4,), DF), Arg((3, 1)), Arg((), POS)),
        ("scalar", Arg(()), Arg((), DF), Arg(()), Arg((), POS))),
    row("t.logpdf-df", D.t_logpdf_df, ("vector", Arg((5,)), Arg((5,), DF)),
        ("scalar", Arg(()), Arg((), DF))),
    row("t.pdf", D.t_pdf,
        ("vector", Arg((4,)), Arg((), DF), Arg(()), Arg((), POS)),
        ("bcast", Arg((3, 4)), Arg((4,), DF), Arg((3, 1)), Arg((), POS))),
    row("t.cdf", D.t_cdf, *[c[:1] + c[1:2] + c[2:] for c in _loc_scale()]),
    row("gamma.logpdf", D.gamma_logpdf,
        ("vector", Arg((4,), POS), Arg((), POS), Arg((), POS)),
        ("bcast", Arg((3, 4), POS), Arg((4,), POS), Arg((3, 1), POS)),
        ("scalar", Arg((), POS), Arg((), POS), Arg((), POS))),
    row("gamma.logpdf-loc", D.gamma_logpdf_loc,
        ("vector", Arg((4,), ABOVE), Arg((), POS), Arg((), NEAR), Arg((), POS)),
        ("bcast", Arg((3, 4), ABOVE), Arg((4,), POS), Arg((3, 1), NEAR), Arg((), POS))),
    row("gamma.pdf", D.gamma_pdf,
        ("vector", Arg((4,), POS), Arg((), POS), Arg((), POS)),
        ("bcast", Arg((3, 4), POS), Arg((4,), POS), Arg((3, 1), POS))),
    row("beta.logpdf", D.beta_logpdf,
        ("vector", Arg((4,), UNIT), Arg((), POS), Arg((), POS)),
        ("bcast", Arg((3, 4), UNIT), Arg((4,), POS), Arg((3, 1), POS)),
        ("scalar", Arg((), UNIT), Arg((), POS), Arg((), POS))),
    row("beta.logpdf-loc-scale", D.beta_logpdf_loc_scale,
        ("vector", Arg((4,), INNER), Arg((), POS), Arg((), POS), Arg((), SMALL_LOC),
         Arg((), SCALE_BETA)),
        ("bcast", Arg((3, 4), INNER), Arg((4,), POS), Arg((), POS), Arg((3, 1), SMALL_LOC),
         Arg((), SCALE_BETA))),
    row("beta.pdf", D.beta_pdf,
        ("vector", Arg((4,), UNIT), Arg((), POS), Arg((), POS)),
        ("bcast", Arg((3, 4), UNIT), Arg((4,), POS), Arg((3, 1), POS))),
    row("poisson.logpmf", D.poisson_logpmf, ("scalar", Arg((), POS)),
        ("vector", Arg((5,), POS))),
    row("poisson.pmf", D.poisson_pmf, ("scalar", Arg((), POS)), ("vector", Arg((5,), POS))),
    row("expon.logpdf", D.expon_logpdf,
        *_loc_scale(x=ABOVE, loc=NEAR)),
    row("laplace.logpdf", D.laplace_logpdf, *_loc_scale(), valid=_apart_from_loc),
    row("cauchy.logpdf", D.cauchy_logpdf, *_loc_scale()),
    row("logistic.logpdf", D.logistic_logpdf, *_loc_scale()),
    row("lognorm.logpdf", D.lognorm_logpdf,
        ("vector", Arg((4,), ABOVE), Arg((), POS), Arg((), NEAR), Arg((), POS)),
        ("bcast", Arg((3, 4), ABOVE), Arg((4,), POS), Arg((3, 1), NEAR), Arg((), POS))),
    row("uniform.logpdf", D.uniform_logpdf,
        ("vector", Arg((4,), UNIT), Arg((), SMALL_LOC), Arg((), SCALE_BETA)),
        ("bcast", Arg((3, 4), UNIT), Arg((4,), SMALL_LOC), Arg((3, 1), SCALE_BETA)),
        valid=_uniform_inside),
    row("multivariate_normal.logpdf", D.mvn_logpdf,
        ("point", Arg((3,)), Arg((3,)), Arg((3, 3), _spd)),
        ("points", Arg((4, 3)), Arg((3,)), Arg((3, 3), _spd)),
        ("batch", Arg((2, 2, 3)), Arg((3,)), Arg((3, 3), _spd)),
        ("diagonal-cov", Arg((4, 3)), Arg((3,)), Arg((3,), POS)),
        ("number-cov", Arg((2,)), Arg((2,)), Arg((), POS)),
        ("one-dimensional", Arg((5,)), Arg(()), Arg((), POS))),
    row("multivariate_normal.logpdf-no-mean", D.mvn_logpdf_no_mean,
        ("points", Arg((4, 2)), Arg((2, 2), _spd)), ("point", Arg((3,)), Arg((3, 3), _spd))),
    row("multivariate_normal.logpdf-mean", D.mvn_logpdf_mean,
        ("points", Arg((4, 2)), Arg((2,))), ("point", Arg((2,)), Arg((2,)))),
    row("dirichlet.logpdf", D.dirichlet_logpdf, ("point", Arg((4,)), Arg((4,), POS)),
        ("points", Arg((4, 3)), Arg((4,), POS))),
    row("dirichlet.logpdf-alpha", D.dirichlet_logpdf_alpha, ("points", Arg((3,), POS))),
    row("rt.stats_lgamma", D.stats_lgamma, ("vector", Arg((4,), POS)), ("scalar", Arg((), POS))),
    row("rt.stats_digamma", D.stats_digamma, ("vector", Arg((4,), POS))),
    row("rt.stats_polygamma", D.stats_polygamma, ("vector", Arg((4,), POS))),
] if HAS_SCIPY else []
