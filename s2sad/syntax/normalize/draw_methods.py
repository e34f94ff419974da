"""A draw method called on a local value or an argument: ``rng.standard_normal(shape)``
of ``rng = np.random.default_rng(seed)`` or of a ``Generator``, ``RandomState`` or
``random.Random`` passed in.

Input: a call ``owner.name(...)`` whose method no array has (``flatten.call``'s method
of a local value) and is a draw method of those generators.
Output: ``random_draw(owner, "name", ...)`` (``runtime.draws``), which checks at each
call that the owner is such a generator (anything else is refused there) and draws:
a value without derivative, run where Python runs it.  A Hessian's later columns
draw what the first drew: ``api.draws`` puts the generator's state back.
"""

import gast

from ...rules import registry
from .. import anno, nodes

#: methods of numpy's ``Generator`` and ``RandomState`` and of ``random.Random`` that
#: return a draw and write into no argument (no array has a method of these names)
DRAW_METHODS = frozenset({
    "beta", "betavariate", "binomial", "bytes", "chisquare", "choice", "choices",
    "dirichlet", "exponential", "expovariate", "f", "gamma", "gammavariate", "gauss",
    "geometric", "getrandbits", "gumbel", "hypergeometric", "integers", "laplace",
    "logistic", "lognormal", "lognormvariate", "logseries", "multinomial",
    "multivariate_hypergeometric", "multivariate_normal", "negative_binomial",
    "noncentral_chisquare", "noncentral_f", "normal", "normalvariate", "pareto",
    "paretovariate", "permutation", "poisson", "power", "rand", "randbytes", "randint",
    "randn", "random", "random_integers", "random_sample", "randrange", "rayleigh",
    "sample", "standard_cauchy", "standard_exponential", "standard_gamma",
    "standard_normal", "standard_t", "tomaxint", "triangular", "uniform", "vonmises",
    "vonmisesvariate", "wald", "weibull", "weibullvariate", "zipf"})


def draw_call(flat, node, func):
    """The call ``node`` (``func``: its ``owner.name`` callee) as a ``random_draw``
    call with atoms for its arguments, or None where ``name`` is no draw method."""
    if func.attr not in DRAW_METHODS or any(isinstance(a, gast.Starred) for a in node.args) \
            or any(k.arg is None or k.arg == "out" for k in node.keywords):
        return None
    target = registry.DICT_HELPERS["random_draw"]
    flat.norm.helpers["random_draw"] = target
    call = nodes.call("random_draw", [flat.atom(func.value), nodes.const(func.attr)]
                      + [flat.atom(a) for a in node.args])
    call.keywords = [gast.keyword(arg=k.arg, value=flat.atom(k.value)) for k in node.keywords]
    anno.set(call, anno.CALLEE, target)
    anno.set(call, anno.CALL_SITE, node)
    return call


def active_draw_error(site):
    """``(message, hint)`` of a draw method's call ``site`` one of whose arguments
    carries a derivative (``rng.normal(mu, 1.0)`` with respect to ``mu``)."""
    func = site.func if isinstance(site, gast.Call) else None
    name = func.attr if isinstance(func, gast.Attribute) else "draw"
    return (f".{name}(...) of a local value or an argument is taken as a draw of a numpy "
            f"Generator, RandomState or random.Random, which has no derivative, but an "
            f"argument of it here carries one",
            f"draw with fixed parameters and move the differentiated ones out of the "
            f"draw (rng.normal(mu, sigma) is mu + sigma * rng.standard_normal(shape)); a "
            f"method .{name}() of an object of yours: compute its value outside the "
            f"function and pass it as an argument")
