"""What an attribute of a class of the user's is, read without running it."""

import inspect
import types


def class_function(cls, name):
    """The plain Python function ``cls.name`` is, read without running a descriptor: a
    function defined in the class (or a base) or a staticmethod of it, which a call
    ``Cls.name(...)`` calls as it stands (a class attribute, not an array's method);
    None for anything else (a classmethod, a property, a builtin type's method)."""
    try:
        found = inspect.getattr_static(cls, name)
    except AttributeError:
        return None
    if isinstance(found, staticmethod):
        found = found.__func__
    return found if found.__class__ is types.FunctionType else None
