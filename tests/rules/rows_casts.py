"""Op-table rows of numpy's scalar types called as functions: np.float64(x) converts as
float(x) does (of an array, a float64 array), with the cast's derivative (it was refused,
"no derivative rule for numpy.float64", where float(x) was taken: stranger13's bug1);
np.float32(x) likewise, as x.astype(np.float32) (it was refused: stranger22's finding 8)."""

import ops_casts as F
from optable import Arg, row

def _near_1e5(rng, shape):
    """Values of magnitude 0.5e-5 to 1.5e-5, either sign: float32's rounding of them
    (about 1e-12) moves a central difference of step 1e-6 by about 1e-6 at most."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.5e-5, 1.5e-5, shape)


ROWS = [
    row("np.float64", F.float64_of_item, ("vector", Arg((3,)))),
    row("np.float64-array", F.float64_of_array, ("vector", Arg((3,))), ("matrix", Arg((2, 3)))),
    row("np.float32", F.float32_of_item, ("vector", Arg((3,), _near_1e5))),
    row("np.float32-array", F.float32_of_array, ("vector", Arg((3,), _near_1e5)),
        ("matrix", Arg((2, 3), _near_1e5))),
]
