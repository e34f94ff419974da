"""The runtime helpers that forward-mode (and forward-over-reverse) code imports.

Plain numpy, like :mod:`s2sad.runtime`; a generated module never needs the
code generator.  The helpers live in :mod:`s2sad.runtime`'s modules by job; this
module is the name generated forward code imports them from (``s2sad.runtime``
does not export them, so the import lines generated code writes stay the same).
"""

from .runtime.elementwise import xdivy
from .runtime.indexing import container_add_at, index_set
from .runtime.reductions import prod_bar_x_dot
from .runtime.shapes import broadcast_like, writable_copy
from .runtime.tape import reversed_range, tape_pop, tape_push

__all__ = ["broadcast_like", "writable_copy", "index_set", "container_add_at",
           "prod_bar_x_dot", "xdivy", "tape_push", "tape_pop",
           "reversed_range"]
