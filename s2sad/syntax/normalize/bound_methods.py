"""Methods called through an object or a class of the user's.

``MODEL.pure(x)``, ``MODEL`` a module-level object of the user's class ``Model``,
calls ``Model.pure(MODEL, x)``: :func:`lower_bound_method_calls` writes it so (a
staticmethod, ``MODEL.st(x)``, as ``Model.st(x)``) where the class has a global
name, and the function is then differentiated as any helper called through its
class (``Model.pure`` names the ``def``; the object is an argument).  A name
rebound to an object of another class regenerates the code (the type of a global
is part of what the cache checks).

:func:`self_method_refusal` words the refusal of ``self.act(x)`` in a method: the
class of ``self`` is the one of the object passed at each call (a subclass may
override ``act``), which s2sad does not specialize on: it names the class and the
spelling that works, ``Model.act(self, x)``.
"""

import ast
import inspect
import os
import sys

import gast

from ...rules import registry
from .. import nodes
from ...analysis.kind_lattice import users_module
from ..class_attributes import class_function
from ..source import STDLIB_DIR, record_path


#: the packages whose objects' methods are theirs to define (rules, refusals)
_LIBRARIES = frozenset({"numpy", "scipy", "dask", "numba", "builtins", "collections"})


def _global_object(func, parsed, bound):
    """``(the object, the method's name)`` for a callee ``G.m`` or ``mod.G.m`` whose
    root is a global (not a name the function binds) naming an object that is neither
    a module nor a class, else None."""
    spelled = nodes.dotted_parts(func)
    if spelled is None or spelled[0] in bound:
        return None
    obj = parsed.resolve(spelled[0], None)
    if not spelled[1]:   # (M(x) of a callable object: M.__call__(x))
        return _called_object(obj)
    for part in spelled[1][:-1]:
        if not inspect.ismodule(obj):
            return None
        obj = getattr(obj, part, None)
    if obj is None or inspect.ismodule(obj) or inspect.isclass(obj):
        return None
    return obj, spelled[1][-1]


def _called_object(obj):
    """``(obj, "__call__")`` for a callable object of the user's class ``obj`` called by
    its global name (``M(x)``, run as ``type(M).__call__(M, x)``), no function, class or
    partial and no object a rule is registered for; else None."""
    if obj is None or inspect.isfunction(obj) or inspect.isclass(obj) \
            or inspect.ismodule(obj) or inspect.isbuiltin(obj) \
            or class_function(type(obj), "__call__") is None:
        return None
    try:
        if registry.lookup(obj) is not None:
            return None   # (its rule, s2sad.adjoint(M))
    except TypeError:   # (an unhashable object: no rule can name it)
        pass
    return obj, "__call__"


def _read(parsed, root, attrs):
    obj = parsed.resolve(root, None)
    for attr in attrs:
        obj = getattr(obj, attr, None)
    return obj


def method_of_object(func, parsed, bound=frozenset()):
    """``(class, name, static)`` when the callee ``func`` is ``G.m`` of a global object
    ``G`` whose class defines ``m`` as a plain function (``static``: a staticmethod),
    not shadowed by an attribute of the object itself; else None."""
    found = _global_object(func, parsed, bound)
    if found is None:
        return None
    obj, name = found
    cls = type(obj)
    if name in getattr(obj, "__dict__", {}) or class_function(cls, name) is None \
            or cls.__getattribute__ is not object.__getattribute__ \
            or (cls.__module__ or "").split(".")[0] in _LIBRARIES:
        return None   # (a library's object: its rules, e.g. a frozen distribution's)
    static = isinstance(inspect.getattr_static(cls, name), staticmethod)
    return cls, name, static


def object_method(func, parsed):
    """The function of the class a call ``G.m(...)`` of :func:`method_of_object` runs
    (what :func:`lower_bound_method_calls` writes it as calling), else None."""
    found = method_of_object(func, parsed)
    return class_function(found[0], found[1]) if found is not None \
        and class_spelling(found[0], parsed) is not None else None


def class_spelling(cls, parsed):
    """A global name of the function ``parsed`` bound to the class ``cls`` (its own
    name first, else the first in sorted order), or None."""
    if parsed.resolve(cls.__name__, None) is cls:
        return cls.__name__
    names = sorted(n for n, v in parsed.globals.items() if v is cls)
    return names[0] if names else None


def _bound_names(walked):
    return {n.id for n in walked if n.__class__ is gast.Name
            and n.ctx.__class__ is not gast.Load}


def calls_bound_methods(parsed, walked):
    """Whether :func:`lower_bound_method_calls` may rewrite a call of ``parsed``: not
    where no callee is an attribute of a global object (``np.sin``: each spelling looked
    up once), and the names the function binds, a walk of it all, are read only then."""
    through, calls = {}, []
    for call in nodes.of_class(walked, gast.Call):
        spelled = nodes.dotted_parts(call.func)   # (M(x) too: M.__call__(x))
        if spelled is None:
            continue
        key = (spelled[0], tuple(spelled[1]))
        found = through.get(key)
        if found is None:   # (_global_object reads nothing of the call but its spelling)
            found = through[key] = _global_object(call.func, parsed, ()) is not None
        if found:
            calls.append(call)
    if not calls:
        return False
    bound = _bound_names(walked)
    return any(_rewritable(n.func, parsed, bound) for n in calls)


def _rewritable(func, parsed, bound):
    found = method_of_object(func, parsed, bound)
    return found is not None and class_spelling(found[0], parsed) is not None


