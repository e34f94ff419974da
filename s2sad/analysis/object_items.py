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

Where the object is not known when the code is made (a parameter's attribute, a loop's
item, an item of a local container, either branch of a conditional), the read is
checked when the code runs instead: ``refuse_differentiated_object_items`` returns those
reads, and the sweeps put ``ensure_plain_item(obj, key, file, line, column)``
(``runtime.guards``) before each.
"""

import collections
import inspect
import linecache
import types

import gast

from ..errors import SourceLocation, UnsupportedSyntaxError
from ..rules.item_calls import item_call
from .kind_lattice import users_class
from ..syntax import anno, nodes
from .ops import flatten, names_in

#: the containers whose items s2sad reads through the container (an array: by protocol)
_CONTAINERS = (list, tuple, dict, str, bytes, bytearray, range, memoryview,
               collections.deque, types.MappingProxyType)


def refuse_differentiated_object_items(primal, varied, useful, parsed, kinds=None):
    """Raise the refusal of the first ``name = OBJ[key]`` of ``primal`` whose ``OBJ`` is an
    object computing its item (see the module docstring), whose key holds a varied name
    (``varied(name)``) and whose target is useful (``useful(name)``).  ``OBJ`` is followed
    through the locals assigned once (``t = MODEL.table``, ``t = TABS[0]``, an inlined
    method's ``self``) to a module's object, or is a parameter given an object of a class
    of the user's (``kinds``: the parameters' kinds of the call).

    Returns ``{id(read): read}``, the other reads of that form (varied key, useful
    target), whose object is not known now: checked when the code runs."""
    statements = list(flatten(primal))
    reads = [s for s in statements if s.__class__ is gast.Assign
             and s.targets[0].__class__ is gast.Name and s.value.__class__ is gast.Subscript]
    if not reads:
        return {}
    stores = collections.Counter(n.id for s in statements for n in nodes.walk(s)
                                 if n.__class__ is gast.Name and not isinstance(n.ctx, gast.Load))
    once = {s.targets[0].id: s.value for s in statements if s.__class__ is gast.Assign
            and len(s.targets) == 1 and s.targets[0].__class__ is gast.Name
            and stores[s.targets[0].id] == 1}
    params = {a.id for a in parsed.node.args.args + parsed.node.args.kwonlyargs}
    unknown = {}
    for stmt in reads:
        item = stmt.value
        keys = sorted(n for n in names_in(item.slice) if varied(n) and not _integral(once.get(n)))
        if not keys or not useful(stmt.targets[0].id):
            continue
        found = _object_of(item.value, parsed, once, stores, params, kinds or {}, 8)
        if found is None:
            unknown[id(stmt)] = stmt
        elif not _read_through(found[1]):
            raise _refusal(parsed, stmt, found[0], found[1], keys[0])
    return unknown


def _object_of(expr, parsed, once, stores, params, kinds, depth):
    """(spelling, object) of what ``expr`` holds where it is known when the code is made
    (see ``refuse_differentiated_object_items``), else None.  For a parameter, the object
    stands for its class: an instance made without running ``__init__``."""
    if depth == 0:
        return None
    if expr.__class__ is gast.Name:
        name = expr.id
        if name in params and stores[name] == 0:
            kind = kinds.get(name)
            cls = getattr(kind, "cls", None)
            return (name, _Instance(cls)) if inspect.isclass(cls) else None
        if name in once:
            return _object_of(once[name], parsed, once, stores, params, kinds, depth - 1)
        if stores[name] or name in params:
            return None
        spelled = (name, ())
    else:
        spelled = nodes.dotted_parts(expr)
        if spelled is None and expr.__class__ is gast.Subscript \
                and expr.slice.__class__ is gast.Constant:
            base = _object_of(expr.value, parsed, once, stores, params, kinds, depth - 1)
            if base is None or not isinstance(base[1], (list, tuple, dict)):
                return None
            try:
                return f"{base[0]}[{expr.slice.value!r}]", base[1][expr.slice.value]
            except (IndexError, KeyError, TypeError):
                return None
        if spelled is None:
            return None
        if spelled[0] in once or spelled[0] in params:
            base = _object_of(gast.Name(id=spelled[0], ctx=gast.Load(), annotation=None,
                                        type_comment=None),
                              parsed, once, stores, params, kinds, depth - 1)
            if base is None or isinstance(base[1], _Instance):
                return None
            obj = _attributes(base[1], spelled[1])
            return None if obj is None else (".".join([base[0], *spelled[1]]), obj)
    obj = _resolved(parsed, spelled)
    return None if obj is None else (".".join([spelled[0], *spelled[1]]), obj)


#: the dtypes an integer cast names (``v.astype(int)`` is ``np.array(v, int)`` by then)
_INTEGRAL = frozenset(("int", "bool", "int8", "int16", "int32", "int64", "intp", "uint8",
                       "uint16", "uint32", "uint64", "bool_", "integer"))


def _integral(value):
    """Whether ``value``, what a key's name is bound to once, is an integer for sure: a
    cast to an integer dtype (``np.array(v, int)``, ``v.astype(np.int64)``) or ``int(v)``:
    its derivative is zero, and an item read with it is constant where it is."""
    if value is None or value.__class__ is not gast.Call:
        return False
    func = nodes.dotted_parts(value.func)
    if func is None:
        return False
    name = func[1][-1] if func[1] else func[0]
    if name in ("int", "len") and not value.keywords and len(value.args) == 1:
        return True
    dtype = value.args[1] if name in ("array", "asarray") and len(value.args) == 2 else next(
        (k.value for k in value.keywords if k.arg == "dtype"), None)
    spelled = None if dtype is None else nodes.dotted_parts(dtype)
    return spelled is not None and (spelled[1][-1] if spelled[1] else spelled[0]) in _INTEGRAL


class _Instance:
    """Stands for an object of the class ``cls`` given as an argument (its items are
    computed by ``cls.__getitem__``, if the class has one)."""

    def __init__(self, cls):
        self.cls = cls


def _attributes(obj, parts):
    """``obj.a.b`` for ``parts`` ("a", "b") where no code runs to read them, else None."""
    for part in parts:
        if inspect.ismodule(obj):
            obj = getattr(obj, part, None)
            continue
        try:
            found = inspect.getattr_static(obj, part)
        except AttributeError:
            return None
        if hasattr(type(found), "__get__") and not callable(found):
            return None   # (a property: its value is computed when read)
        obj = found
    return obj


def _resolved(parsed, spelled):
    """The object the dotted ``spelled`` names: through modules, and through objects'
    attributes where no code runs to read them (``MODEL.table``: an attribute kept in
    the object or its class; a property or other descriptor gives None)."""
    obj = parsed.resolve(spelled[0], None, compose=False)
    return None if obj is None else _attributes(obj, spelled[1])


def _read_through(obj):
    """Whether an item of ``obj`` is read by s2sad through ``obj`` (a container, an array,
    a number), or is no object's own computation (a class, a module, no ``__getitem__``).
    A class of the user's computes its items where it defines ``__getitem__`` (a subclass
    of ``dict``, ``list`` or ``np.ndarray`` too) or a dict's ``__missing__``."""
    if obj.__class__ is _Instance:
        cls = obj.cls
    elif inspect.isclass(obj) or inspect.ismodule(obj):
        return True
    else:
        cls = type(obj)
        if item_call(obj) is not None:   # (np.r_ reached where syntax.item_calls was not)
            return False
    method = getattr(cls, "__getitem__", None)
    if method is None:
        return True
    if users_class(cls):
        return not inspect.isfunction(method) and getattr(cls, "__missing__", None) is None
    return issubclass(cls, _CONTAINERS) or hasattr(cls, "__array_interface__")


