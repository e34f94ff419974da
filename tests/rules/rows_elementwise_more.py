"""Op-table rows of rules.elementwise_more (np.sinc, np.i0, np.float_power,
np.nan_to_num) and of the numpy constants and aliases issue 14 lists (np.heaviside,
np.sign, np.round, np.around: zero gradient; np.true_divide, np.positive, np.negative:
the operators' rules)."""

import numpy as np

import ops_elementwise_more as E
from optable import MATRIX, SCALAR, VECTOR, Arg, binary, row, unary


def _with_nonfinite(rng, shape):
    """Finite values with a NaN, an inf and a -inf among them (arrays of 6 or more)."""
    x = rng.standard_normal(shape)
    flat = x.reshape(-1)
    flat[1], flat[3], flat[4] = np.nan, np.inf, -np.inf
    return x


def _away_from_rounding(x):
    """x * 10 not close to a half-integer (np.round(x, 1) constant nearby)."""
    frac = np.mod(np.asarray(x) * 10.0, 1.0)
    return bool(np.all(np.abs(frac - 0.5) > 0.05))


ROWS = [
    unary("np.sinc", E.sinc),
    unary("np.sinc-near-0", E.sinc_near_zero),
    unary("np.i0", E.i0),
    row("np.i0-large", E.i0, ("vector", Arg((4,), lambda rng, s: rng.uniform(5.0, 40.0, s)))),
    binary("np.float_power", E.float_power, "pos", "real"),
    unary("np.float_power-const", E.float_power_const, "pos"),
    unary("np.nan_to_num", E.nan_to_num),
    row("np.nan_to_num-replaced", E.nan_to_num,
        ("vector", Arg((6,), _with_nonfinite)), ("matrix", Arg((2, 4), _with_nonfinite))),
    row("np.nan_to_num-replacements", E.nan_to_num_replacements,
        ("vector", Arg((6,), _with_nonfinite), Arg(SCALAR), Arg(SCALAR), Arg(SCALAR)),
        ("matrix", Arg((3, 4), _with_nonfinite), Arg(SCALAR), Arg(SCALAR), Arg(SCALAR))),
    # constants: their part of the gradient is zero
    unary("np.heaviside", E.heaviside_times, "nonzero"),
    unary("np.sign", E.sign_times, "nonzero"),
    row("np.round", E.round_plus, ("scalar", Arg(SCALAR)), ("vector", Arg(VECTOR)),
        ("matrix", Arg(MATRIX)), valid=_away_from_rounding),
    row("np.around", E.around_plus, ("scalar", Arg(SCALAR)), ("vector", Arg(VECTOR)),
        ("matrix", Arg(MATRIX)), valid=_away_from_rounding),
    # aliases of the operators' rules
    binary("np.true_divide", E.true_divide, "real", "nonzero"),
    unary("np.positive", E.positive),
    unary("np.negative", E.negative),
]
