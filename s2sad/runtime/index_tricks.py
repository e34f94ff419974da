"""``np.r_[a, u, b]`` and ``np.c_[u, v]`` as calls (``syntax.item_calls`` lowers them).

numpy's ``np.r_`` and ``np.c_`` are objects whose ``__getitem__`` joins the pieces of
its key: ``np.r_`` each piece made at least 1-d (a number one item), joined along the
first axis; ``np.c_`` each made at least 2-d (a 1-d one a column), joined along the
last.  Written as items they would be read as constants; the normalizer calls these
helpers instead, with the pieces in a list (no slice and no string among them: those
are left as items, and refused where they carry a derivative).  Both compute numpy's
own result (its dtype too); their adjoints are the slices of ``g`` each piece became,
in the piece's shape, and linear in ``g``; the tangent is the join of the tangents.
"""

from .numpy_view import np

from ..rules.records import fact
from .shapes import split_at


@fact(allocates=True, linear=("pieces",))
def r_joined(pieces):
    """``np.r_[pieces[0], pieces[1], ...]``."""
    return np.r_[tuple(pieces)]


@fact(allocates=True, linear=("pieces",))
def c_joined(pieces):
    """``np.c_[pieces[0], pieces[1], ...]``."""
    return np.c_[tuple(pieces)]


def _widths(pieces, axis, least):
    return [np.shape(p)[axis] if np.ndim(p) >= least else 1 for p in pieces]


@fact(view=True, linear=("g",))
def r_joined_bar(g, pieces):
    """Adjoint of ``r_joined(pieces)``: a list, the slice of ``g`` along its first axis
    each piece became, in the piece's shape."""
    parts = split_at(g, _widths(pieces, 0, 1), 0)
    return [np.reshape(part, np.shape(p)) for part, p in zip(parts, pieces)]


@fact(view=True, linear=("g",))
def c_joined_bar(g, pieces):
    """Adjoint of ``c_joined(pieces)``: a list, the slice of ``g`` along its last axis
    each piece became (one column for a number or a 1-d piece), in the piece's shape."""
    parts = split_at(g, _widths(pieces, -1, 2), -1)
    return [np.reshape(part, np.shape(p)) for part, p in zip(parts, pieces)]
