"""The lattice of kinds (see :mod:`.kinds`, which infers them and gives these names too):
the kinds, the questions asked of one, their join, and the kind of an actual value.

Plain data in, plain data out (no numpy).
"""

LEAF = "leaf"
UNKNOWN = "?"
_BOTTOM = None   # not assigned yet (internal to the fixed point)

_CONTAINERS = ("list", "tuple", "dict")


class FieldName:
    """A subscript's index naming a field (``p.W`` read as ``p[FieldName("W")]`` until the
    kinds tell the position, see ``syntax.normalize.tuple_fields``): :func:`item` reads
    it on a namedtuple's kind; on any other kind its item is ``UNKNOWN``."""

    __slots__ = ("name", "refusal", "node")

    def __init__(self, name, refusal=None, node=None):
        self.name = name
        self.refusal = refusal   # (the error raised where the kinds do not tell it)
        self.node = node   # (the user's attribute node: read as it is, an object's)

    def __repr__(self):
        return f"FieldName({self.name!r})"


def named_fields(kind):
    """The field names of a namedtuple's kind (``("tuple", items, elem, (cls, fields))``,
    see :func:`kind_of_value`), else None."""
    if isinstance(kind, tuple) and len(kind) == 4 and kind[0] == "tuple":
        return kind[3][1]
    return None


def _namedtuple_fields(value):
    """The field names of a namedtuple ``value`` (its class's ``_fields``, one string a
    item), else None."""
    fields = getattr(value.__class__, "_fields", None)
    if isinstance(fields, tuple) and len(fields) == len(value) \
            and all(isinstance(f, str) for f in fields):
        return fields
    return None


class ObjectKind(str):
    """The kind of an object of a user's class (``self`` of a method): a ``LEAF`` to the
    analyses (no container), which also names the class (``.cls``), part of the cache
    key, since ``self.act(x)`` calls the class's ``act``.  Two are equal for the same
    class; one is equal to ``LEAF``."""

    def __new__(cls, klass, shadowed=frozenset()):
        kind = str.__new__(cls, LEAF)
        kind.cls, kind.shadowed = klass, shadowed   # (shadowed: the object's own functions)
        return kind

    def __eq__(self, other):
        if other.__class__ is ObjectKind:
            return self.cls is other.cls and self.shadowed == other.shadowed
        return str.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash((LEAF, id(self.cls), self.shadowed))

    def __repr__(self):
        return f"<object of {self.cls.__qualname__}>"


def is_container(kind):
    """A list, tuple or dict kind."""
    return isinstance(kind, tuple) and kind[0] in _CONTAINERS


def specializes(kind):
    """Whether a callee is made for an argument of this kind: a container's structure, or
    an object's class (``ObjectKind``: its methods called through it)."""
    return is_container(kind) or kind.__class__ is ObjectKind


def is_sequence(kind):
    """A list or tuple kind."""
    return isinstance(kind, tuple) and kind[0] in ("list", "tuple")


def element(kind):
    """The joined kind of a container's items (``UNKNOWN`` for anything else)."""
    if not is_container(kind):
        return UNKNOWN
    return kind[1] if kind[0] == "list" else kind[2]


def item(kind, key):
    """The kind of ``container[key]`` for a constant ``key`` (an int, a str, or a
    :class:`FieldName` of a namedtuple's kind)."""
    if key.__class__ is FieldName:
        fields = named_fields(kind)
        if fields is None or key.name not in fields:
            return UNKNOWN
        key = fields.index(key.name)
    if not is_container(kind):
        return LEAF if kind == LEAF else UNKNOWN
    if kind[0] == "tuple" and kind[1] is not None and isinstance(key, int) \
            and not isinstance(key, bool) and -len(kind[1]) <= key < len(kind[1]):
        return kind[1][key]
    if kind[0] == "dict" and kind[1] is not None:
        for k, v in kind[1]:
            if k == key:
                return v
        return UNKNOWN
    return element(kind)


def list_of(elem):
    return ("list", elem)


def tuple_of(items):
    items = tuple(items)
    return ("tuple", items, _join_all(items))


def dict_of(pairs):
    pairs = tuple(pairs)
    return ("dict", pairs, _join_all(v for _, v in pairs))


def _join_all(kinds):
    found = _BOTTOM
    for k in kinds:
        found = join(found, k)
    return LEAF if found is _BOTTOM else found


def join(a, b):
    """The kind of a value that may be of kind ``a`` or of kind ``b``."""
    if a is _BOTTOM:
        return b
    if b is _BOTTOM or a == b:
        return a
    if not (is_container(a) and is_container(b)) or a[0] != b[0]:
        return UNKNOWN
    if a[0] == "list":
        return ("list", join(a[1], b[1]))
    elem = join(a[2], b[2])
    if a[1] is None or b[1] is None or len(a[1]) != len(b[1]):
        return (a[0], None, elem)
    if a[0] == "tuple":   # (one namedtuple class: still that class)
        return ("tuple", tuple(join(x, y) for x, y in zip(a[1], b[1])), elem) + \
            (a[3:] if a[3:] == b[3:] else ())
    if [k for k, _ in a[1]] != [k for k, _ in b[1]]:
        return ("dict", None, elem)
    return ("dict", tuple((k, join(x, y)) for (k, x), (_, y) in zip(a[1], b[1])), elem)


def kind_of_value(value):
    """The kind of an actual value: containers by their items (a list by the join of
    its items' kinds, so lists of any length share one kind), anything else ``LEAF``."""
    cls = value.__class__
    if cls is list:
        return ("list", _join_all(kind_of_value(v) for v in value))
    if cls is tuple:
        return tuple_of(kind_of_value(v) for v in value)
    if isinstance(value, tuple) and _namedtuple_fields(value) is not None:
        # a namedtuple: a tuple of its items that knows its class (the code read its fields
        # by: made again for another class)
        return tuple_of(kind_of_value(v) for v in value) + ((cls, _namedtuple_fields(value)),)
    if cls is dict:
        keys = list(value)
        if all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in keys):
            return dict_of((k, kind_of_value(value[k])) for k in keys)
        return ("dict", None, _join_all(kind_of_value(v) for v in value.values()))
    if isinstance(value, (list, tuple, dict)):   # other subclasses (OrderedDict...): not known
        return UNKNOWN
    return LEAF


#: the packages whose objects are not the user's (arrays, numbers, their scalars)
_LIBRARIES = frozenset(("numpy", "builtins", "dask", "scipy", "numba", "cupy", "jax",
                        "torch", "pandas", "xarray", "decimal", "fractions", "collections",
                        "types", "functools"))


def users_module(name):
    """Whether the module named ``name`` is none of the libraries' (the user's own)."""
    return (name or "builtins").partition(".")[0] not in _LIBRARIES


def users_class(cls):
    """Whether the class ``cls`` is the user's (its module is none of the libraries')."""
    return users_module(getattr(cls, "__module__", None))


def argument_kind(value):
    """The kind of an argument: ``kind_of_value``'s, or an ``ObjectKind`` for an object
    of a user's class (a class whose module is none of the libraries')."""
    kind = kind_of_value(value)
    cls = value.__class__
    if kind == LEAF and users_class(cls) and not isinstance(value, type):
        own = getattr(value, "__dict__", None) or ()
        return ObjectKind(cls, frozenset(k for k in own if callable(own[k])))
    return kind
