"""A user's cotangent or tangent checked against the value it stands for, by the API
(``s2sad.vjp``'s pullback, ``jvp``, ``hvp``) and by the modules the command line writes
(a ``--flavor vjp`` module's pullback, a ``--mode forward`` module's function): the
same structure, shapes and real numbers, or an error naming the path where it differs
(``output[1]["W"]: expected shape (3, 2), got (2,)``), a :class:`CotangentError` or
:class:`TangentError`.
"""

from .. import trees
from ..errors import CotangentError, TangentError, ValueTypeError
from ..values import _COMPLEX_HINT, problem
from .duck import is_duck
from .numpy_view import np
from .shapes import float_like

_ndarray = np.ndarray
_FLOAT64 = np.dtype(np.float64)


class _NotNumeric(trees.Mismatch):
    """A leaf that is no real number or array (None, a string, a complex number)."""


def describe_setting(value):
    """A non-numeric leaf in words: ``a str ('relu')``."""
    text = repr(value)
    return f"a {type(value).__name__}" + (f" ({text})" if len(text) <= 30 else "")


def _same_shape(have, want):
    """Whether two shapes agree, a length Dask does not know yet (``nan``, an axis of
    ``x[mask]``) agreeing with any: the lengths are compared when computed."""
    return len(have) == len(want) and all(
        a == b or a != a or b != b for a, b in zip(have, want))


def checked_tree(value, like, root, what, subject, error, hint, convert):
    """``value`` (``what``: "the cotangent given to the pullback of f") checked against
    ``like`` (``subject``: "the output", "the parameter 'p'"; named ``root`` in paths)
    and given its containers: the same structure (a list and a tuple stand for each
    other), the same shapes, real numbers; each leaf converted by
    ``convert(leaf, like_leaf)``.
    A structure or shape that differs raises ``error`` naming the path, as
    ``params[1]["W"]: expected shape (3, 2), got (2,)``; a leaf that is no real
    number a ValueTypeError naming it too."""
    def leaf(v, like_leaf):
        if not trees.is_numeric(like_leaf):
            # a setting (a string, None...) carries no derivative: it takes none
            if v is None or trees._is_zero_number(v):
                return 0.0
            raise trees.Mismatch((), f"this holds {describe_setting(like_leaf)}, which "
                                     f"carries no derivative: expected 0.0 or None, got "
                                     f"{trees.describe(v)}")
        found = problem(v)
        if found is not None:
            raise _NotNumeric((), found)
        if not _same_shape(np.shape(v), np.shape(like_leaf)):
            raise trees.Mismatch((), f"expected shape {np.shape(like_leaf)}, "
                                     f"got {np.shape(v)}")
        return convert(v, like_leaf)

    try:
        return trees.match(value, like, leaf)
    except _NotNumeric as exc:
        at = f" at {trees.path_text(root, exc.keys)}" if exc.keys else ""
        if "complex" in exc.detail:
            raise ValueTypeError(f"{what} is {exc.detail}{at}; s2sad does not differentiate "
                                 f"complex values", hint=_COMPLEX_HINT) from None
        raise ValueTypeError(f"{what} is {exc.detail}{at}, not a number or an array of "
                             f"numbers, so it has no derivative",
                             hint="pass floats or float arrays") from None
    except trees.Mismatch as exc:
        raise error(f"{what} does not fit {subject}: {exc.text(root)}",
                    hint=hint) from None


def _as_cotangent(ct, out):
    if is_duck(ct):
        return ct if ct.dtype.kind == "f" else ct.astype(float_like(ct.dtype))
    return np.asarray(ct, dtype=float_like(ct)) if np.ndim(ct) else float_like(ct).type(ct)


def check_cotangent(ct, out, where, name):
    """The cotangent ``ct`` checked against the output ``out`` it stands for, with
    the same structure (tuple, list, dict, nested), shapes and real float leaves;
    a :class:`CotangentError` naming the path where it differs otherwise
    (``output[1]["W"]: expected shape (3, 2), got (2,)``).  A list output takes a
    tuple of the same length too (and a tuple output a list)."""
    if ct.__class__ is out.__class__ is _ndarray and ct.shape == out.shape \
            and ct.dtype is _FLOAT64:
        return ct   # the common case, kept cheap
    return checked_tree(
        ct, out, where or "output", f"the cotangent given to the pullback of {name}",
        "the output", CotangentError,
        "pass one cotangent per output, shaped like it (a tuple for a tuple output, a "
        "dict with the same keys for a dict output, nested as the output is)",
        _as_cotangent)


def _tangent_leaf(t, like):
    if is_duck(t) or is_duck(like):
        dtype = np.result_type(float_like(like.dtype if is_duck(like) else like),
                               float_like(t.dtype if is_duck(t) else t))
        return t.astype(dtype) if is_duck(t) and t.dtype != dtype else \
            (t if is_duck(t) else np.asarray(t, dtype=dtype))
    dtype = float_like(like)
    if isinstance(like, np.ndarray) or np.ndim(like) > 0:
        return np.asarray(t, dtype=np.result_type(dtype, float_like(t)))
    if isinstance(t, complex) or dtype.kind == "c":
        return complex(t)
    return float(t)


def as_tangent(t, like, label, what="the tangent"):
    """The tangent ``t`` given for the parameter ``label`` (whose value is ``like``),
    checked and given ``like``'s structure: a container's tangent is a container of
    the same structure (a list and a tuple stand for each other, a dict has the same
    keys), nested, each leaf shaped like its parameter leaf; otherwise a
    :class:`TangentError` naming the path (``params[1]["W"]: expected shape (3, 2),
    got (2,)``)."""
    if t.__class__ is like.__class__ is np.ndarray and t.shape == like.shape \
            and t.dtype is like.dtype and t.dtype.kind == "f":
        return t   # the common case, kept cheap
    if t.__class__ is like.__class__ is float:
        return t
    return checked_tree(
        t, like, label, f"{what} for {label!r}", f"the parameter {label!r}", TangentError,
        f"pass a tangent shaped like {label!r} (for a container, a container of the same "
        f"structure: a tuple for a tuple, a dict with the same keys, nested as it is)",
        _tangent_leaf)
