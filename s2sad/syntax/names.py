"""Deterministic naming of temporaries, SSA versions and adjoints.

A :class:`Namer` hands out names that do not collide with any name the user's
function mentions, with Python keywords, or with each other.  The same
requests in the same order always give the same names: no counters shared
between functions, no randomness.
"""

import builtins
import keyword

_BUILTINS = frozenset(dir(builtins))


class Namer:
    """Hands out fresh identifiers.

    ``reserved`` are names that may never be handed out (the user's names and
    the names generated code refers to).  ``fresh(base)`` returns ``base`` if it
    is free, else ``base_1``, ``base_2``, ...
    """

    def __init__(self, reserved=()):
        self._taken = set(reserved)

    def reserve(self, name):
        self._taken.add(name)

    def is_taken(self, name):
        return name in self._taken

    def fresh(self, base):
        base = _sanitize(base)
        if base in _BUILTINS or keyword.iskeyword(base):
            base = base + "_val"
        name = base
        counter = 1
        while name in self._taken:
            name = f"{base}_{counter}"
            counter += 1
        self._taken.add(name)
        return name

    def version(self, user_name):
        """A new SSA version of ``user_name``: ``x_1``, ``x_2``..."""
        counter = 1
        while True:
            name = f"{user_name}_{counter}"
            if name not in self._taken:
                self._taken.add(name)
                return name
            counter += 1

    def adjoint(self, name):
        return self.fresh(f"{name}_bar")

    def tangent(self, name):
        return self.fresh(f"{name}_dot")


def _sanitize(base):
    chars = [c if (c.isalnum() or c == "_") else "_" for c in base]
    text = "".join(chars).strip("_") or "tmp"
    if text[0].isdigit():
        text = "v" + text
    return text
