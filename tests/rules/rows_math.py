"""Op-table rows of rules.math_rules: Python's math module, on Python floats only
(math's functions take one number)."""

import sys

import ops_math as M
from optable import SCALAR, Arg, row


def scalar(op, fn, *domains):
    return row(op, fn, ("scalar",) + tuple(Arg(SCALAR, d) for d in domains))


ROWS = [
    scalar("math.exp", M.exp, "real"),
    scalar("math.expm1", M.expm1, "real"),
    scalar("math.log", M.log, "pos"),
    scalar("math.log-base", M.log_base, "pos", "gt1"),
    scalar("math.log-base-10", M.log_base_keyword_free, "pos"),
    scalar("math.log1p", M.log1p, "gt-0.5"),
    scalar("math.log2", M.log2, "pos"),
    scalar("math.log10", M.log10, "pos"),
    scalar("math.sqrt", M.sqrt, "pos"),
    scalar("math.sin", M.sin, "real"),
    scalar("math.cos", M.cos, "real"),
    scalar("math.tan", M.tan, "unit"),
    scalar("math.asin", M.asin, "unit"),
    scalar("math.acos", M.acos, "unit"),
    scalar("math.atan", M.atan, "real"),
    scalar("math.sinh", M.sinh, "real"),
    scalar("math.cosh", M.cosh, "real"),
    scalar("math.tanh", M.tanh, "real"),
    scalar("math.asinh", M.asinh, "real"),
    scalar("math.acosh", M.acosh, "gt1"),
    scalar("math.atanh", M.atanh, "unit"),
    scalar("math.fabs", M.fabs, "nonzero"),
    scalar("math.degrees", M.degrees, "real"),
    scalar("math.radians", M.radians, "real"),
    scalar("math.atan2", M.atan2, "nonzero", "nonzero"),
    scalar("math.pow", M.pow_, "pos", "real"),
    scalar("math.copysign", M.copysign, "nonzero", "nonzero"),
    scalar("math.hypot", M.hypot, "nonzero", "nonzero"),
    scalar("math.erf", M.erf, "real"),
    scalar("math.erfc", M.erfc, "real"),
    # integers and flags: their part of the gradient is zero
    scalar("math.floor", M.floor_times, lambda rng, s: float(rng.uniform(0.1, 0.9)) + 1.0),
    scalar("math.isfinite", M.flags_times, "real"),
    scalar("math.factorial", M.integers_times, "real"),
]
if sys.version_info >= (3, 11):
    ROWS += [scalar("math.exp2", M.exp2, "real"), scalar("math.cbrt", M.cbrt, "pos")]
