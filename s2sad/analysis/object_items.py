"""Items of a module's object whose key carries a derivative, refused where written.

s2sad differentiates an item read of an array, list, tuple or dict through the
container, never through the key: an index carries no derivative.  An object with a
``__getitem__`` of its own may compute its item from the key (``TABLE[x]`` calling
``np.interp``, ``np.r_[0:2, u]`` joining its pieces): read as an item, its value would be
a constant and the derivative flowing through the key dropped, silently.  So where the
object is a module's (a free name of the function, or a module's attribute: ``np.r_``)
of any other type, the key is varied (depends on a parameter in ``wrt``) and the item
is useful (reaches an output), the read is refused, located, naming the object and the
spelling that is differentiated.  (``np.r_[a, u, b]`` without slices or strings is no
item by then: ``syntax.item_calls`` made it a call.)
"""

import collections
import inspect
import linecache
import types

import gast

from ..errors import SourceLocation, UnsupportedSyntaxError
from ..rules.item_calls import item_call
from ..syntax import anno, nodes
from .ops import flatten, names_in

#: the containers whose items s2sad reads through the container (an array: by protocol)
_CONTAINERS = (list, tuple, dict, str, bytes, bytearray, range, memoryview,
               collections.deque, types.MappingProxyType)


def refuse_differentiated_object_items(primal, varied, useful, parsed):
    """Raise the refusal of the first ``name = OBJ[key]`` of ``primal`` whose ``OBJ`` is a
    module's object computing its item (see the module docstring), whose key holds a
    varied name (``varied(name)``) and whose target is useful (``useful(name)``)."""
    reads = [s for s in flatten(primal) if s.__class__ is gast.Assign
             and s.targets[0].__class__ is gast.Name and s.value.__class__ is gast.Subscript]
    if not reads:
        return
    bound = {n.id for s in flatten(primal) for n in nodes.walk(s)
             if n.__class__ is gast.Name and not isinstance(n.ctx, gast.Load)}
    bound |= {a.id for a in parsed.node.args.args + parsed.node.args.kwonlyargs}
    for stmt in reads:
        item = stmt.value
        keys = sorted(n for n in names_in(item.slice) if varied(n))
        if not keys or not useful(stmt.targets[0].id):
            continue
        spelled = nodes.dotted_parts(item.value)
        if spelled is None or spelled[0] in bound:
            continue
        obj = _resolved(parsed, spelled)
        if obj is None or _read_through(obj):
            continue
        raise _refusal(parsed, stmt, ".".join([spelled[0], *spelled[1]]), obj, keys[0])


def _resolved(parsed, spelled):
    obj = parsed.resolve(spelled[0], None, compose=False)
    for part in spelled[1]:
        if not inspect.ismodule(obj):
            return None
        obj = getattr(obj, part, None)
    return obj


def _read_through(obj):
    """Whether an item of ``obj`` is read by s2sad through ``obj`` (a container, an array,
    a number), or is no object's own computation (a class, a module, no ``__getitem__``)."""
    return (isinstance(obj, _CONTAINERS) or inspect.isclass(obj) or inspect.ismodule(obj)
            or hasattr(type(obj), "__array_interface__")
            or getattr(type(obj), "__getitem__", None) is None)


def _refusal(parsed, stmt, name, obj, key):
    item, owner = stmt.value, type(obj).__name__
    method = getattr(type(obj), "__getitem__", None)
    if item_call(obj) is not None:
        hint = (f"{name} is differentiated where its pieces are arrays and numbers "
                f"({name}[0.0, u, 0.0]); with a slice or a string directive among them, join "
                f"the pieces yourself: np.concatenate([np.arange(0, 2), u]) for "
                f"np.r_[0:2, u], np.column_stack([u, v]) for np.c_[u, v]")
    elif inspect.isfunction(method):
        hint = (f"call its method, which s2sad differentiates as a method of a module's "
                f"object: {name}.__getitem__(key) in place of {name}[key]")
    else:
        hint = (f"compute the item with a function s2sad differentiates, or register a "
                f"rule for one computing it (@s2sad.adjoint)")
    return UnsupportedSyntaxError(
        f"{name}[...] reads an item of {name}, an object of class {owner} whose __getitem__ "
        f"computes the item from the key, and the key carries a derivative ({key!r} is, or "
        f"depends on, a parameter in wrt): s2sad reads such an item as a constant, with no "
        f"derivative", _location(stmt, parsed), hint=hint)


def _location(stmt, parsed):
    """Where the user's statement ``stmt`` came from stands in the file."""
    site = anno.get(stmt, anno.SOURCE)
    if site is None:
        return parsed.location(stmt)
    code = linecache.getline(site.filename, site.line).rstrip("\n") or site.text
    return SourceLocation(site.filename, site.line, site.column + 1, code)
