"""Module state an opaque call changes and the function reads.

Input: each module name the normalizer's walk reads (``GlobalNames.use_global``), with
the object it denotes.  A name denoting a user's function that has a rule (declared
``s2sad.nondifferentiable``, or given ``s2sad.adjoint``/``tangent``) is an opaque
call: s2sad runs it as it is and does not see into it.  Its source tells what it
writes outside itself (``effects.outside_writes``: a global rebound, an item or
attribute of a module's object, a changing method of one).
Output: ``conflicts``, one per read of such state: ``(location, message, hint,
rebound)``.  The reverse sweep reads a module's object again (``w[i] * STATE["n"]``
gives its adjoint ``STATE["n"] * s_bar`` after the whole forward sweep ran), and
a number a global holds is taken in when the derivative is made: a read after the
opaque call changed it is not the value Python's read took.  ``pipeline`` refuses
each conflict in reverse mode (grad, vjp, hessian, hvp), and a ``rebound`` one (the
global a ``global`` statement rebinds) in forward mode too, which reads objects
where Python reads them.
"""

import gast

from ...errors import UnsupportedSyntaxError
from ...rules import registry
from ..parse import is_user_function
from .effects import outside_writes

#: values a helper cannot change in place: never the object of a write's key
_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset)


class OpaqueState:
    """Records opaque calls' writes and the reads of what they write (see the module
    docstring)."""

    def __init__(self, norm):
        self.norm = norm
        self.writers = {}     # key -> (callee name, words)
        self.reads = []       # (keys, name, location)
        self.conflicts = []   # (location, message, hint, rebound)

    def note(self, name, obj, node):
        """The walk reads the module's ``name`` (``obj``) at ``node``."""
        if is_user_function(obj) and registry.lookup(obj) is not None:
            new = {}
            for words, key in outside_writes(obj):
                if key is not None and key not in self.writers:
                    new[key] = self.writers[key] = (obj.__name__, words)
            for keys, read, location in self.reads:
                self._check(keys, read, location, new)
            return
        parsed = self.norm.parsed
        if isinstance(node, gast.FunctionDef):
            return   # (s2sad's own read, located at the def: an entry check's table)
        keys = {("name", id(parsed.globals), name)}
        if obj is not None and not isinstance(obj, _IMMUTABLE):
            keys.add(("object", id(obj)))
        location = parsed.location(node)
        self.reads.append((keys, name, location))
        self._check(keys, name, location, self.writers)

    def _check(self, keys, name, location, writers):
        for key in sorted(keys & writers.keys(), key=repr):
            callee, words = writers[key]
            rebound = key[0] == "name"
            taken = ("the derivative takes the number it holds when it is made" if rebound
                     else "the reverse sweep reads it again after the forward sweep ran")
            self.conflicts.append((location, (
                f"{name!r} is read here, and {callee} ({words}), a function s2sad runs "
                f"without seeing into it (it has a rule or is declared "
                f"s2sad.nondifferentiable), changes it: {taken}, not the value this read "
                f"takes"), (
                f"make {callee} return the value and use its result (s2sad keeps what each "
                f"call returns), or pass the value to the function as a parameter"),
                rebound))
            return


def refuse(normal, reverse):
    """Raise the first conflict of ``normal`` that the mode reads wrong (all in reverse
    mode, a rebound global's in forward mode)."""
    for location, message, hint, rebound in getattr(normal, "state_conflicts", ()):
        if reverse or rebound:
            raise UnsupportedSyntaxError(message, location, hint=hint)
