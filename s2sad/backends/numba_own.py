"""Which names a generated module binds to s2sad's own helpers, for the numba target.

The emitter imports a helper the ``s2sad.runtime`` package does not re-export from its
submodule (``from s2sad.runtime.spread import deviations_from``, for ``np.std``) as it
imports a value of the user's; such a name is never the user's: the numba runtime provides
it (``numba_target`` imports it from there) or the target refuses it at its first use, as
it refuses any runtime helper not ported.  Pure ``ast``.
"""

import ast

NUMBA_RUNTIME = "s2sad.backends.numba_runtime"


def is_own_module(module):
    """Whether ``module`` (of a generated ``from module import ...``) is s2sad's own: its
    runtime (``s2sad.runtime``) or a submodule of it (``s2sad.runtime.spread``), not the
    numba runtime the target writes."""
    return module is not None and (module == "s2sad" or module.startswith("s2sad.")) \
        and module != NUMBA_RUNTIME and not module.startswith(NUMBA_RUNTIME + ".")


def own_names(text):
    """The names a generated module ``text`` binds to s2sad's own helpers: never the
    user's values, whatever the emitter listed them as."""
    return {alias.asname or alias.name for stmt in ast.parse(text).body
            if isinstance(stmt, ast.ImportFrom) and is_own_module(stmt.module)
            for alias in stmt.names}
