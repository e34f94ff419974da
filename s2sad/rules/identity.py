"""Which callable a rule or a fact is for: the key it is stored under.

Rules are chosen by the identity of the callable a call resolves to.  Most
callables are the same object at every read (``np.sin``, a user's function).
A method bound to an object is not: ``scipy.stats.norm.logpdf`` is a new bound
method at each attribute read, and the distributions share one function
(``rv_continuous.logpdf``), so neither the bound method's identity nor its
function's says which op it is.  A bound method is keyed by its function and the
object it is bound to, which is what it computes with.
"""

import inspect
from typing import Any, Hashable


def bound_to(obj) -> Any:
    """The object ``obj`` is a method of, or None: a bound Python method or a method
    of a builtin object (``np.add.at``), a class's too (``dict.fromkeys``, a new bound
    method at each read), not a function of a module (``len``)."""
    owner = getattr(obj, "__self__", None)
    if owner is None or inspect.ismodule(owner):
        return None
    if not (inspect.ismethod(obj) or inspect.isbuiltin(obj)):
        return None
    return owner


def key(obj) -> Hashable:
    """The key rules and facts about ``obj`` are stored under."""
    owner = bound_to(obj)
    if owner is None:
        return id(obj)
    function = getattr(obj, "__func__", None)
    return ("method", id(owner), id(function) if function is not None else obj.__name__)


def same(stored, obj) -> bool:
    """Whether ``obj`` is the callable ``stored`` (a rule's target): the same object,
    or the same function bound to the same object."""
    if stored is obj:
        return True
    owner = bound_to(obj)
    return owner is not None and bound_to(stored) is owner and key(stored) == key(obj)
