"""A draw of a random generator the function holds in a local name or takes as an
argument (``rng.standard_normal(shape)``): see ``syntax.normalize.draw_methods``."""

import random

import numpy as np

from ..errors import UnsupportedSyntaxError

_GENERATORS = (np.random.Generator, np.random.RandomState, random.Random)


def random_draw(owner, method, *args, **kwargs):
    """``owner.method(*args, **kwargs)`` of a numpy ``Generator`` or ``RandomState``
    or a ``random.Random``: a value without derivative.  Any other owner is refused
    (s2sad took the method, which no array has, for a draw)."""
    if not isinstance(owner, _GENERATORS):
        raise UnsupportedSyntaxError(
            f"s2sad takes .{method}(...) of a local value or an argument as a draw of a "
            f"numpy Generator, RandomState or random.Random, but it is called on "
            f"{type(owner).__name__!r}",
            hint=f"compute the value of .{method}(...) outside the differentiated function "
                 f"and pass it as an argument")
    return getattr(owner, method)(*args, **kwargs)
