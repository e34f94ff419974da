"""Code specialized on the ranks of the arguments (``ndim``; a scalar is rank 0).

Reverse-mode code made for a 1-D ``x`` knows that ``x[i]`` is one number, and
leaves out what only arrays need (``unbroadcast``, taping a value for its
shape; see ``analysis.ranks``).  The general code says which ranks of which
parameters would change it (``wanted``, from the function's normalized body);
at a call, :class:`Ranked` reads just those arguments' ranks and gives the key
of the code made for them (None: the general code fits as well).  Code made for
one rank is never run with another: the key is part of the cache key.

Dtypes likewise (``analysis.dtypes``): where the general code says float64 arrays
would let it add adjoints in place (``wanted[FLOAT64]``), a call whose arguments
are all real of at most 64 bits, given by position, keys the parameters of those
holding float64 arrays under ``FLOAT64``.
"""

import numpy as np

from ..analysis import ranks as ranks_
from ..analysis.dtypes import FLOAT64
from .arguments import signature

_ndarray = np.ndarray
_generic = np.generic
_NUMBERS = (float, int)
_REAL = frozenset("biuf")
_F64 = np.dtype(np.float64)


def without_float64(key):
    """A call's key without its dtype part (None when nothing is left)."""
    if not key:
        return key
    rest = tuple(item for item in key if item[0] != FLOAT64)
    return rest or None


def _real64(value):
    """A bool, int or float number or array of at most 64 bits."""
    cls = value.__class__
    if cls is float or cls is int or cls is bool:
        return True
    if cls is _ndarray or isinstance(value, _generic):
        dtype = value.dtype
        return dtype.kind in _REAL and dtype.itemsize <= 8
    return False


def rank_of(value):
    """The rank of an argument when the generated code may rely on it: an array of
    real numbers (its ``ndim``, never 0: a 0-d array may be written into, a number
    not), a Python or numpy real number (0); None for anything else."""
    cls = value.__class__
    if cls is _ndarray:
        ndim = value.ndim
        return ndim if ndim and value.dtype.kind in _REAL else None
    if cls is float or cls is int or (isinstance(value, _generic) and value.dtype.kind in _REAL):
        return 0
    return None


def wanted(normal):
    """``{parameter: ranks}`` that would change the reverse code of the normalized
    function ``normal`` (see ``analysis.ranks.wanted``)."""
    if normal is None:
        return {}
    return ranks_.wanted(normal.node.body[:-1], normal.params)


class Ranked:
    """Which arguments' ranks a function's code is specialized on, and the key of a
    call (``key(args, kwargs)``: ``((parameter, rank), ...)``, or None when no
    argument has a rank that changes the code)."""

    __slots__ = ("checks", "float64", "arity")

    def __init__(self, func, wants):
        sig = signature(func)[0]
        checks = []
        params = list(sig.parameters.values())
        for position, p in enumerate(params):
            if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                break
            if p.name in wants:
                checks.append((position, p.name, wants[p.name],
                               p.kind == p.POSITIONAL_OR_KEYWORD))
        self.checks = tuple(checks)
        # (every parameter given by position: no default nor keyword is left unread)
        plain = all(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
        self.float64 = tuple((i, p.name) for i, p in enumerate(params)
                             if p.name in wants.get(FLOAT64, ())) if plain else ()
        self.arity = len(params)

    def key(self, args, kwargs):
        found = self._ranks(args, kwargs)
        if self.float64 and not kwargs and len(args) == self.arity:
            arrays = self._float64(args)
            if arrays:
                found = (found or ()) + ((FLOAT64, arrays),)
        return found

    def _float64(self, args):
        """The parameters holding float64 arrays, when every argument is real of at
        most 64 bits (see the module docstring)."""
        for value in args:
            if not _real64(value):
                return None
        return tuple(name for position, name in self.float64
                     if args[position].__class__ is _ndarray
                     and args[position].dtype is _F64 and args[position].ndim)

    def _ranks(self, args, kwargs):
        checks = self.checks
        if not checks:
            return None
        if not kwargs and len(checks) == 1:   # the common case, inline
            position, name, wants, _ = checks[0]
            if position >= len(args):
                return None
            value = args[position]
            if value.__class__ is _ndarray:
                rank = value.ndim
                if not rank or rank not in wants or value.dtype.kind not in _REAL:
                    return None
            else:
                rank = rank_of(value)
                if rank not in wants:
                    return None
            return ((name, rank),)
        found = None
        for position, name, wants, by_name in checks:
            if position < len(args):
                value = args[position]
            elif kwargs and by_name and name in kwargs:
                value = kwargs[name]
            else:
                continue   # its default: code for any rank
            rank = rank_of(value)
            if rank in wants:
                found = (found or ()) + ((name, rank),)
        return found
