"""Rules for ``scipy.stats`` distributions: their methods are bound to the distribution
objects (``st.norm.logpdf``), and each bound method has its rule (see
:mod:`.identity`).  Loaded once the user's code has imported ``scipy.stats``.

Arguments are bound as scipy reads them: ``x``, the shape parameters (``df``, ``a``,
``b``, ``s``, ``mu``) in order, then ``loc`` and ``scale``, by position or by name;
left out, ``loc`` is 0 and ``scale`` 1.  The derivatives are those of the density on
its support (``x`` with ``z = (x - loc) / scale`` inside it): every parameter carries
one except where a rule says otherwise, and a parameter a rule does not differentiate
is refused when a differentiated value reaches it.  With ``y = log f``, a location-scale
family's standard log density ``l(z)`` gives ``dy/dx = l'(z) / scale``,
``dy/dloc = -l'(z) / scale`` and ``dy/dscale = -(l'(z) z + 1) / scale``.

Frozen distributions (``st.norm(mu, s).logpdf(x)``) have no rule: s2sad refuses them
by name; write ``st.norm.logpdf(x, mu, s)``.
"""

import numpy as np
import scipy.stats as st

from .registry import adjoint, nondifferentiable, tangent
from .scipy_stats_helpers import digamma, lgamma, polygamma, stats_refused


def _method(name):
    return dict(broadcast=True, label=f"scipy.stats.{name}", allocates=True)


# ---------------------------------------------- the helpers' own rules (second order)


# (every order: a derivative of the rules' code is differentiated again when derivatives
# compose, and polygamma's derivative is polygamma one order up)
@adjoint(lgamma, broadcast=True, allocates=True)
def lgamma_adjoint(y, y_bar, x):
    return y_bar * digamma(x)


@tangent(lgamma)
def lgamma_tangent(y, x, x_dot):
    return x_dot * digamma(x)


@adjoint(digamma, broadcast=True, allocates=True)
def digamma_adjoint(y, y_bar, x):
    return y_bar * polygamma(1, x)


@tangent(digamma)
def digamma_tangent(y, x, x_dot):
    return x_dot * polygamma(1, x)


@adjoint(polygamma, nondiff=("n",), broadcast=True, allocates=True)
def polygamma_adjoint(y, y_bar, n, x):
    return y_bar * polygamma(n + 1, x)


@tangent(polygamma)
def polygamma_tangent(y, n, x, x_dot):
    return x_dot * polygamma(n + 1, x)


nondifferentiable(stats_refused)

# ------------------------------------------------------------------------ norm


@adjoint(st.norm.logpdf, **_method("norm.logpdf"))
def norm_logpdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * z / scale
    return -d, d, y_bar * (z * z - 1.0) / scale


@tangent(st.norm.logpdf)
def norm_logpdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return (z * (loc_dot - x_dot) + (z * z - 1.0) * scale_dot) / scale


@adjoint(st.norm.pdf, **_method("norm.pdf"))
def norm_pdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * y * z / scale
    return -d, d, y_bar * y * (z * z - 1.0) / scale


@tangent(st.norm.pdf)
def norm_pdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return y * (z * (loc_dot - x_dot) + (z * z - 1.0) * scale_dot) / scale


@adjoint(st.norm.cdf, **_method("norm.cdf"))
def norm_cdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * np.exp(-0.5 * z * z) / (np.sqrt(2.0 * np.pi) * scale)
    return d, -d, -d * z


@tangent(st.norm.cdf)
def norm_cdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return np.exp(-0.5 * z * z) / (np.sqrt(2.0 * np.pi) * scale) * (
        x_dot - loc_dot - z * scale_dot)


@adjoint(st.norm.sf, **_method("norm.sf"))
def norm_sf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * np.exp(-0.5 * z * z) / (np.sqrt(2.0 * np.pi) * scale)
    return -d, d, d * z


@tangent(st.norm.sf)
def norm_sf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return np.exp(-0.5 * z * z) / (np.sqrt(2.0 * np.pi) * scale) * (
        loc_dot - x_dot + z * scale_dot)


@adjoint(st.norm.logcdf, **_method("norm.logcdf"))
def norm_logcdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * np.exp(-0.5 * z * z - y) / (np.sqrt(2.0 * np.pi) * scale)
    return d, -d, -d * z


