"""The checker's finite differences: the central-difference Jacobian of a program over the
arguments it differentiates (:mod:`s2sad.testing`'s, one argument at a time, side by side),
with the one-sided differences that show a kink where central ones agree, and the columns
of an array argument given in another memory layout (``input_layout``: Fortran order, a
transposed or a strided view), each point the argument in its own layout with one item
moved, so that a function reading memory order sees what it is given.  The steps and
tolerances are the checker's (``EPS_REF``, ``EPS_CHECK``...)."""

import numpy as np

from s2sad import testing
from s2sad.fuzz.agreement import _flatten

def _fd_jacobian(f, params, wrt, eps, center=None):
    """Central differences: (n_outputs, n_inputs) over the wrt arguments, in float64
    (:mod:`s2sad.testing`'s, one argument at a time, side by side).

    Given ``center`` (the flattened output at the sample point), also the
    one-sided differences ``(forward, backward)``: at a kink they differ by the
    jump in slope even where central differences of every step agree (a tie
    of ``max`` between two linear pieces).
    """
    args = [p.fresh() for p in params]
    parts = [_fd_in_layout(f, params, index, eps, center)
             if params[index].kind == "float" and params[index].layout != "C"
             else testing._fd_jacobian(f, args, index, eps, center)[1:] for index in wrt]
    blocks = [np.concatenate(kind, axis=1) for kind in zip(*parts)]
    return blocks[0] if center is None else tuple(blocks)


def _fd_in_layout(f, params, index, eps, center=None):
    """:func:`s2sad.testing._fd_jacobian`'s columns (and one-sided differences) for an
    array argument given in another memory layout (``input_layout``): each point is the
    argument in its own layout, one item moved (``testing`` copies to C order)."""
    shape = params[index].fresh().shape
    columns, forward, backward = [], [], []
    for k in range(int(np.prod(shape, dtype=int))):
        at = np.unravel_index(k, shape)
        points = []
        for step in (eps, -eps):
            args = [p.fresh() for p in params]   # (f may write into its arguments)
            args[index][at] += step
            points.append(_flatten(list(testing._outputs(f(*args)))))
        columns.append((points[0] - points[1]) / (2.0 * eps))
        if center is not None:
            forward.append((points[0] - center) / eps)
            backward.append((center - points[1]) / eps)
    jac = np.stack(columns, axis=1)
    if center is None:
        return (jac,)
    return jac, np.stack(forward, axis=1), np.stack(backward, axis=1)