def _refusal(parsed, stmt, name, obj, key):
    cls = obj.cls if obj.__class__ is _Instance else type(obj)
    owner, method = cls.__name__, getattr(cls, "__getitem__", None)
    spelled = "__getitem__"
    if not inspect.isfunction(method) and getattr(cls, "__missing__", None) is not None:
        method, spelled = cls.__missing__, "__missing__"   # (a dict's missing items)
    if item_call(obj) is not None:
        hint = (f"{name} is differentiated where its pieces are arrays and numbers "
                f"({name}[0.0, u, 0.0]); with a slice or a string directive among them, join "
                f"the pieces yourself: np.concatenate([np.arange(0, 2), u]) for "
                f"np.r_[0:2, u], np.column_stack([u, v]) for np.c_[u, v]")
    elif inspect.isfunction(method) and name.isidentifier() \
            and all(c is object or users_class(c) for c in cls.__mro__):   # (no dict base)
        hint = (f"call its method, which s2sad differentiates as a method of a module's "
                f"object: {name}.{spelled}(key) in place of {name}[key]")
    elif inspect.isfunction(method):
        hint = (f"call its class's function, which s2sad differentiates as your helper: "
                f"{owner}.{spelled}({name}, key) in place of {name}[key] ({owner} a name "
                f"of the class in your module)")
    else:
        hint = (f"compute the item with a function s2sad differentiates, or register a "
                f"rule for one computing it (@s2sad.adjoint)")
    users = {n.id for n in nodes.walk(parsed.node) if n.__class__ is gast.Name}
    which = f"{key!r} is, or depends on," if key in users else "it depends on"
    return UnsupportedSyntaxError(
        f"{name}[...] reads an item of {name}, an object of class {owner} whose {spelled} "
        f"computes the item from the key, and the key carries a derivative ({which} a "
        f"parameter in wrt): s2sad reads such an item as a constant, with no derivative",
        _location(stmt, parsed), hint=hint)


def _location(stmt, parsed):
    """Where the user's statement ``stmt`` came from stands in the file."""
    site = anno.get(stmt, anno.SOURCE)
    if site is None:
        return parsed.location(stmt)
    code = linecache.getline(site.filename, site.line).rstrip("\n") or site.text
    return SourceLocation(site.filename, site.line, site.column + 1, code)
