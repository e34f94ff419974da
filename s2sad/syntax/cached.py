"""Functions cached by ``functools.lru_cache`` and ``functools.cache``.

Such a cache (C code, no arithmetic of its own) returns what the function it caches
(its ``__wrapped__``) returns for the same arguments: the derivative of a cached pure
function is that function's, which s2sad differentiates in its place (given to the API,
to the CLI, or called in the function differentiated).
"""

import functools

#: the type of what functools.lru_cache (and functools.cache) make of a function
LRU_WRAPPER = type(functools.lru_cache(maxsize=None)(lambda: None))


def uncached(obj):
    """The function ``functools.lru_cache`` (or ``functools.cache``) made ``obj`` of, the
    one it caches (``__wrapped__``, through caches of caches), else ``obj``."""
    while obj.__class__ is LRU_WRAPPER:
        obj = obj.__wrapped__
    return obj
