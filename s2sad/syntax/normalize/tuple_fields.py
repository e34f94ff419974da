"""Fields of namedtuple arguments: ``p.W`` where ``p`` holds a namedtuple the
arguments' structure shows (an argument, an item of a container argument, a loop's
item, the field of another namedtuple, a helper's parameter given one).

The walk cannot tell the class of every value it reads (a loop's item, an item read
by a computed index): it reads ``p.W`` as the item ``p[FieldName("W")]``, so the facts
of what may hold what are an item's (a write into ``p.W`` is a write into ``p``'s
item).  When the whole function is walked, :func:`resolve` infers the kinds of its
names from the arguments' kinds (``analysis.kinds``: a namedtuple's kind knows its
class's fields) and makes each such index the field's position, ``p[0]``; where the
kinds show no namedtuple with that field, the read is refused at its line.  Without
a namedtuple among the arguments (a module the CLI writes, which never sees them),
:func:`field_read` leaves the refusal to the caller at once.

Input: an attribute read, its owner's atom; the normalized body.  Output: a subscript
(or None); the body with each field's position in place.
"""

import gast

from ...analysis.kind_lattice import LEAF, UNKNOWN, FieldName, named_fields
from ...analysis.kinds import infer
from ...errors import FieldReadError, UnsupportedSyntaxError
from .. import anno, nodes

#: the attributes of a namedtuple that are no fields (its class's methods and data)
_CLASS_ATTRIBUTES = frozenset({"_fields", "_field_defaults", "_replace", "_asdict", "_make"})


def field_names(kind):
    """The field names of the namedtuples the kind ``kind`` (``analysis.kinds``) is or
    holds, nested."""
    found = set(named_fields(kind) or ())
    if not isinstance(kind, tuple) or kind[0] not in ("list", "tuple", "dict"):
        return found
    if kind[0] == "list":
        return found | field_names(kind[1])
    inner = [kind[2]] + ([v for _, v in kind[1]] if kind[0] == "dict" else list(kind[1]))\
        if kind[1] is not None else [kind[2]]
    for k in inner:
        found |= field_names(k)
    return found


def refuse_array_named_field(norm, node, *array_attributes):
    """Refuse ``owner.T`` (an attribute s2sad reads of an array, in ``array_attributes``)
    where a namedtuple the arguments hold has a field of that name: which of the two
    the read means is not known where the code is made."""
    kinds = norm.dict_writes.kinds
    if not kinds or not any(node.attr in names for names in array_attributes):
        return
    if any(node.attr in field_names(k) for k in kinds.values()):
        raise norm.error(
            f"'.{node.attr}' is an array's attribute and the name of a field of a "
            f"namedtuple the arguments hold: s2sad cannot tell which this reads", node,
            hint=f"read the field by position (p[0]) or unpack the namedtuple (a, b = p); "
                 f"for the array's, call numpy's function (np.transpose(x) for .T)")


def field_read(norm, owner, node):
    """``owner[FieldName(attr)]`` for the attribute read ``node`` (``owner.attr``) in
    code made for the structure of container arguments (decided by :func:`resolve`),
    else None: the caller refuses the attribute (code made for numbers and arrays, or a
    module the CLI writes, which never sees the arguments)."""
    if not isinstance(owner, gast.Name) or not norm.dict_writes.kinds \
            or _holds_an_object(norm, owner):
        return None   # (an object of the user's class: its attribute, object_attributes)
    if node.attr in _CLASS_ATTRIBUTES:
        raise class_attribute_error(norm, node.attr, node)
    refusal = norm.error(
        f"the attribute '.{node.attr}' is not supported: s2sad reads a field of a "
        f"namedtuple (p.{node.attr}) where the arguments show it is one with that field "
        f"(a namedtuple argument, an item of a list, tuple or dict argument, nested), and "
        f"here they show none", node,
        hint=f"unpack the value (W, b = p) or index it by position (p[0]); pass the "
             f"namedtuple as an argument, not a value made from it (a namedtuple "
             f"of different classes in one list is read by position too); a dataclass "
             f"is not taken apart: declare its class a typing.NamedTuple with the same "
             f"fields; for another object pass the value of '.{node.attr}' as an argument")
    index = gast.Constant(value=FieldName(node.attr, refusal, node), kind=None)
    return gast.Subscript(value=owner, slice=index, ctx=gast.Load())


def _holds_an_object(norm, owner):
    """Whether the name ``owner`` holds an object of the user's class: a parameter the
    code is made for objects of (``self``: ``norm.object_classes``), a module's object
    (a free name), or the value of an attribute read of one (``self.layer``, read as it
    is: ``anno.OBJECT_ATTRIBUTE``)."""
    if owner.id in norm.root_params:
        return norm.object_classes.get(owner.id) is not None
    if owner.id not in norm.defined:   # (a free name: a module's object, CO.n, read as
        return True                    # it is; fields come from the arguments only)
    for stmt in reversed(norm.out):
        if stmt.__class__ is gast.Assign and stmt.targets[0].__class__ is gast.Name \
                and stmt.targets[0].id == owner.id:
            return anno.get(stmt.value, anno.OBJECT_ATTRIBUTE, None) is not None
    return False


