"""Rules for optional libraries (scipy...), loaded when the user's code has loaded the
library: s2sad never imports an optional library itself.

``loading.load_builtin_rules`` offers each rule module for the library module it
covers (``offer("scipy.special", "s2sad.rules.scipy_special")``).  A rule or fact
lookup that finds nothing calls :func:`load_pending`, which imports the rule modules of
every offered library module the process has imported by then; the rule modules
register themselves as they are imported.
"""

import importlib
import sys
from typing import Dict

#: library module -> the s2sad module of rules for it, not loaded yet
_PENDING: Dict[str, str] = {}


def offer(library_module, rules_module):
    """Load ``rules_module`` once ``library_module`` is imported (by anyone)."""
    if rules_module not in sys.modules:
        _PENDING[library_module] = rules_module


def load_pending():
    """Import the rule modules whose libraries are loaded now; whether any was."""
    if not _PENDING:
        return False
    # (taken off the list before any import: a rule module's import looks rules up,
    # which comes back here)
    ready = [_PENDING.pop(name) for name in list(_PENDING) if name in sys.modules]
    for rules_module in ready:
        importlib.import_module(rules_module)
    return bool(ready)


#: the optional libraries s2sad has rules for: each of s2sad's modules for one holds its
#: name (``s2sad.rules.scipy_special``, ``s2sad.runtime.scipy_linalg``...)
LIBRARIES = ("scipy",)


def for_optional_library(module_name):
    """Whether ``module_name`` is one of s2sad's modules for an optional library (its rules
    load when the user's code imports the library: not in every process)."""
    return any(part.startswith(LIBRARIES) for part in module_name.split("."))
