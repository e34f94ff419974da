"""Op-table rows of rules.scipy_special.  scipy is optional: without it there are no
rows, and ``SKIP_REASON`` says why (test_special_scipy.py checks that this is the only
reason rows are left out)."""

import importlib.util

from optable import MATRIX, SCALAR, TENSOR, VECTOR, Arg, binary, row, unary

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
SKIP_REASON = None if HAS_SCIPY else "scipy missing"


def _between(lo, hi):
    return lambda rng, shape: rng.uniform(lo, hi, shape)


def _rows():
    import ops_scipy_special as S

    # the rules load once a lookup misses after scipy.special is imported; the table's
    # check that every rule has a row lists the rules before any lookup: load them now,
    # after numpy's (scipy's rules name numpy's they share), as a lookup would
    from s2sad.rules.loading import load_builtin_rules
    load_builtin_rules()
    import s2sad.rules.scipy_special  # noqa: F401
    weights = "pos"
    return [
        row("sps.logsumexp", S.logsumexp_all, ("scalar", Arg(SCALAR)), ("vector", Arg(VECTOR)),
            ("matrix", Arg(MATRIX)), ("tensor3", Arg(TENSOR))),
        row("sps.logsumexp-axis0", S.logsumexp_axis0, ("vector", Arg(VECTOR)),
            ("matrix", Arg(MATRIX)), ("tensor3", Arg(TENSOR))),
        row("sps.logsumexp-axis-1", S.logsumexp_axis_last, ("matrix", Arg(MATRIX)),
            ("tensor3", Arg(TENSOR))),
        row("sps.logsumexp-keepdims", S.logsumexp_axis1_keepdims, ("matrix", Arg(MATRIX)),
            ("tensor3", Arg(TENSOR))),
        row("sps.logsumexp-axis(0,2)", S.logsumexp_tuple_axis, ("tensor3", Arg(TENSOR))),
        row("sps.logsumexp-b", S.logsumexp_weights,
            ("vector", Arg(VECTOR), Arg(VECTOR, weights)),
            ("matrix", Arg(MATRIX), Arg(MATRIX, weights)),
            ("bcast-b", Arg(MATRIX), Arg((4,), weights)),
            ("bcast-a", Arg((4,)), Arg(MATRIX, weights)),
            ("scalar-b", Arg(MATRIX), Arg(SCALAR, weights))),
        row("sps.logsumexp-b-axis0", S.logsumexp_weights_axis,
            ("matrix", Arg(MATRIX), Arg(MATRIX, weights)),
            ("bcast-a", Arg((3, 1)), Arg(MATRIX, weights)),
            ("bcast-b", Arg(TENSOR), Arg((3, 2), weights))),
        row("sps.logsumexp-b-keepdims", S.logsumexp_weights_axis_keepdims,
            ("matrix", Arg(MATRIX), Arg(MATRIX, weights)),
            ("bcast-b", Arg(TENSOR), Arg((2,), weights))),
        row("sps.softmax", S.softmax_all, ("scalar", Arg(SCALAR)), ("vector", Arg(VECTOR)),
            ("matrix", Arg(MATRIX))),
        row("sps.softmax-axis-1", S.softmax_axis, ("vector", Arg(VECTOR)),
            ("matrix", Arg(MATRIX)), ("tensor3", Arg(TENSOR))),
        row("sps.softmax-axis0", S.softmax_axis0, ("matrix", Arg(MATRIX))),
        row("sps.softmax-axis(0,2)", S.softmax_tuple_axis, ("tensor3", Arg(TENSOR))),
        row("sps.log_softmax", S.log_softmax_all, ("scalar", Arg(SCALAR)),
            ("vector", Arg(VECTOR)), ("matrix", Arg(MATRIX))),
        row("sps.log_softmax-axis1", S.log_softmax_axis, ("matrix", Arg(MATRIX)),
            ("tensor3", Arg(TENSOR))),
        row("sps.log_softmax-axis(1,2)", S.log_softmax_tuple_axis, ("tensor3", Arg(TENSOR))),
        unary("sps.expit", S.expit_),
        unary("sps.logit", S.logit, _between(0.1, 0.9)),
        unary("sps.log_expit", S.log_expit),
        unary("sps.erf", S.erf),
        unary("sps.erfc", S.erfc),
        unary("sps.erfcx", S.erfcx),
        unary("sps.erfinv", S.erfinv, "unit"),
        unary("sps.erfcinv", S.erfcinv, _between(0.2, 1.8)),
        unary("sps.ndtr", S.ndtr),
        unary("sps.ndtri", S.ndtri, _between(0.1, 0.9)),
        unary("sps.log_ndtr", S.log_ndtr),
        row("sps.log_ndtr-tail", S.log_ndtr, ("vector", Arg(VECTOR, _between(-30.0, -10.0)))),
        unary("sps.gammaln", S.gammaln, "pos"),
        row("sps.gammaln-negative", S.gammaln, ("vector", Arg(VECTOR, _between(-2.9, -2.1)))),
        unary("sps.loggamma", S.loggamma, "pos"),
        unary("sps.gamma", S.gamma, "pos"),
        unary("sps.digamma", S.digamma, "pos"),
        unary("sps.psi", S.psi, "pos"),
        unary("sps.polygamma-1", S.polygamma1, "pos"),
        unary("sps.polygamma-3", S.polygamma3, "pos"),
        binary("sps.beta", S.beta, "pos", "pos"),
        binary("sps.betaln", S.betaln, "pos", "pos"),
        unary("sps.gammainc", S.gammainc, "pos"),
        unary("sps.gammaincc", S.gammaincc, "pos"),
        unary("sps.multigammaln", S.multigammaln, _between(1.5, 4.0)),
        binary("sps.xlogy", S.xlogy, "real", "pos"),
        row("sps.xlogy-x0", S.xlogy, ("vector", Arg(VECTOR, lambda rng, s: 0.0 * rng.uniform(
            size=s)), Arg(VECTOR, "pos"))),
        binary("sps.xlog1py", S.xlog1py, "real", "gt-0.5"),
        unary("sps.entr", S.entr, "pos"),
        binary("sps.rel_entr", S.rel_entr, "pos", "pos"),
        binary("sps.kl_div", S.kl_div, "pos", "pos"),
        unary("sps.i0", S.i0),
        unary("sps.i1", S.i1),
        unary("sps.i0e", S.i0e, "nonzero"),
        unary("sps.i1e", S.i1e, "nonzero"),
        unary("sps.iv", S.iv, "pos"),
        unary("sps.j0", S.j0), unary("sps.j1", S.j1),
        unary("sps.y0", S.y0, "pos"), unary("sps.y1", S.y1, "pos"),
        unary("sps.jv", S.jv, "pos"), unary("sps.yv", S.yv, "pos"),
        unary("sps.rgamma", S.rgamma, "pos"),
        unary("sps.ive", S.ive, "nonzero"),
        row("sps.iv-orders", S.iv_orders, ("vector", Arg((3,), "pos")),
            ("bcast", Arg((2, 1), "pos"))),
        unary("sps.expm1", S.expm1),
        unary("sps.log1p", S.log1p, "gt-0.5"),
        unary("sps.exp2", S.exp2),
        unary("sps.exp10", S.exp10),
        unary("sps.cbrt", S.cbrt, "nonzero"),
    ]


ROWS = _rows() if HAS_SCIPY else []
