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


def method_hint(function, spelled):
    """How to differentiate a method: through the plain function with the instance as
    its first argument (its attributes are read as constants, its methods called
    through it are its class's: see ``normalize.object_attributes``)."""
    first = function.__code__.co_varnames[:1]
    obj = first[0] if first else "self"
    return (f"differentiate the function itself with the instance as its first argument "
            f"and wrt counted from it: s2sad.grad({spelled}, wrt=1)(obj, x) (the attributes "
            f"of {obj} it reads are constants; to differentiate with respect to one, take "
            f"the array as a parameter)")


def defining_class(function):
    """The module-level class whose function ``function`` is (by its qualified name)."""
    qual = getattr(function, "__qualname__", "")
    if "<locals>" in qual or qual.count(".") != 1:
        return None
    cls = getattr(function, "__globals__", {}).get(qual.split(".")[0])
    return cls if inspect.isclass(cls) else None
