"""Op-table rows of the array-making rules (s2sad/rules/creation_rules.py): np.full,
np.full_like, np.linspace, np.arange, whose values depend on numbers that may carry
derivatives (they were constants before issue 14: np.full(3, x) had a zero gradient)."""

import ops_creation as F
from optable import Arg, row


def _positive_step(rng, shape):
    return rng.uniform(0.6, 1.4, shape)


def _below_five(rng, shape):
    # start of np.arange(x, 5.0, s): away from a change in the number of values
    return rng.uniform(0.05, 0.35, shape)


ROWS = [
    row("np.full", F.full, ("scalar", Arg(())), ("vector-fill", Arg((3,)))),
    row("np.full-shaped", F.full_shaped, ("scalar", Arg(())), ("row", Arg((3,))),
        ("column", Arg((2, 1)))),
    row("np.full-int", F.full_int, ("scalar", Arg((), "pos"))),
    row("np.full_like", F.full_like, ("scalar", Arg(())), ("row", Arg((3,)))),
    row("np.linspace", F.linspace, ("scalars", Arg(()), Arg(())),
        ("vectors", Arg((2,)), Arg((2,))), ("bcast", Arg((2,)), Arg(()))),
    row("np.linspace-open", F.linspace_open, ("scalars", Arg(()), Arg(()))),
    row("np.linspace-axis", F.linspace_axis, ("vectors", Arg((2,)), Arg((2,)))),
    row("np.arange", F.arange, ("scalars", Arg((), _below_five), Arg((), _positive_step))),
    row("np.arange-stop", F.arange_stop_only, ("scalar", Arg((), lambda rng, s: 3.5))),
]
