"""Op-table rows of numpy's scalar types called as functions: np.float64(x) converts as
float(x) does (of an array, a float64 array), with the cast's derivative (it was refused,
"no derivative rule for numpy.float64", where float(x) was taken: stranger13's bug1)."""

import ops_casts as F
from optable import Arg, row

ROWS = [
    row("np.float64", F.float64_of_item, ("vector", Arg((3,)))),
    row("np.float64-array", F.float64_of_array, ("vector", Arg((3,))), ("matrix", Arg((2, 3)))),
]
