"""Adjoint rules of the helpers of the ``scipy.special`` rules
(:mod:`s2sad.scipy_special_runtime`), for reverse mode over generated gradient code
(issue 15).  Loaded by :mod:`.scipy_special` (scipy stays optional); their tangent rules
are registered there.
"""

from ..runtime.adjoints_linalg import reshape_back
from ..runtime.shapes import unbroadcast
from ..scipy_special_runtime import lse_keep, lse_weigh, multi_polygamma
from .registry import adjoint


# (lse_keep gives g the reduced axes back, with length 1)
@adjoint(lse_keep, nondiff=("a", "b", "axis", "keepdims", "return_sign"))
def lse_keep_adjoint(y, y_bar, g, a, b=None, axis=None, keepdims=False, return_sign=False):
    return reshape_back(y_bar, g)


@adjoint(lse_weigh)
def lse_weigh_adjoint(y, y_bar, w, b=None):
    return unbroadcast(lse_weigh(y_bar, b), w), unbroadcast(y_bar * w, b)


@adjoint(multi_polygamma, nondiff=("n", "d"))
def multi_polygamma_adjoint(y, y_bar, n, a, d):
    return y_bar * multi_polygamma(n + 1, a, d)
