"""Derivatives given the structure of the values they belong to, and the values a
user passes in (cotangents, tangents, directions) checked against theirs.

``match_gradient`` / ``match_derivative`` take what generated code returned and
give it the type, shape and containers of its argument or output (a tuple stays a
tuple, a dict keeps its keys and their order); ``check_cotangent`` and
``as_tangent`` check a user's cotangent or tangent and raise an error naming the
path where it differs (``params[1]["W"]: expected shape (3, 2), got (2,)``).
"""

import numpy as np

from .. import trees
from ..errors import NonScalarOutputError, S2sadError
from ..rules import users as user_rules
from ..runtime import float_like
from ..runtime.duck import as_like, is_duck, shape_meta
# (the checks of a user's cotangent or tangent: the runtime's, as written modules call them)
from ..runtime.given import as_tangent, check_cotangent, checked_tree  # noqa: F401
from ..values import complex_leak, is_complex, refuse_value

_ndarray = np.ndarray


def match_gradient(g, like, func=None):
    """Give the gradient ``g`` the type and shape of the argument ``like`` (of ``func``)."""
    if g.__class__ is _ndarray and like.__class__ is _ndarray and g.shape == like.shape \
            and (g.dtype is like.dtype or g.dtype == like.dtype):
        return g   # already right: the common case, kept cheap
    if g.__class__ is float and like.__class__ is float:
        return g
    if g is None or isinstance(like, (list, tuple, dict)):
        return match_tree(g, like, func)
    if isinstance(like, (str, bytes)):   # no number: no derivative, whatever f made of it
        return 0.0
    if is_duck(g) or is_duck(like):   # a Dask argument's gradient is a Dask array
        return lazy_derivative(as_like(g, like), like, func, "gradient")
    if is_complex(g):   # real arguments (checked): a complex intermediate leaked
        raise complex_leak(func, "gradient")
    if isinstance(like, np.ndarray):
        g = np.asarray(g, dtype=float_like(like))
        if g.shape != like.shape:
            raise _wrong_shape("a gradient", g.shape, f"an argument of shape {like.shape}")
        return g
    if isinstance(like, np.generic):
        if np.ndim(g) != 0:   # (np.float64 of an array of one element is that array)
            raise _wrong_shape("a gradient", np.shape(g), "a scalar argument")
        dtype = float_like(like)
        return dtype.type(g)
    if isinstance(like, complex):
        return complex(g)
    if isinstance(like, (int, float)):
        if np.ndim(g) != 0:
            raise _wrong_shape("a gradient", np.shape(g), "a scalar argument")
        return float(g)
    return g


def _wrong_shape(what, shape, belongs):
    """The error for a derivative of the shape ``shape`` computed for ``belongs``: a rule
    of the user's that returns an adjoint of another shape than its parameter's (without
    ``broadcast=True``) makes one; else it is s2sad's mistake."""
    rules = user_rules.unbroadcast_adjoints()
    if not rules:
        return S2sadError(f"internal error: {what} of shape {shape} was computed for "
                          f"{belongs}; please report this")
    named = ", ".join(f"{fn} (of {label})" for fn, label in rules)
    return S2sadError(
        f"{what} of shape {shape} was computed for {belongs}: an adjoint rule of yours "
        f"may return an adjoint of another shape than its parameter's (rules taken at the "
        f"shape they return, without broadcast=True: {named})",
        hint="give each adjoint its parameter's shape (reduce it: np.sum(..., axis=...), "
             "or the sum of all for a number), or declare the rule with broadcast=True if "
             "its parameters combine by numpy broadcasting; if no rule of yours is "
             "involved, this is an internal error: please report it")


def match_tree(g, like, func, match=None):
    """The derivative ``g`` of a container ``like`` given ``like``'s containers exactly
    (a tuple stays a tuple, a dict keeps its keys and their order, nested), each
    leaf matched by ``match`` (default :func:`match_gradient`); where generated code
    left ``None``, a key out or a zero number, the zeros of that part."""
    leaf = match or match_gradient
    try:
        return trees.complete(g, like, lambda gi, li: leaf(gi, li, func))
    except trees.Mismatch as exc:
        raise S2sadError(f"internal error: a derivative computed by generated code does "
                         f"not fit the value it belongs to: {exc.text('value')}; please "
                         f"report this") from None


def match_derivative(t, like, func=None):
    """Give the derivative ``t`` the type and shape of ``like`` (a value or an argument):
    a container's derivative has its containers exactly (see :func:`match_tree`)."""
    if t is None or isinstance(like, (list, tuple, dict)):
        return match_tree(t, like, func, match_derivative)
    if isinstance(like, (str, bytes)):   # no number: no derivative (float("1.5") reads it)
        return 0.0
    if is_duck(t) or is_duck(like):
        return lazy_derivative(as_like(t, like), like, func, "derivative")
    if is_complex(t):   # real arguments (checked): a complex intermediate leaked
        raise complex_leak(func, "derivative")
    shape = np.shape(like)
    if np.shape(t) != shape:
        raise _wrong_shape("a derivative", np.shape(t), f"a value of shape {shape}")
    if isinstance(like, np.ndarray):
        return np.asarray(t, dtype=np.result_type(float_like(like), float_like(t)))
    if isinstance(like, np.generic):
        return np.result_type(float_like(like), float_like(t)).type(t)
    if isinstance(like, (bool, int, float)) and not isinstance(t, complex) \
            and np.result_type(t).kind != "c":
        return float(t)
    return t


def lazy_derivative(g, like, func, what):
    """A derivative ``g`` that is an array of another library (a Dask array: see
    :mod:`s2sad.runtime.duck`) kept as it is, lazy, with the float dtype of ``like``:
    a gradient wrt a numpy array or a number that depends on Dask data is a Dask array
    of its shape (0-d for a number).  Only metadata is checked (a length Dask does not
    know yet is not compared)."""
    if g.dtype.kind == "c":
        raise complex_leak(func, what)
    shape, expected = shape_meta(g), np.shape(like) if not is_duck(like) else shape_meta(like)
    if len(shape) != len(expected) or any(
            n == n and m == m and n != m for n, m in zip(shape, expected)):   # (nan: unknown)
        raise S2sadError(f"internal error: a {what} of shape {shape} was computed for a value "
                         f"of shape {expected}; please report this")
    dtype = float_like(like) if not is_duck(like) else float_like(like.dtype)
    return g if g.dtype == dtype else g.astype(dtype)


def in_library_of(values, tangents):
    """The numpy array leaves of ``tangents`` as arrays of the duck library (Dask) of an
    array among the arguments ``values``, if there is one (``np.asarray(t, like=...)``,
    nothing computed): the generated code writes items of lazy values into tangents
    (``Z_dot[0] = ...``), which numpy's own item assignment would compute."""
    like = next((v for v in values if is_duck(v)), None)
    if like is None:
        return tangents
    return [trees.tree_map(lambda t: np.asarray(t, like=like) if t.__class__ is np.ndarray
                           else t, tangent) for tangent in tangents]


def check_scalar(value, func, what, rerun=None):
    """Refuse an output ``value`` of ``func`` that is no scalar (``what`` needs one);
    ``rerun``: see ``values.refuse_value``."""
    refuse_value(value, "the output", func.__name__, func, rerun)
    if isinstance(value, tuple) or np.ndim(value) != 0:
        shape = "a tuple" if isinstance(value, tuple) else f"an array of shape {np.shape(value)}"
        raise NonScalarOutputError(
            f"{what} of {func.__name__} needs a scalar output, but it returned {shape}",
            hint="use s2sad.jacobian for non-scalar outputs")
