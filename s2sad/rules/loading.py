"""Loading the numeric layer: the rule tables and the runtime, which register themselves
with the registry on import, and the modules the registry hands the transform core.

Rules for optional libraries are offered here and loaded only once the user's code has
imported the library (see :mod:`.optional`): s2sad never imports scipy itself.
"""

import sys

from . import optional

#: library module -> the module of s2sad's rules for it (one line each)
OPTIONAL_RULES = {
    "scipy.special": "s2sad.rules.scipy_special",
    "scipy.linalg": "s2sad.rules.scipy_linalg",
    "scipy.stats": "s2sad.rules.scipy_stats",
    "scipy.signal": "s2sad.rules.scipy_signal",
}


_LOADED = []   # [True] once the rule tables are imported


def load_builtin_rules():
    # imported here: this is where the numeric layer (numpy, the runtime) is loaded, on
    # first use, so that importing the transform core never loads it
    import numpy

    if not _LOADED:
        refuse_rebound_numpy(numpy)
        from ..runtime import numpy_view
        numpy_view.refresh()   # (the runtime's numpy, copied now that it is checked)
        _LOADED.append(True)

    from .. import runtime, runtime_forward
    from . import (containers, creation_rules, elementwise_more,  # noqa: F401
                   elementwise_rules, linalg_rules, nan_reduction_rules, numpy_rules,
                   operators, product_rules, reduction_rules, runtime_rules, selection_rules,
                   signal_rules, structure_rules)  # (registration)
    from . import (runtime_adjoints_arrays, runtime_adjoints_core,  # noqa: F401
                   runtime_adjoints_core_scans, runtime_adjoints_linalg,
                   runtime_adjoints_linalg_signal, runtime_adjoints_linalg_stats,
                   runtime_adjoints_structure)  # (after runtime_rules)
    from . import math_rules  # noqa: F401 (after the ufuncs' rules it shares)
    from .registry import provide
    provide((runtime, runtime_forward), numpy)
    for library, rules in OPTIONAL_RULES.items():
        optional.offer(library, rules)


def _numpy_umath():
    """numpy's module of ufuncs: ``numpy._core.umath`` from numpy 2.0, ``numpy.core.umath``
    before (numpy 1.x has no ``numpy._core``, or, from 1.26, only a stub of it)."""
    try:
        from numpy._core import umath
    except ImportError:
        umath = None
    if umath is None or not hasattr(umath, "sin"):
        from numpy.core import umath
    return umath


def refuse_rebound_numpy(numpy):
    """Raise :class:`~s2sad.errors.ReboundNameError` when a function of numpy the rule
    tables are about to be keyed by is not numpy's own: the tables read ``np.sin`` as
    they load, so with ``np.sin = np.cos`` the rule of sine would be filed under cosine
    (and numpy's sine left without one) for the rest of the process.

    A ufunc is checked against numpy's table of ufuncs (an alias, ``np.abs``, against the
    ufunc it names); any other function must come from numpy and have its own name or be
    numpy's function of its name (``np.concat``).  (A swap of two of numpy's Python
    functions, ``np.sum = np.prod``, is not seen here.)"""
    umath = _numpy_umath()

    from ..errors import ReboundNameError
    for module in (numpy, numpy.linalg):
        for name, obj in list(vars(module).items()):
            if name.startswith("_") or not callable(obj) or isinstance(obj, type):
                continue
            called = getattr(obj, "__name__", None)
            if isinstance(obj, numpy.ufunc):   # (an alias, np.abs: the ufunc it names)
                genuine = obj is getattr(umath, name if hasattr(umath, name) else called, None)
            else:   # from numpy, under its own name or another of numpy's (np.concat);
                # or under its own name in the module of numpy it comes from (numpy
                # 1.22's fastCopyAndTranspose is numpy.core's _fastCopyAndTranspose);
                # numpy's own utilities of a dunder module (numpy 2.0's show_config is
                # numpy.__config__.show) are no function a rule is keyed by
                origin = getattr(obj, "__module__", None) or ""
                parts = origin.split(".")
                genuine = parts[0] == "numpy" and (
                    not isinstance(called, str) or called == name
                    or getattr(module, called, None) is obj
                    or getattr(sys.modules.get(origin), called, None) is obj
                    or len(parts) > 1 and parts[1].startswith("__"))
            if not genuine:
                dotted = f"{module.__name__}.{name}"
                raise ReboundNameError(
                    f"{dotted} is {obj!r}, not numpy's own function, while s2sad loads its "
                    f"derivative rules (which are keyed by numpy's functions)",
                    hint=f"restore {dotted} before s2sad's first derivative; to compute "
                         f"something else, call a function of your own instead of "
                         f"rebinding {dotted}")
