"""numba versions of three checks generated code makes as it runs: ``check_bound`` (a
name read after a loop that may have run no trip), ``ensure_same_kind`` (``x *= v`` where
``x`` may be an integer array) and ``ensure_plain_item`` (an item read with a key
carrying a derivative: in numba code the object is an array, a tuple or a list, whose
items are read through the container, so the check holds).

``check_bound`` takes, in numba code, the *flag* the numba target keeps beside a name
that may hold no value (``i_set``; see ``backends.numba_target``), where the numpy code
passes the name's value and compares it with ``UNBOUND``.  A failed ``check_bound``
raises the numpy helper's own error (``UnboundVariableError``, an ``UnboundLocalError``
naming the variable, its file and line: ``refusals``), where its arguments are constants,
as generated code writes them; else, and for ``ensure_same_kind``, the compiled code raises
a plain error; the numba backend then runs the numpy code, which raises s2sad's located
error (see ``api.numba_backend``).  Called from Python,
each name runs the numpy helper.
"""

from numba import types
from numba.extending import overload

from ...runtime import checks as _numpy_checks
from ...runtime import guards as _numpy_guards
from ...runtime import object_items as _numpy_items
from .indexing import may_share
from .kinds import is_array, is_leaf
from .refusals import literal, refusal, refusal_unknown


def check_bound(value, name, filename, line, column):
    """:func:`s2sad.runtime.check_bound` (numba: the name's flag; see the module)."""
    return _numpy_checks.check_bound(value, name, filename, line, column)


def check_not_shared(written, other, message, hint, filename, line, column):
    """:func:`s2sad.runtime.check_not_shared` (numba: two arrays whose memory may overlap
    fail, and the numpy code, run then, tells whether they share it)."""
    return _numpy_checks.check_not_shared(written, other, message, hint, filename, line,
                                          column)


def ensure_same_kind(array, value, filename, line, column):
    """:func:`s2sad.runtime.ensure_same_kind` (numba: see the module)."""
    return _numpy_guards.ensure_same_kind(array, value, filename, line, column)


def ensure_plain_item(obj, key, filename, line, column):
    """:func:`s2sad.runtime.ensure_plain_item` (numba: see the module)."""
    return _numpy_items.ensure_plain_item(obj, key, filename, line, column)


@overload(ensure_plain_item, inline="always")
def _ensure_plain_item(obj, key, filename, line, column):
    if not (is_array(obj) or isinstance(obj, (types.BaseTuple, types.List))):
        return None   # (no other object reaches numba code)
    return lambda obj, key, filename, line, column: True


@overload(check_bound, prefer_literal=True, inline="always")
def _check_bound(value, name, filename, line, column):
    if not isinstance(value, types.Boolean):
        return None   # only the flag the numba target writes
    constants = [literal(t) for t in (name, filename, line, column)]
    kind, raised = None, None
    if not any(c is refusal_unknown for c in constants):   # (the numpy helper's error)
        kind, raised = refusal(_numpy_checks.check_bound, _numpy_checks.UNBOUND, *constants)
    if kind is not None:
        names = ", ".join(f"c{i}" for i in range(len(raised)))
        scope = {"kind": kind, **{f"c{i}": c for i, c in enumerate(raised)}}
        exec(f"def check(value, name, filename, line, column):\n    if not value:\n"
             f"        raise kind({names})\n    return True\n", scope)
        return scope["check"]

    def check(value, name, filename, line, column):
        if not value:
            raise UnboundLocalError("a local variable is read where it holds no value")
        return True
    return check


@overload(check_not_shared, inline="always")
def _check_not_shared(written, other, message, hint, filename, line, column):
    if is_leaf(written) and is_leaf(other) and not (is_array(written) and is_array(other)):
        return lambda written, other, message, hint, filename, line, column: True   # a number
    if isinstance(written, types.List) and is_leaf(other):
        # (a list changed in place: no number or array changes with it)
        return lambda written, other, message, hint, filename, line, column: True
    if is_array(written) and isinstance(other, types.List) and is_array(other.dtype):
        def items(written, other, message, hint, filename, line, column):
            for item in other:   # (an array of a list read later: a view of written?)
                if may_share(written, item):
                    raise ValueError("a write into an array whose memory an array of a "
                                     "list read later may share")
            return True
        return items
    if not (is_array(written) and is_array(other)):
        return None   # (other containers: the numpy code)

    def check(written, other, message, hint, filename, line, column):
        if may_share(written, other):
            raise ValueError("a write into an array whose memory another array read later "
                             "may share")
        return True
    return check