def lower_bound_method_calls(tree, parsed, walked):
    """Rewrite, in place, in ``tree`` (a copy of ``parsed``'s function), each call
    ``G.m(a, ...)`` of a method of a global object as ``Cls.m(G, a, ...)``
    (``Cls.m(a, ...)`` for a staticmethod); whether any."""
    bound = _bound_names(walked)
    changed = False
    for call in nodes.of_class(walked, gast.Call):
        func = call.func
        if func.__class__ not in (gast.Attribute, gast.Name):
            continue
        found = method_of_object(func, parsed, bound)
        spelled = found and class_spelling(found[0], parsed)
        if spelled is None:
            continue
        _, name, static = found
        # (regenerated when G.m is no longer that function bound to that object: G
        # rebound, m replaced in the class or set on the object)
        root, attrs = nodes.dotted_parts(func)
        record_path(root, parsed.func, attrs, _read(parsed, root, attrs))
        owner = gast.Name(id=spelled, ctx=gast.Load(), annotation=None, type_comment=None)
        method = gast.Attribute(value=owner, attr=name, ctx=gast.Load())
        for node in (owner, method):
            gast.copy_location(node, func)
            node.end_lineno, node.end_col_offset = func.end_lineno, func.end_col_offset
        if not static:
            call.args.insert(0, func.value if func.__class__ is gast.Attribute else func)
        call.func = method
        changed = True
    return changed


def self_method_refusal(parsed, func):
    """``(message, hint)`` for ``owner.m(...)`` in a method ``C.f`` of the user's class
    ``C`` whose first parameter is ``owner`` and where ``C`` defines ``m`` as a plain
    function, else None."""
    if not isinstance(func.value, gast.Name):
        return None
    fn = getattr(parsed, "func", None)
    qual = getattr(fn, "__qualname__", "") or ""
    args = parsed.node.args.posonlyargs + parsed.node.args.args
    if "<locals>" in qual or qual.count(".") != 1 or not args \
            or args[0].id != func.value.id:
        return None
    cls = parsed.resolve(qual.split(".")[0], None)
    if not inspect.isclass(cls) or class_function(cls, func.attr) is None:
        return None
    owner, name, cname = func.value.id, func.attr, cls.__name__
    return (f"'{owner}.{name}(...)' calls the method {cname}.{name} through the object "
            f"{owner!r}: s2sad does not look methods up through objects (the class of "
            f"{owner!r} is the one of the object passed at each call, and a subclass may "
            f"define its own {name})",
            f"call it through the class: {cname}.{name}({owner}, ...), which s2sad "
            f"differentiates as a helper (it then runs {cname}'s own {name})")


def _own_module(name):
    """Whether the module named ``name`` is the user's: neither a library's (see
    ``kind_lattice.users_module``), Python's own, nor one installed as a package."""
    module = sys.modules.get(name)
    where = getattr(module, "__file__", None) or ""
    return users_module(name) and not _python_s_own(name.partition(".")[0]) \
        and "site-packages" not in where and "dist-packages" not in where


def _python_s_own(top):
    """Whether the top-level module ``top`` is Python's standard library's (Python 3.9,
    which has no ``sys.stdlib_module_names``: a built-in module, or one in the standard
    library's directory)."""
    names = getattr(sys, "stdlib_module_names", None)
    if names is not None:
        return top in names
    if top in sys.builtin_module_names:
        return True
    where = getattr(sys.modules.get(top), "__file__", None) or ""
    path = os.path.normcase(os.path.realpath(where)) if where else ""
    return path.startswith(STDLIB_DIR + os.sep) and "site-packages" not in path


def _reached_classes(parsed):
    """``{spelling: class}`` of the user's classes the module of ``parsed`` reaches: by a
    global name (defined there or imported, ``from layers import Dense``), or as an
    attribute of a module of the user's it imports (``layers.Dense``)."""
    found = {}
    for name, value in parsed.globals.items():
        if inspect.isclass(value) and _own_module(value.__module__):
            found[name] = value
        elif inspect.ismodule(value) and _own_module(value.__name__):
            for attr, inner in vars(value).items():
                if inspect.isclass(inner) and inner.__module__ == value.__name__ \
                        and not attr.startswith("_"):
                    found.setdefault(f"{name}.{attr}", inner)
    return found


def _spelled_owner(node):
    if isinstance(node, gast.Name):
        return node.id
    try:
        return ast.unparse(gast.gast_to_ast(nodes.clone(node)))
    except Exception:   # (a node s2sad built, without a source form)
        return "the object"


def class_method_hint(parsed, func):
    """``(message, hint)`` for ``v.m(...)`` of an unknown method ``m`` that classes of
    the user's the function's module reaches define as plain functions (``def loss(model,
    x): ... model.act(x)``, the class defined there or imported): the object's class is
    not known, the spelling through a class is; else None."""
    reached = _reached_classes(parsed)
    owners = sorted((n for n, v in reached.items() if class_function(v, func.attr)
                     is not None), key=lambda n: ("." in n, n))   # (global names first)
    if not owners:
        return None
    owner, name = _spelled_owner(func.value), func.attr   # (L, self.layers[0])
    spelled = " or ".join(f"{c}.{name}" for c in owners[:3])
    through = (f"call the method through the class: {owners[0]}.{name}({owner}, ...), "
               f"which s2sad differentiates as a helper")
    if issubclass(reached[owners[0]], (dict, list, tuple)):   # (read as its container)
        return (f"the method '.{name}()' is not supported: s2sad does not look methods up "
                f"through objects, nor through a subclass of dict, list or tuple given as "
                f"an argument ({spelled} of your code is one)", through)
    return (f"the method '.{name}()' is not supported: s2sad does not look methods up "
            f"through objects ({spelled} of your code is one)",
            f"if {owner!r} is an object of your class, give it to the function you "
            f"differentiate as an argument (its methods are then its class's, made for it "
            f"at each call), or {through}")