@tangent(st.norm.logcdf)
def norm_logcdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return np.exp(-0.5 * z * z - y) / (np.sqrt(2.0 * np.pi) * scale) * (
        x_dot - loc_dot - z * scale_dot)


@adjoint(st.norm.logsf, **_method("norm.logsf"))
def norm_logsf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * np.exp(-0.5 * z * z - y) / (np.sqrt(2.0 * np.pi) * scale)
    return -d, d, d * z


@tangent(st.norm.logsf)
def norm_logsf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return np.exp(-0.5 * z * z - y) / (np.sqrt(2.0 * np.pi) * scale) * (
        loc_dot - x_dot + z * scale_dot)


# --------------------------------------------------------------------------- t
# l(z) = lgamma((df + 1) / 2) - lgamma(df / 2) - log(df pi) / 2 - (df + 1) / 2 log(1 + z^2 / df)


@adjoint(st.t.logpdf, **_method("t.logpdf"))
def t_logpdf_adjoint(y, y_bar, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    w = z * z
    s = (df + 1.0) * z / (df + w)
    d = y_bar * s / scale
    return (-d, 0.5 * y_bar * (digamma(0.5 * df + 0.5) - digamma(0.5 * df) - 1.0 / df
                               - np.log1p(w / df) + (df + 1.0) * w / (df * (df + w))),
            d, y_bar * (s * z - 1.0) / scale)


@tangent(st.t.logpdf)
def t_logpdf_tangent(y, x, df, loc, scale, x_dot, df_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    w = z * z
    s = (df + 1.0) * z / (df + w)
    return ((s * (loc_dot - x_dot) + (s * z - 1.0) * scale_dot) / scale
            + 0.5 * df_dot * (digamma(0.5 * df + 0.5) - digamma(0.5 * df) - 1.0 / df
                              - np.log1p(w / df) + (df + 1.0) * w / (df * (df + w))))


@adjoint(st.t.pdf, **_method("t.pdf"))
def t_pdf_adjoint(y, y_bar, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    w = z * z
    s = (df + 1.0) * z / (df + w)
    d = y_bar * y * s / scale
    return (-d, 0.5 * y_bar * y * (digamma(0.5 * df + 0.5) - digamma(0.5 * df) - 1.0 / df
                                   - np.log1p(w / df) + (df + 1.0) * w / (df * (df + w))),
            d, y_bar * y * (s * z - 1.0) / scale)


@tangent(st.t.pdf)
def t_pdf_tangent(y, x, df, loc, scale, x_dot, df_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    w = z * z
    s = (df + 1.0) * z / (df + w)
    return y * ((s * (loc_dot - x_dot) + (s * z - 1.0) * scale_dot) / scale
                + 0.5 * df_dot * (digamma(0.5 * df + 0.5) - digamma(0.5 * df) - 1.0 / df
                                  - np.log1p(w / df) + (df + 1.0) * w / (df * (df + w))))


@adjoint(st.t.cdf, **_method("t.cdf"))
def t_cdf_adjoint(y, y_bar, x, df, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * np.exp(lgamma(0.5 * df + 0.5) - lgamma(0.5 * df) - 0.5 * np.log(df * np.pi)
                       - (0.5 * df + 0.5) * np.log1p(z * z / df)) / scale
    return (d, stats_refused(y_bar, "scipy.stats.t.cdf", "df", "pass df as a constant"),
            -d, -d * z)


@tangent(st.t.cdf)
def t_cdf_tangent(y, x, df, loc, scale, x_dot, df_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return (np.exp(lgamma(0.5 * df + 0.5) - lgamma(0.5 * df) - 0.5 * np.log(df * np.pi)
                   - (0.5 * df + 0.5) * np.log1p(z * z / df)) / scale
            * (x_dot - loc_dot - z * scale_dot)
            + stats_refused(df_dot, "scipy.stats.t.cdf", "df", "pass df as a constant"))


# ----------------------------------------------------------------------- gamma
# l(z) = (a - 1) log z - z - lgamma(a), z > 0


@adjoint(st.gamma.logpdf, **_method("gamma.logpdf"))
def gamma_logpdf_adjoint(y, y_bar, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * ((a - 1.0) / z - 1.0) / scale
    return d, y_bar * (np.log(z) - digamma(a)), -d, y_bar * (z - a) / scale


@tangent(st.gamma.logpdf)
def gamma_logpdf_tangent(y, x, a, loc, scale, x_dot, a_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return (((a - 1.0) / z - 1.0) * (x_dot - loc_dot) + (z - a) * scale_dot) / scale \
        + a_dot * (np.log(z) - digamma(a))


@adjoint(st.gamma.pdf, **_method("gamma.pdf"))
def gamma_pdf_adjoint(y, y_bar, x, a, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    g = y_bar * y
    d = g * ((a - 1.0) / z - 1.0) / scale
    return d, g * (np.log(z) - digamma(a)), -d, g * (z - a) / scale


@tangent(st.gamma.pdf)
def gamma_pdf_tangent(y, x, a, loc, scale, x_dot, a_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return y * ((((a - 1.0) / z - 1.0) * (x_dot - loc_dot) + (z - a) * scale_dot) / scale
                + a_dot * (np.log(z) - digamma(a)))


# ------------------------------------------------------------------------ beta
# l(z) = (a - 1) log z + (b - 1) log(1 - z) - log B(a, b), 0 < z < 1


@adjoint(st.beta.logpdf, **_method("beta.logpdf"))
def beta_logpdf_adjoint(y, y_bar, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    s = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    d = y_bar * s / scale
    both = digamma(a + b)
    return (d, y_bar * (np.log(z) - digamma(a) + both),
            y_bar * (np.log1p(-z) - digamma(b) + both), -d, -y_bar * (s * z + 1.0) / scale)


@tangent(st.beta.logpdf)
def beta_logpdf_tangent(y, x, a, b, loc, scale, x_dot, a_dot, b_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    s = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    both = digamma(a + b)
    return ((s * (x_dot - loc_dot) - (s * z + 1.0) * scale_dot) / scale
            + a_dot * (np.log(z) - digamma(a) + both)
            + b_dot * (np.log1p(-z) - digamma(b) + both))


@adjoint(st.beta.pdf, **_method("beta.pdf"))
def beta_pdf_adjoint(y, y_bar, x, a, b, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    s = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    g = y_bar * y
    both = digamma(a + b)
    return (g * s / scale, g * (np.log(z) - digamma(a) + both),
            g * (np.log1p(-z) - digamma(b) + both), -g * s / scale,
            -g * (s * z + 1.0) / scale)


@tangent(st.beta.pdf)
def beta_pdf_tangent(y, x, a, b, loc, scale, x_dot, a_dot, b_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    s = (a - 1.0) / z - (b - 1.0) / (1.0 - z)
    both = digamma(a + b)
    return y * ((s * (x_dot - loc_dot) - (s * z + 1.0) * scale_dot) / scale
                + a_dot * (np.log(z) - digamma(a) + both)
                + b_dot * (np.log1p(-z) - digamma(b) + both))


# --------------------------------------------------------------------- poisson
# log p(k) = (k - loc) log mu - mu - lgamma(k - loc + 1): k and loc are integers (the
# counts are constant; the probability is 0 between them)


@adjoint(st.poisson.logpmf, nondiff=("k", "loc"), **_method("poisson.logpmf"))
def poisson_logpmf_adjoint(y, y_bar, k, mu, loc=0):
    return y_bar * ((k - loc) / mu - 1.0)


@tangent(st.poisson.logpmf)
def poisson_logpmf_tangent(y, k, mu, loc, mu_dot):
    return mu_dot * ((k - loc) / mu - 1.0)


@adjoint(st.poisson.pmf, nondiff=("k", "loc"), **_method("poisson.pmf"))
def poisson_pmf_adjoint(y, y_bar, k, mu, loc=0):
    return y_bar * y * ((k - loc) / mu - 1.0)


@tangent(st.poisson.pmf)
def poisson_pmf_tangent(y, k, mu, loc, mu_dot):
    return y * mu_dot * ((k - loc) / mu - 1.0)


from . import scipy_stats_families, scipy_stats_multivariate  # noqa: E402,F401  (registration)