@overload(ensure_same_kind, inline="always")
def _ensure_same_kind(array, value, filename, line, column):
    if not is_array(array):
        return lambda array, value, filename, line, column: array   # a number: a new value
    if not array.mutable:
        def read_only(array, value, filename, line, column):
            raise ValueError("output array is read-only")
        return read_only
    if isinstance(array.dtype, (types.Float, types.Complex)):
        return lambda array, value, filename, line, column: array
    item = value.dtype if is_array(value) else value
    if isinstance(array.dtype, types.Integer) and isinstance(item, types.Integer) \
            and not isinstance(item, types.Boolean):
        return lambda array, value, filename, line, column: array

    def refuse(array, value, filename, line, column):
        raise TypeError("an augmented assignment would store a result numpy refuses to cast")
    return refuse


def float64_arguments(*values):
    """In a module ``s2sad grad --target numba`` wrote: ``values`` (the arguments of the
    compiled function) with each float32 or float16 array, or numpy scalar, as float64
    (complex64 as complex128), in tuples too.  The code s2sad generates computes its
    adjoints in float64 (``1.0 / n``): numba, unlike numpy, does not cast them down to an
    argument's float32 and refuses the mixed products (``X.T @ g``); the API runs the numpy
    code there instead.  The values are the same numbers, the results float64 arrays.  A
    function writing into an argument gets its widened arrays written back
    (:func:`written_back`)."""
    return tuple(_float64(value) for value in values)


def written_back(given, widened):
    """After the compiled code of a function writing into its arguments ran on
    ``widened`` (:func:`float64_arguments` of ``given``): each array of ``given`` that was
    widened gets the items the code wrote, cast back to its dtype, as numpy's code
    writes into it."""
    for original, value in zip(given, widened):
        if value is not original and getattr(original, "ndim", 0) \
                and hasattr(original, "flags") and original.flags.writeable:
            original[...] = value


def _float64(value):
    dtype = getattr(value, "dtype", None)
    if value.__class__ is tuple:
        return tuple(_float64(item) for item in value)
    if dtype is None or not hasattr(value, "astype"):
        return value
    if dtype.kind == "f" and dtype.itemsize < 8:
        return value.astype("float64")
    if dtype.kind == "c" and dtype.itemsize < 16:
        return value.astype("complex128")
    return value


_SCANNED = {}   # id of a dispatcher -> how many of its signatures were checked


def check_integers(dispatcher, module_file):
    """In a module ``s2sad grad --target numba`` wrote: raise an s2sad error, naming
    the line, when a signature of ``dispatcher`` compiled since the last check multiplies
    integers numba computes differently from Python (``api.numba_integers``); the API
    runs the numpy code there instead."""
    from ...api.numba_integers import hazard
    from ...errors import S2sadError, located_in_written_module
    signatures = dispatcher.signatures
    done = _SCANNED.get(id(dispatcher), 0)
    if done == len(signatures):
        return
    for signature in signatures[done:]:
        found = hazard(dispatcher, signature, module_file)
        if found is not None:
            line, symbol = found
            where = located_in_written_module(module_file, line)
            raise S2sadError(
                ("" if where is not None else f"{module_file}, line {line}: ")
                + f"'{symbol}' of two integers, which numba computes in 64 bits (a "
                f"negative power of an integer is 0, and a product past 2**63 wraps "
                f"around) where Python's own integers grow: this result may not be "
                f"Python's (line {line} of the module written for it)", where,
                hint="where the value is a number, not an index, make one operand a float "
                     "(1.0 * k, 2.0 ** -i); an index must stay an integer: there write the "
                     "module with --target numpy")
    _SCANNED[id(dispatcher)] = len(signatures)
