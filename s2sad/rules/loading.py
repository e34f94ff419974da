"""Loading the numeric layer: the rule tables and the runtime, which register themselves
with the registry on import, and the modules the registry hands the transform core.

Rules for optional libraries are offered here and loaded only once the user's code has
imported the library (see :mod:`.optional`): s2sad never imports scipy itself.
"""

from . import optional

#: library module -> the module of s2sad's rules for it (one line each)
OPTIONAL_RULES = {
}


def load_builtin_rules():
    # imported here: this is where the numeric layer (numpy, the runtime) is loaded, on
    # first use, so that importing the transform core never loads it
    import numpy

    from .. import runtime, runtime_forward
    from . import (containers, elementwise_rules, numpy_rules, operators,  # noqa: F401
                   runtime_rules)  # (registration)
    from . import reduction_rules  # noqa: F401  (issue 14, reductions and scans)
    from .registry import provide
    provide((runtime, runtime_forward), numpy)
    for library, rules in OPTIONAL_RULES.items():
        optional.offer(library, rules)
