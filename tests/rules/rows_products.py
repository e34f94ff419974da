"""Op-table rows of the products of issue 14: np.einsum (explicit and implicit
outputs, repeated indices, traces, ellipses, one to four operands), np.tensordot,
np.inner, np.vdot, np.kron, np.cross, np.matmul."""

import warnings

import numpy as np

import ops_products as F
from optable import Arg, row


def _crosses_2_vectors():
    """Whether this numpy's np.cross takes 2-element vectors (deprecated in numpy 2.0,
    a ValueError in newer numpy, where the rows' 2-vector cases have nothing to check)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            np.cross(np.ones(2), np.ones(2))
        except ValueError:
            return False
    return True


ROWS = [
    row("einsum-matmul", F.einsum_matmul, ("mat-mat", Arg((3, 4)), Arg((4, 2))),
        ("square", Arg((3, 3)), Arg((3, 3)))),
    row("einsum-implicit", F.einsum_implicit, ("mat-mat", Arg((3, 4)), Arg((4, 2)))),
    row("einsum-implicit-order", F.einsum_implicit_order, ("mat-mat", Arg((4, 3)), Arg((2, 4)))),
    row("einsum-trace", F.einsum_trace, ("matrix", Arg((3, 3)))),
    row("einsum-diagonal", F.einsum_diagonal, ("matrix", Arg((3, 3)))),
    row("einsum-diag-batch", F.einsum_diag_batch, ("tensor3", Arg((2, 3, 3)))),
    row("einsum-repeated-and-other", F.einsum_repeated_with_other,
        ("mat-mat", Arg((3, 3)), Arg((3, 2)))),
    row("einsum-sum-axis", F.einsum_sum_axis, ("matrix", Arg((3, 4)))),
    row("einsum-transpose", F.einsum_transpose, ("tensor3", Arg((2, 3, 4)))),
    row("einsum-outer", F.einsum_outer, ("vec-vec", Arg((3,)), Arg((4,)))),
    row("einsum-dot", F.einsum_dot, ("vec-vec", Arg((4,)), Arg((4,)))),
    row("einsum-ellipsis", F.einsum_ellipsis, ("batch", Arg((2, 3, 4)), Arg((2, 4, 2))),
        ("bcast-batch", Arg((2, 3, 4)), Arg((4, 2))), ("plain", Arg((3, 4)), Arg((4, 2)))),
    row("einsum-ellipsis-bcast", F.einsum_ellipsis_broadcast,
        ("matrix", Arg((3, 4)), Arg((4,))), ("tensor3", Arg((2, 3, 4)), Arg((4,))),
        ("vector", Arg((4,)), Arg((4,)))),
    row("einsum-three", F.einsum_three, ("chain", Arg((2, 3)), Arg((3, 4)), Arg((4, 2)))),
    row("einsum-four", F.einsum_four, ("mixed", Arg((3,)), Arg((3, 4)), Arg((4,)), Arg((2,)))),
    row("einsum-scalar", F.einsum_scalar, ("scalar-mat", Arg(()), Arg((2, 3)))),
    row("einsum-index-only-here", F.einsum_only_here, ("mat-vec", Arg((3, 4)), Arg((2,)))),
    row("einsum-size-one-bcast", F.einsum_broadcast_one,
        ("col-row", Arg((3, 1)), Arg((1, 4))), ("row", Arg((3, 4)), Arg((1, 4)))),
    row("einsum-quadratic", F.einsum_quadratic, ("matrix", Arg((3, 4)))),
    row("einsum-spaces", F.einsum_spaces, ("mat-mat", Arg((3, 4)), Arg((4, 2)))),
    row("tensordot", F.tensordot_default, ("3d-mat", Arg((2, 3, 4)), Arg((3, 4))),
        ("3d-3d", Arg((2, 3, 4)), Arg((3, 4, 2)))),
    row("tensordot-1", F.tensordot_int, ("mat-mat", Arg((3, 4)), Arg((4, 2))),
        ("3d-vec", Arg((2, 3, 4)), Arg((4,)))),
    row("tensordot-0", F.tensordot_zero, ("vec-mat", Arg((3,)), Arg((2, 2)))),
    row("tensordot-pairs", F.tensordot_pairs, ("3d-3d", Arg((2, 3, 4)), Arg((4, 2, 3)))),
    row("tensordot-single-axes", F.tensordot_single, ("mat-mat", Arg((3, 4)), Arg((4, 2)))),
    row("tensordot-quadratic", F.tensordot_quadratic, ("matrix", Arg((3, 4)))),
    row("inner", F.inner, ("vec-vec", Arg((4,)), Arg((4,))),
        ("mat-mat", Arg((3, 4)), Arg((2, 4))), ("3d-vec", Arg((2, 3, 4)), Arg((4,))),
        ("scalar-mat", Arg(()), Arg((2, 3)))),
    row("vdot", F.vdot, ("vec-vec", Arg((4,)), Arg((4,))), ("mat-mat", Arg((3, 4)), Arg((3, 4))),
        ("mat-vec", Arg((2, 3)), Arg((6,)))),
    row("vdot-quadratic", F.vdot_quadratic, ("vector", Arg((4,))), ("matrix", Arg((2, 3)))),
    row("kron", F.kron, ("vec-vec", Arg((3,)), Arg((2,))), ("mat-mat", Arg((2, 3)), Arg((3, 2))),
        ("vec-mat", Arg((3,)), Arg((2, 2))), ("mat-vec", Arg((2, 2)), Arg((3,))),
        ("scalar-vec", Arg(()), Arg((3,)))),
    row("kron-quadratic", F.kron_quadratic, ("vector", Arg((3,))), ("matrix", Arg((2, 2)))),
    row("cross", F.cross, ("vec-vec", Arg((3,)), Arg((3,))),
        ("mat-mat", Arg((4, 3)), Arg((4, 3))), ("bcast", Arg((4, 3)), Arg((3,))),
        ("bcast-lead", Arg((2, 1, 3)), Arg((4, 3))),
        *((("2-vectors", Arg((4, 2)), Arg((4, 2))), ("2-and-3-vectors", Arg((2,)), Arg((4, 3))))
          if _crosses_2_vectors() else ())),
    row("cross-axis0", F.cross_axis, ("mat-mat", Arg((3, 4)), Arg((3, 4))),
        ("bcast", Arg((3, 4)), Arg((3, 1)))),
    row("cross-axisa-axisc", F.cross_axes, ("mat-mat", Arg((3, 4)), Arg((4, 3)))),
    row("cross-quadratic", F.cross_quadratic, ("vector", Arg((3,))), ("matrix", Arg((2, 3)))),
    row("np.matmul-function", F.matmul_function, ("mat-mat", Arg((3, 4)), Arg((4, 2))),
        ("batch", Arg((2, 3, 4)), Arg((4, 2)))),
]
