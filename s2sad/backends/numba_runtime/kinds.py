"""What a numba type is, for the helpers' typing-time dispatch: a number, an array (of
which dimension), a list or tuple of numbers and arrays.
"""

from numba import typeof, types


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


def default_type(t):
    """The numba type of an argument left out (numba passes its default value, or
    ``Omitted(default)``): the default's type; any other type as it is."""
    if isinstance(t, types.Omitted):
        t = t.value
    if t is None or isinstance(t, types.Type):
        return t
    return typeof(t)


def is_none(t):
    """None, or an argument left out whose default is None."""
    t = default_type(t)
    return t is None or isinstance(t, types.NoneType)


def elementwise_case(*args):
    """``"numbers"`` when every argument is a number (or None), ``"arrays"`` when some
    are arrays of at least one dimension and the others numbers, arrays or None, else
    None (0-d arrays, containers: not ported).  The elementwise helpers compile scalar
    code for numbers and numpy's broadcasting expressions for arrays."""
    args = [default_type(t) for t in args]
    if any(not (is_none(t) or is_number(t) or (is_array(t) and t.ndim)) for t in args):
        return None
    return "arrays" if any(is_array(t) for t in args) else "numbers"


def on_numbers(expr, caller_info, callee_info):
    """numba's inlining choice for the elementwise helpers: inline a call on numbers
    (a few scalar operations, inside a loop, where a call would cost as much as its
    work), not one on arrays (numpy's broadcasting code, slow to compile again)."""
    return all(is_none(t) or is_number(t) for t in callee_info.signature.args)
