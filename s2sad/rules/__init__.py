"""Derivative rules: the registry, template splicing, and the rule tables.

The registry and splicing import no numpy; :func:`load_builtin_rules` imports
the tables (``operators``, ``numpy_rules``), which register themselves.
"""


def load_builtin_rules():
    from . import containers, numpy_rules, operators  # noqa: F401  (registration on import)
