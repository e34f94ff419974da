"""Derivative rules: the registry, template splicing, and the rule tables.

The registry and splicing import no numpy; :func:`.loading.load_builtin_rules`
imports the tables (``operators``, ``numpy_rules``, ``elementwise_rules``,
``containers``, ``runtime_rules``) and the runtime, which register themselves.
"""
