"""The scipy functions the rules of ``scipy.stats`` call in generated code (log-gamma,
digamma, polygamma), and the refusals of parameters those rules do not differentiate.

Imported only by :mod:`s2sad.rules.scipy_stats` (loaded once the user's code imported
``scipy.stats``): the core never imports scipy.  Their tangent rules are registered there.
"""

from scipy import special

from ..errors import NoDerivativeRuleError
from ..scipy_special_runtime import polygamma_of


def lgamma(x):
    """``log |Gamma(x)|`` (``scipy.special.gammaln``)."""
    return special.gammaln(x)


def digamma(x):
    """The derivative of :func:`lgamma` (``scipy.special.digamma``)."""
    return special.digamma(x)


def polygamma(n, x):
    """The ``n``-th derivative of :func:`digamma` (``scipy.special.polygamma``), through
    :func:`~s2sad.scipy_special_runtime.polygamma_of`: scipy's values, and a Dask ``x``
    stays lazy."""
    return polygamma_of(n, x)


def stats_refused(part, op, param, hint):
    """Raise: ``op`` is not differentiated in ``param`` (``part``: its adjoint or tangent,
    computed only when ``param`` is differentiated)."""
    raise NoDerivativeRuleError(f"{op} is not differentiated in its argument {param!r}",
                                hint=hint)
