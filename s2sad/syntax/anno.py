"""Annotations carried on gast nodes between passes.

Each key is a module-level constant whose name says what it holds, so a reader
of any pass can grep for the key to find who writes and who reads it.
"""

#: SourceRef of the user statement a normalized statement came from.
SOURCE = "s2sad_source"
#: The Python object a callee expression resolves to (e.g. ``numpy.tanh``).
CALLEE = "s2sad_callee"


def get(node, key, default=None):
    return getattr(node, key, default)


def set(node, key, value):  # noqa: A001 - mirrors getattr/setattr
    setattr(node, key, value)
    return node


def copy(src, dst, *keys):
    for key in keys:
        if hasattr(src, key):
            setattr(dst, key, getattr(src, key))
    return dst

#: on a normalized For/While: the names carried from one iteration to the next
CARRIED = "s2sad_carried"
#: on a normalized While: the name counting its iterations
TRIPS = "s2sad_trips"
#: on the BinOp a name's augmented assignment ``x += v`` becomes (``x_1 = x + v``): numpy
#: does it in place for an array, keeping x's dtype (checked when the code runs)
IN_PLACE = "s2sad_in_place"
#: on the ``Expr`` statement desugaring puts before a starred assignment's items
#: (``a, *rest = xs``): how many values the unpacked list must hold at least
UNPACK_CHECK = "s2sad_unpack_check"
#: identifier of the forward transform's symbolic zero tangent marker (a ``Name``); it
#: never reaches emitted code
ZERO_ID = "__s2sad_zero__"
#: on a symbolic zero marker: the atom whose shape the zero has (None: a scalar zero)
ZERO_OF = "s2sad_zero_of"
#: attribute of the runtime functions that stand for tape operations ("push" or "pop")
TAPE_OP = "s2sad_tape_op"
#: on a normalized call of a user function: the call as the user wrote it (its location)
CALL_SITE = "s2sad_call_site"
