"""det: the determinant by expansion by minors, and its gradient (reverse mode).

As in the reference, ``r`` and ``c`` link each row and column to the next one
still in the minor; the recursion unlinks one and links it back in place.
"""

import numpy as np

import s2sad


def prepare(input):
    return np.array(input["A"], dtype=np.float64), int(input["ell"])


def det_of_minor(A, n, m, r, c):
    """The determinant of the m x m minor of the n x n matrix A (flat, row-major)
    whose rows and columns r and c link, starting at r[n] and c[n]."""
    R0 = r[n]
    Cj = c[n]
    if m == 1:
        return A[R0 * n + Cj]
    detM = 0.0
    sign = 1
    # remove row R0 from every sub-minor
    r[n] = r[R0]
    Cj1 = n
    for j in range(m):
        M0j = A[R0 * n + Cj]
        # remove column Cj to form the sub-minor
        c[Cj1] = c[Cj]
        detS = det_of_minor(A, n, m - 1, r, c)
        # link column Cj back
        c[Cj1] = Cj
        if sign > 0:
            detM = detM + M0j * detS
        else:
            detM = detM - M0j * detS
        Cj1 = Cj
        Cj = c[Cj]
        sign = -sign
    # link row R0 back
    r[n] = R0
    return detM


def primal(A, ell):
    r = [0] * (ell + 1)
    c = [0] * (ell + 1)
    for i in range(ell):
        r[i] = i + 1
        c[i] = i + 1
    return det_of_minor(A, ell, ell, r, c)


def gradient(A, ell):
    return s2sad.grad(primal)(A, ell)

FUNCTIONS = {
    "primal": (primal, float),
    "gradient": (gradient, lambda g: g.tolist()),
}
