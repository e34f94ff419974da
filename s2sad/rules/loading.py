"""Loading the numeric layer: the rule tables and the runtime, which register themselves
with the registry on import, and the modules the registry hands the transform core.

Rules for optional libraries are offered here and loaded only once the user's code has
imported the library (see :mod:`.optional`): s2sad never imports scipy itself.
"""

from . import optional

#: library module -> the module of s2sad's rules for it (one line each)
OPTIONAL_RULES = {
    "scipy.special": "s2sad.rules.scipy_special",
    "scipy.linalg": "s2sad.rules.scipy_linalg",
    "scipy.stats": "s2sad.rules.scipy_stats",
    "scipy.signal": "s2sad.rules.scipy_signal",
}


def load_builtin_rules():
    # imported here: this is where the numeric layer (numpy, the runtime) is loaded, on
    # first use, so that importing the transform core never loads it
    import numpy

    from .. import runtime, runtime_forward
    from . import (containers, creation_rules, elementwise_more,  # noqa: F401
                   elementwise_rules, linalg_rules, numpy_rules, operators, product_rules,
                   reduction_rules, runtime_rules, selection_rules, signal_rules,
                   structure_rules)  # (registration)
    from . import (runtime_adjoints_arrays, runtime_adjoints_core,  # noqa: F401
                   runtime_adjoints_core_scans, runtime_adjoints_linalg,
                   runtime_adjoints_linalg_signal, runtime_adjoints_linalg_stats,
                   runtime_adjoints_structure)  # (after runtime_rules)
    from .registry import provide
    provide((runtime, runtime_forward), numpy)
    for library, rules in OPTIONAL_RULES.items():
        optional.offer(library, rules)
