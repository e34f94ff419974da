"""Backends other than numpy for generated code.

``numba_target``: the pass that turns a generated numpy module into one whose
functions are ``@numba.njit`` (no numba import: the CLI writes such modules
without numba installed).  ``numba_runtime`` (its own helper's): the runtime
helpers numba compiles.  Nothing here is imported by ``import s2sad``.
"""
