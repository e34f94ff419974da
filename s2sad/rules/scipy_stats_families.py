"""Rules for the log densities of scipy.stats' location-scale families without shape
parameters beyond ``lognorm``'s ``s``: ``expon laplace cauchy logistic lognorm uniform``
(``logpdf`` in ``x``, ``loc``, ``scale`` and ``s``).  Loaded by :mod:`.scipy_stats`;
the conventions are written there."""

import numpy as np
import scipy.stats as st

from .registry import adjoint, tangent


def _method(name):
    return dict(broadcast=True, label=f"scipy.stats.{name}", allocates=True)


# expon: l(z) = -z for z >= 0


@adjoint(st.expon.logpdf, **_method("expon.logpdf"))
def expon_logpdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar / scale
    return -d, d, d * (z - 1.0)


@tangent(st.expon.logpdf)
def expon_logpdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return (loc_dot - x_dot + (z - 1.0) * scale_dot) / scale


# laplace: l(z) = -|z| - log 2 (the derivative at z = 0 is taken as 0: np.sign)


@adjoint(st.laplace.logpdf, **_method("laplace.logpdf"))
def laplace_logpdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    d = y_bar * np.sign(z) / scale
    return -d, d, y_bar * (np.abs(z) - 1.0) / scale


@tangent(st.laplace.logpdf)
def laplace_logpdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    return (np.sign(z) * (loc_dot - x_dot) + (np.abs(z) - 1.0) * scale_dot) / scale


# cauchy: l(z) = -log(pi (1 + z^2))


@adjoint(st.cauchy.logpdf, **_method("cauchy.logpdf"))
def cauchy_logpdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    s = 2.0 * z / (1.0 + z * z)
    d = y_bar * s / scale
    return -d, d, y_bar * (s * z - 1.0) / scale


@tangent(st.cauchy.logpdf)
def cauchy_logpdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    s = 2.0 * z / (1.0 + z * z)
    return (s * (loc_dot - x_dot) + (s * z - 1.0) * scale_dot) / scale


# logistic: l(z) = -z - 2 log(1 + exp(-z)), l'(z) = -tanh(z / 2)


@adjoint(st.logistic.logpdf, **_method("logistic.logpdf"))
def logistic_logpdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    s = np.tanh(0.5 * z)
    d = y_bar * s / scale
    return -d, d, y_bar * (s * z - 1.0) / scale


@tangent(st.logistic.logpdf)
def logistic_logpdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    s = np.tanh(0.5 * z)
    return (s * (loc_dot - x_dot) + (s * z - 1.0) * scale_dot) / scale


# lognorm: l(z) = -log(s z sqrt(2 pi)) - log(z)^2 / (2 s^2), z > 0


@adjoint(st.lognorm.logpdf, **_method("lognorm.logpdf"))
def lognorm_logpdf_adjoint(y, y_bar, x, s, loc=0.0, scale=1.0):
    z = (x - loc) / scale
    w = np.log(z) / (s * s)
    d = y_bar * (1.0 + w) / (z * scale)
    return -d, y_bar * (w * w * s - 1.0 / s), d, y_bar * w / scale


@tangent(st.lognorm.logpdf)
def lognorm_logpdf_tangent(y, x, s, loc, scale, x_dot, s_dot, loc_dot, scale_dot):
    z = (x - loc) / scale
    w = np.log(z) / (s * s)
    return ((1.0 + w) / z * (loc_dot - x_dot) + w * scale_dot) / scale \
        + s_dot * (w * w * s - 1.0 / s)


# uniform: l(z) = 0 on [0, 1]: only the scale moves the log density


@adjoint(st.uniform.logpdf, **_method("uniform.logpdf"))
def uniform_logpdf_adjoint(y, y_bar, x, loc=0.0, scale=1.0):
    return 0.0 * y_bar, 0.0 * y_bar, -y_bar / scale


@tangent(st.uniform.logpdf)
def uniform_logpdf_tangent(y, x, loc, scale, x_dot, loc_dot, scale_dot):
    return -scale_dot / scale + 0.0 * (x_dot + loc_dot)
