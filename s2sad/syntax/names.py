"""Deterministic naming of temporaries, SSA versions and adjoints.

A :class:`Namer` hands out names that do not collide with any name the user's
function mentions, with Python keywords, or with each other.  The same
requests in the same order always give the same names: no counters shared
between functions, no randomness.
"""

import builtins
import keyword
import re

_BUILTINS = frozenset(dir(builtins))


class Namer:
    """Hands out fresh identifiers.

    ``reserved`` are names that may never be handed out (the user's names and
    the names generated code refers to).  ``fresh(base)`` returns ``base`` if it
    is free, else ``base_1``, ``base_2``, ...
    """

    def __init__(self, reserved=()):
        self._taken = set(reserved)
        self._next = {}   # base -> the number after the last base_<n> handed out

    def reserve(self, name):
        self._taken.add(name)

    def is_taken(self, name):
        return name in self._taken

    def taken(self):
        """Every name taken so far (a copy)."""
        return set(self._taken)

    def fresh(self, base):
        base = _sanitize(base)
        if base in _BUILTINS or keyword.iskeyword(base):
            base = base + "_val"
        if base in self._taken:
            return self._numbered(base)
        self._taken.add(base)
        return base

    def version(self, user_name):
        """A new SSA version of ``user_name``: ``x_1``, ``x_2``..."""
        return self._numbered(user_name)

    def _numbered(self, base):
        """The first of ``base_1``, ``base_2``... not taken, now taken.

        Names are never given back, so the search starts after the last number
        handed out for ``base`` (a long function asks for ``mul`` a thousand times).
        """
        counter = self._next.get(base, 1)
        name = f"{base}_{counter}"
        while name in self._taken:
            counter += 1
            name = f"{base}_{counter}"
        self._next[base] = counter + 1
        self._taken.add(name)
        return name

    def adjoint(self, name):
        return self.fresh(f"{name}_bar")

    def tangent(self, name):
        return self.fresh(f"{name}_dot")


#: an ASCII identifier that neither starts nor ends with ``_`` nor starts with a digit:
#: what :func:`_sanitize` gives back unchanged (each character is alphanumeric or ``_``,
#: so none is replaced; nothing is stripped; the first is no digit), found without
#: looking at each character in Python
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9_]*[A-Za-z0-9])?")


def _sanitize(base):
    if _PLAIN.fullmatch(base):   # (the commonest case: a plain name, returned as it is)
        return base
    chars = [c if (c.isalnum() or c == "_") else "_" for c in base]
    text = "".join(chars).strip("_") or "tmp"
    if text[0].isdigit():
        text = "v" + text
    return text
