"""numba versions of the checks and container helpers generated loops call:
``ensure_scalar_output``, ``loop_items``, ``add_item`` and ``first_extreme`` (of
:mod:`s2sad.runtime`).

A refusal that the types alone decide (a complex, None or string output) raises the
numpy helper's own error, made when numba types the call; an array output raises
numpy's ValueError with its shape.  Called from Python, each name runs the numpy helper.
"""

import numpy as np
from numba import types
from numba.extending import overload, register_jitable

from ...errors import S2sadError
from ...runtime import dicts as _numpy_dicts
from ...runtime import guards as _numpy_guards
from ...runtime import trees as _numpy_trees
from .kinds import is_array, is_leaf, is_none, is_real_number


def ensure_scalar_output(value, function_name):
    """:func:`s2sad.runtime.ensure_scalar_output` (numba: see the module)."""
    return _numpy_guards.ensure_scalar_output(value, function_name)


def loop_items(sequence):
    """:func:`s2sad.runtime.loop_items` (numba: see the module)."""
    return _numpy_dicts.loop_items(sequence)


def first_extreme(items, largest):
    """:func:`s2sad.runtime.first_extreme` (numba: see the module)."""
    return _numpy_dicts.first_extreme(items, largest)


def add_item(bar, key, g):
    """:func:`s2sad.runtime.add_item` (numba: see the module)."""
    return _numpy_trees.add_item(bar, key, g)


@overload(ensure_scalar_output, prefer_literal=True)
def _ensure_scalar_output(value, function_name):
    if is_real_number(value) or (is_array(value, 0) and is_real_number(value.dtype)):
        return lambda value, function_name: None
    if is_array(value) and is_real_number(value.dtype):
        def refuse_array(value, function_name):
            # (not inlined: numba < 0.62 cannot lower a raise whose message is made
            # when the code runs in an overload inlined with inline="always")
            message = array_output_message(function_name, value.shape)
            raise ValueError(message)
        return refuse_array
    name = getattr(function_name, "literal_value", "the function")
    kind, message, hint = _refusal(_sample(value), name)
    if kind is None:
        return None   # a value numba types that the numpy helper accepts: not ported

    def refuse(value, function_name):
        raise kind(message, None, hint)
    return refuse


def _sample(numba_type):
    """A Python value of ``numba_type`` for the numpy helper to refuse, or None."""
    if isinstance(numba_type, types.Complex):
        return 1j
    if is_array(numba_type) and isinstance(numba_type.dtype, types.Complex):
        return np.zeros((1,) * numba_type.ndim, np.complex128)
    if isinstance(numba_type, (types.UnicodeType, types.StringLiteral)):
        return "text"
    if is_none(numba_type):
        return None
    return _NOT_SAMPLED


_NOT_SAMPLED = object()


def _refusal(sample, name):
    """The class, message and hint of the error the numpy helper raises for ``sample``
    (an s2sad error; ``(None, None, None)`` when it raises none)."""
    if sample is _NOT_SAMPLED:
        return None, None, None
    try:
        _numpy_guards.ensure_scalar_output(sample, name)
    except S2sadError as error:
        return type(error), error.message, error.hint
    return None, None, None


@register_jitable
def array_output_message(function_name, shape):
    """numpy's ``ensure_scalar_output`` message for an array output of ``shape``."""
    return ("the gradient of " + function_name + " is only defined for a scalar output, but "
            "it returned an array of shape " + shape_text(shape)
            + "; use s2sad.vjp for non-scalar outputs")


@register_jitable
def shape_text(shape):
    """``str(shape)`` for a tuple of ints, as Python writes it: ``(3,)``, ``(2, 3)``."""
    text = "("
    for i in range(len(shape)):
        text += ("" if i == 0 else ", ") + str(shape[i])
    return text + (",)" if len(shape) == 1 else ")")


@overload(loop_items, inline="always")
def _loop_items(sequence):
    if isinstance(sequence, types.DictType):
        return lambda sequence: [key for key in sequence.keys()]
    if isinstance(sequence, (types.Array, types.List, types.ListType, types.BaseTuple,
                             types.RangeType)):
        return lambda sequence: sequence
    return None


@overload(add_item, inline="always")
def _add_item(bar, key, g):
    if is_array(bar):   # an array adjoint the backward sweep owns: in place
        if is_none(g):
            return lambda bar, key, g: bar
        if is_array(g, 0):
            def add_number(bar, key, g):
                bar[key] = bar[key] + g[()]
                return bar
            return add_number

        def add_in_place(bar, key, g):
            bar[key] = bar[key] + g
            return bar
        return add_in_place
    if isinstance(bar, (types.List, types.ListType, types.DictType)):
        item = bar.value_type if isinstance(bar, types.DictType) else bar.dtype
        if not is_leaf(item):
            return None   # nested containers add leaf by leaf: the numpy helper does it
        if is_none(g):
            return lambda bar, key, g: bar

        def add(bar, key, g):
            bar[key] = bar[key] + g
            return bar
        return add
    if isinstance(bar, types.UniTuple) and is_leaf(bar.dtype):
        def add_to_tuple(bar, key, g):
            items = list(bar)
            items[key] = items[key] + g
            return items
        return add_to_tuple
    return None


@overload(first_extreme)
def _first_extreme(items, largest):
    if not isinstance(items, (types.Array, types.List, types.ListType, types.UniTuple)):
        return None
    item = items.dtype
    if not (is_real_number(item) and (not isinstance(items, types.Array) or items.ndim == 1)):
        return None   # arrays of rows, lists of arrays: Python's comparison is not a number's

    def position(items, largest):
        # Python's max/min: the first item no later one is strictly greater (less) than;
        # a NaN first stays (every comparison with it is False), as Python keeps it
        if len(items) == 0:
            raise ValueError(("max" if largest else "min") + "() arg is an empty sequence")
        best = 0
        for i in range(1, len(items)):
            if largest:
                if items[i] > items[best]:
                    best = i
            elif items[i] < items[best]:
                best = i
        return best
    return position
