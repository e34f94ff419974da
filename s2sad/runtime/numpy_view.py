"""The numpy the runtime helpers call: a copy of numpy's namespace (and numpy.linalg's),
which a user's rebinding of numpy's functions (``np.sqrt = np.cbrt``, a monkeypatch)
does not reach.  A helper computes a derivative: it must call numpy's own functions,
whatever the user's code calls by those names.

The copy is taken when the runtime is first imported and taken again by
:func:`refresh` when s2sad loads its rules, after checking that numpy's functions are
numpy's own (``rules.loading.refuse_rebound_numpy``).  A name the copy lacks (a
submodule numpy loads on first use) is read from numpy itself.
"""

import types

import numpy


def _view(module):
    view = types.ModuleType(module.__name__, module.__doc__)
    view.__dict__.update(vars(module))
    view.__getattr__ = lambda name: getattr(module, name)   # (read on a miss only)
    view._s2sad_view_of = module   # (syntax.anno.VIEW_OF: the passes read numpy)
    return view


np = _view(numpy)
np.linalg = _view(numpy.linalg)


def refresh():
    """Copy numpy's namespace again (numpy's functions just checked to be its own)."""
    np.__dict__.update(vars(numpy))
    np.linalg, np._s2sad_view_of = _view(numpy.linalg), numpy
