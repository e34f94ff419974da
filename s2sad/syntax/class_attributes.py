"""What an attribute of a class of the user's is, read without running it."""

import ast
import inspect
import textwrap
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
    its first argument, when its body reads no attribute of the instance (s2sad does not
    differentiate attribute reads of objects) but its class's functions (``self.act(x)``,
    written ``Model.act(self, x)``); else with the arrays as arguments of a function of
    their own."""
    first = function.__code__.co_varnames[:1]
    owner = _defining_class(function)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
        reads = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                 and isinstance(n.value, ast.Name) and n.value.id in first]
    except (OSError, TypeError, SyntaxError):
        reads = None
    methods = sorted({n.attr for n in reads or () if owner is not None
                      and class_function(owner, n.attr) is not None})
    if reads is None or any(n.attr not in methods for n in reads):
        return (f"{spelled} reads attributes of {first[0] if first else 'self'}, which s2sad "
                f"does not differentiate: write a function that takes the arrays it uses as "
                f"arguments (def loss(W, b, x): ...), and call it with obj.W, obj.b")
    through = (f", its calls of {', '.join(f'{first[0]}.{m}' for m in methods)} written "
               f"through the class ({owner.__name__}.{methods[0]}({first[0]}, ...))"
               if methods else "")
    return (f"differentiate the function itself with the instance as its first argument "
            f"and wrt counted from it: s2sad.grad({spelled}, wrt=1)(obj, x){through}")


def _defining_class(function):
    """The module-level class whose function ``function`` is (by its qualified name)."""
    qual = getattr(function, "__qualname__", "")
    if "<locals>" in qual or qual.count(".") != 1:
        return None
    cls = getattr(function, "__globals__", {}).get(qual.split(".")[0])
    return cls if inspect.isclass(cls) else None
