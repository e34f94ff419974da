"""Op-table rows of rules added where a README-only user found none: np.fmod (math.fmod),
np.logspace in start and stop, np.logaddexp.reduce (axis, keepdims, axis=None, where=
with an initial value)."""

import numpy as np

import ops_gaps23 as F
from optable import Arg, binary, row


def _fmod_smooth(a, b=0.7):
    """fmod(a, b) away from its jumps: a / b not close to an integer."""
    frac = np.mod(np.asarray(a) / np.asarray(b), 1.0)
    return bool(np.all((frac > 0.05) & (frac < 0.95)))


ROWS = [
    binary("np.fmod", F.fmod, "real", "nonzero", valid=_fmod_smooth),
    row("np.fmod-const", F.fmod_const, ("vector", Arg((4,))), ("matrix", Arg((2, 3))),
        valid=_fmod_smooth),
    row("math.fmod", F.math_fmod, ("numbers", Arg(()), Arg((), "nonzero")),
        valid=_fmod_smooth),
    row("np.logspace", F.logspace, ("scalars", Arg(()), Arg(())),
        ("vectors", Arg((2,)), Arg((2,))), ("bcast", Arg((2,)), Arg(()))),
    row("np.logspace-base-axis", F.logspace_base_axis, ("vectors", Arg((2,)), Arg((2,))),
        ("matrix-bcast", Arg((2, 3)), Arg((3,)))),
    row("np.logaddexp.reduce", F.logaddexp_reduce, ("vector", Arg((4,))),
        ("matrix", Arg((3, 4)))),
    row("np.logaddexp.reduce-axis", F.logaddexp_reduce_axis, ("matrix", Arg((3, 4)))),
    row("np.logaddexp.reduce-all", F.logaddexp_reduce_all, ("matrix", Arg((3, 4)))),
    row("np.logaddexp.reduce-where", F.logaddexp_reduce_where, ("matrix", Arg((2, 3)))),
]