def namedtuple_class(norm, owner):
    """The name of the namedtuple class the argument ``owner`` (a node) holds, when it is
    a parameter the arguments' kinds show to be one, else None."""
    if not isinstance(owner, gast.Name) or owner.id not in norm.root_params:
        return None
    kind = norm.dict_writes.kinds.get(owner.id)
    return kind[3][0].__name__ if named_fields(kind) is not None else None


def unknown_class_error(norm, owner):
    """The class of the refusal of a write into the attribute of ``owner`` (a node):
    ``FieldReadError`` for a parameter in code made without the arguments' structure
    (the API says, called with a namedtuple there, what is true of one), else
    ``UnsupportedSyntaxError``."""
    if isinstance(owner, gast.Name) and owner.id in norm.root_params \
            and not norm.dict_writes.kinds:
        return FieldReadError
    return UnsupportedSyntaxError


def field_store_error(norm, target, written):
    """The refusal of ``p.W = ...`` where ``p`` is a namedtuple argument, else None."""
    cls = namedtuple_class(norm, target.value)
    if cls is None:
        return None
    owner, attr = target.value.id, target.attr
    return norm.error(
        f"assigning a field ({written}): {owner} is a namedtuple ({cls}), whose fields "
        f"cannot be set (Python raises AttributeError)", target,
        hint=f"bind the new value to a name ({attr} = ...) and read that name where "
             f"{owner}.{attr} is read, or make the namedtuple with the new field outside "
             f"the differentiated function ({owner}._replace({attr}=...))")


def class_attribute_error(norm, attr, node):
    """The refusal of ``p._replace(...)``, ``p._fields``... (a namedtuple's class
    attributes other than its fields), else None for another attribute ``attr``."""
    if attr not in _CLASS_ATTRIBUTES:
        return None
    return norm.error(
        f"'.{attr}' of a namedtuple is not supported: s2sad reads its fields (p.W), its "
        f"items (p[0]) and unpacking (W, b = p)", node,
        hint="read the fields you need and use them (p.W, p.b); for a namedtuple with a "
             "field replaced, pass the new value on beside the others (W2, p.b), or build "
             "the namedtuple outside the differentiated function")


def _placeholders(body):
    """``(assignment, subscript)`` of each subscript of ``body`` (statements, nested
    ones too) whose index is a :class:`FieldName`: the assignment whose whole value it is
    (``t = p[FieldName("W")]``), else None."""
    found, assigned = [], {}
    for stmt in body:
        for node in gast.walk(stmt):
            if node.__class__ is gast.Assign:
                assigned[id(node.value)] = node
            elif node.__class__ is gast.Subscript and node.slice.__class__ is gast.Constant \
                    and node.slice.value.__class__ is FieldName:
                found.append(node)
    return [(assigned.get(id(node)), node) for node in found]


def _as_object_attribute(norm, stmt, sub, kind):
    """Read ``t = p[FieldName("W")]`` as the attribute it was written as, ``t = p.W``
    (``anno.OBJECT_ATTRIBUTE``, a constant of the call, see ``.object_attributes``), where
    the kinds show ``p`` to be no container (``kind``: an object of the user's class,
    the item of a list argument of them, or a value whose kind no argument tells:
    ``self.layers``' item); True when done.  A read of a differentiated owner is refused
    after the activity is known (``analysis.attribute_reads``), as any object's is."""
    if kind not in (LEAF, UNKNOWN) or stmt is None \
            or stmt.targets[0].__class__ is not gast.Name:
        return False
    field = sub.slice.value
    read = gast.Attribute(value=sub.value, attr=field.name, ctx=gast.Load())
    anno.set(read, anno.OBJECT_ATTRIBUTE, field.node)
    stmt.value = read
    norm.aliases.track_views(stmt.targets[0].id, read)   # (the object's: written, refused)
    return True


def resolve(norm, body, kinds):
    """Put each field's position in place of its name in ``body`` (the normalized
    statements; ``kinds``: the arguments' kinds); read the attribute as it is where the
    owner is no container (:func:`_as_object_attribute`), or refuse the first read
    whose owner the kinds show to be a container with no such field."""
    if not kinds:
        return
    found = _placeholders(body)
    if not found:
        return
    known = infer(body, {p: k for p, k in kinds.items() if p in norm.root_params})
    for stmt, sub in found:
        field = sub.slice.value
        kind = known.get(sub.value.id, UNKNOWN) if isinstance(sub.value, gast.Name) \
            else None
        fields = named_fields(kind)
        if fields is not None and field.name in fields:
            sub.slice = nodes.const(fields.index(field.name))
        elif not _as_object_attribute(norm, stmt, sub, kind):
            raise field.refusal
