"""What a numba type is, for the helpers' typing-time dispatch: a number, an array (of
which dimension), a list or tuple of numbers and arrays.
"""

from numba import types


def is_number(t):
    """A real or complex scalar, or a bool (numba's Number and Boolean types)."""
    return isinstance(t, (types.Number, types.Boolean))


def is_real_number(t):
    return isinstance(t, (types.Integer, types.Float, types.Boolean))


def is_array(t, ndim=None):
    return isinstance(t, types.Array) and (ndim is None or t.ndim == ndim)


def is_scalar_like(t):
    """A number or a 0-d array: what has the shape ``()``."""
    return is_number(t) or is_array(t, 0)


def is_leaf(t):
    """A number or an array: what an adjoint leaf is (no container inside)."""
    return is_number(t) or is_array(t)


def tuple_length(t):
    """The length of a tuple type (a shape), or None for anything else."""
    if isinstance(t, types.BaseTuple):
        return len(t)
    return None


def is_none(t):
    return t is None or isinstance(t, (types.NoneType, types.Omitted))
