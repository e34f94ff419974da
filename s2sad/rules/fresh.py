"""Which calls always return a new object: a result the user may write into freely.

``allocates(obj)`` is the predicate :mod:`s2sad.analysis.aliases` takes (through
the transforms) to tell an allocation from a call that may hand back one of
its arguments or a view of it.  It reads the ``allocates`` fact each op declares
with its rule (:mod:`.numpy_rules`) or next to its definition (the runtime
helpers): importing this module loads those declarations.  A callee declared
nowhere is only assumed to possibly alias its arguments: the price is a
run-time check, never a wrong answer.
"""

from .. import runtime, runtime_forward  # noqa: F401  (the helpers declare their facts)
from . import numpy_rules  # noqa: F401  (numpy's functions declare their facts)
from .records import allocates  # noqa: F401  (the predicate, re-exported)
