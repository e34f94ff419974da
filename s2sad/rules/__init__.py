"""Derivative rules: the registry, template splicing, and the rule tables.

The registry and splicing import no numpy; :func:`load_builtin_rules` imports
the tables (``operators``, ``numpy_rules``, ``containers``) and the runtime, which
register themselves, and tells the registry which modules generated code calls.
"""


def load_builtin_rules():
    # imported here: this is where the numeric layer (numpy, the runtime) is loaded, on
    # first use, so that importing the transform core never loads it
    import numpy

    from .. import runtime, runtime_forward
    from . import containers, numpy_rules, operators, runtime_rules  # noqa: F401  (registration)
    from .registry import provide
    provide((runtime, runtime_forward), numpy)
