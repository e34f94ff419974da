"""The messages of the refusals of writes (:mod:`.assign`): a write into a value
another name holds and reads later, a write into a nested item s2sad does not follow,
with the spelling that works (a copy, the item written back, an index loop).

Input: the normalizer (its environment and parsed function) and the nodes of the write.
Output: an error to raise, or the text of a hint; nothing changes.
"""

import gast

from ...errors import SharedWriteError
from .. import nodes
from ..formatting import spelled
from .tuple_fields import field_store_error, namedtuple_class, unknown_class_error
from .views import is_view_index, is_whole_index, slice_bound


def shared_write_error(norm, user, written, target, update):
    """The refusal of a write into ``written`` (``target``; ``update``: the operator of
    the ``written op= ...`` it stands for) that would also change ``user``, read later."""
    what = f"writing into {written!r}" if update is None else \
        f"'{written} {update}= ...' writes into {written!r} in place, which"
    return SharedWriteError(
        f"{what} would also change {user!r}, which shares its memory and is read later",
        norm.parsed.location(target), hint=_shared_write_hint(norm, user, written, target,
                                                               update))


def _shared_write_hint(norm, user, written, target=None, update=None):
    """The hint of a write into ``written`` that would also change ``user``'s array:
    where ``written`` is a slice of ``user`` (``p = s[2:]``) and the write is a whole
    one (``p -= ...``, ``p[:] = ...``), the write into that slice of ``user``, which
    keeps the meaning (``s[2:] -= ...``); else a copy of ``written`` right before the
    write, or, where that copy would not do (``written`` is an enclosing function's
    variable, which assigning makes local, or a local function's parameter, whose copy
    would leave the caller's array as it is), a copy of ``user``'s where it is taken."""
    inliner = norm.inliner
    whole = target is not None and (update is not None or is_whole_index(target.slice))
    cut = slice_bound(norm.parsed.walked(), user, written) if whole else None
    if cut is not None:
        write = f"{cut} {update}= ..." if update is not None else f"{cut} = ..."
        # (written, a view of user taken before, would see the write: taken again after)
        return (f"to change {user!r} as Python does, write into {user!r} itself and take "
                f"{written!r} again after the write: {write}; {written} = {cut} (or, to "
                f"leave {user!r} as it is, make {written!r} an array of its own first: "
                f"{written} = np.copy({written}))")
    if inliner.enclosing_name(written):
        why = (f"{written!r} is the enclosing function's, and assigning it here would make "
               f"it local")
    elif inliner.local_parameter(written):
        why = (f"a copy of {written!r} here would leave the caller's array as it is, "
               f"which Python's write changes")
    else:
        return (f"to leave {user!r} as it is, make {written!r} an array of its own right "
                f"before the write: {written} = np.copy({written})")
    return (f"to leave {user!r} as it is, make it a copy where it is taken "
            f"({user} = np.copy(...)): {why}")


def callers_array_hint(name, op):
    """The hint of ``name op= ...`` on a local function's parameter holding the caller's
    array: Python changes that array in place."""
    return (f"write '{name}[...] {op}= ...' to change the caller's array in place, as "
            f"Python's {op}= on an array does (or '{name} = {name} {op} ...' to leave it "
            f"as it is)")


def nested_store_error(norm, target, base):
    """The refusal of ``x[i][j] = v`` (``base``: ``x[i]``, not a name)."""
    root = base
    while isinstance(root, gast.Subscript):
        root = root.value
    held = norm.env.get(root.id) if isinstance(root, gast.Name) else None
    if isinstance(held, gast.Name) and held.id in norm.aliases.list_values:
        return norm.error(
            f"writing into a value the list {root.id!r} holds "
            f"({root.id}[...][...] = ...) changes it in place, for the list and "
            f"every name holding that value: s2sad does not follow a write into "
            f"an item of a list", target,
            hint=f"build the new item and store it into the list: item = "
                 f"{root.id}[i].copy(); item[j] = ...; {root.id}[i] = item")
    outer, inner = _source(base), _source(target.slice)
    copied = f"item = {outer}.copy(); item[{inner}] = ...; {outer} = item"
    if isinstance(base, gast.Attribute) and isinstance(base.value, gast.Name) \
            and base.attr == "T" and not isinstance(target.slice, gast.Tuple):
        # Y.T[i] = v: a write through the transposed view
        name = base.value.id
        return norm.error(
            f"a write through the view {name}.T ({name}.T[{inner}] = ...) is not "
            f"supported: s2sad follows writes into an array by its own name", target,
            hint=f"of a matrix, {name}.T[{inner}] = v is {name}[:, {inner}] = v: write "
                 f"that (of a vector, {name}[{inner}] = v)")
    if isinstance(base, gast.Attribute) and isinstance(base.value, gast.Name):
        name = base.value.id
        hint = f"write into {name} itself, indexed where {outer} reads it, or bind a " \
               f"new array: item = {outer}.copy(); item[{inner}] = ..."
        if namedtuple_class(norm, base.value) is not None:   # (a namedtuple's field)
            hint = f"bind a new array and read it where {outer} is read: {base.attr} = " \
                   f"{outer}.copy(); {base.attr}[{inner}] = ..."
        if base.attr == "flat":   # (Y.flat[k]: the k-th item in C order)
            hint = (f"index the flattened array and reshape it back: flat = "
                    f"{name}.flatten(); flat[{inner}] = ...; {name} = "
                    f"flat.reshape({name}.shape)")
        return norm.error(
            f"a write through {outer} ({outer}[{inner}] = ...) is not supported: s2sad "
            f"follows writes into an array by its own name", target, hint=hint,
            kind=unknown_class_error(norm, base.value))
    if not (isinstance(base, gast.Subscript) and isinstance(base.value, gast.Name)):
        return norm.error("write into one array at a time: x[i, j] = ..., not "
                          "x[i][j] = ...", target,
                          hint=f"index the array by its name in one subscript "
                               f"(x[i, j] = ...), or bind a new array: {copied}")
    if isinstance(base.slice, gast.Constant) and isinstance(base.slice.value, str):
        return norm.error(   # (a key: the item of a dict, an array written in place?)
            f"writing into the value {outer} holds ({outer}[{inner}] = ...) changes it "
            f"in place if it is an array (no string key or dict method shows a dict "
            f"there): s2sad does not follow a write into a value a dict holds", target,
            hint=f"build the new array and store it into the dict: {copied}",
            kind=norm.dict_forms.refusal_kind(base))
    pairs = _items_looped(norm, base.value.id)
    if pairs is not None:   # for kv in d.items(): kv[1][0] = ... (kv: a tuple)
        return norm.error(
            f"{base.value.id} is a (key, value) tuple of {pairs}.items(): writing into the "
            f"array it holds ({outer}[{inner}] = ...) changes it in place in the dict: "
            f"s2sad does not follow a write into a value a dict holds", target,
            hint=f"loop over the keys and store a new array: for k in {pairs}: item = "
                 f"{pairs}[k].copy(); item[{inner}] = ...; {pairs}[k] = item")
    if base.value.id in norm.dict_writes.dict_names():   # (d[k, 0] would be a key)
        return norm.error(
            f"writing into the value {outer} holds ({outer}[{inner}] = ...) changes it "
            f"in place if it is an array (no string key or dict method shows a dict "
            f"there): s2sad does not follow a write into a value a dict holds", target,
            hint=f"build the new array and store it into the dict: {copied}")
    return _chained_store_error(norm, target, base, copied)


def _chained_store_error(norm, target, base, copied):
    """The refusal of ``x[i][j] = v`` (``base``: ``x[i]``, ``x`` a name), its hint by the
    kind of ``i``: an integer (``x[i, j] = v``, the same write), an index array or a
    mask (``x[i]`` is a copy: Python's write changes nothing), a slice (a view: the
    write into ``x`` through one subscript), or not known (each named)."""
    name, outer, inner = base.value.id, _source(base), _source(target.slice)
    kind = _index_kind(base.slice)
    if kind == "copy":
        picked = _picked_index(base.slice, target.slice)
        once = "" if picked is None else (
            f"; to write into the items of {name} that {outer}[{inner}] reads, index "
            f"{name} once: {name}[{picked[0]}] = ...{picked[1]}")
        return norm.error(
            f"{outer}[{inner}] = ... writes into a copy: {outer} indexes {name} by an "
            f"index array or a mask, which makes a new array, dropped after the write, so "
            f"Python leaves {name} as it is", target,
            hint=f"remove the statement (it changes nothing){once}")
    message = "write into one array at a time: x[i, j] = ..., not x[i][j] = ..."
    if kind == "view":
        return norm.error(message, target, hint=(
            f"{outer} is a view of {name}: write into {name} with one subscript naming the "
            f"same items (x[i, :][j] is x[i, j]; x[a:b][j] is x[a + j] of a slice of step "
            f"1 and j >= 0); for an array a list or dict holds, store a new one: {copied}"))
    joined = f"{name}[{_source(base.slice)}, {inner}]"
    if kind == "int":
        return norm.error(message, target, hint=(
            f"for an array, write {joined} = ...; for an array a list or dict holds, store "
            f"a new one: {copied}"))
    index = _source(base.slice)
    return norm.error(message, target, hint=(
        f"if {index} is an integer, write {joined} = ... (the same write); if it is an "
        f"index array or a mask, {outer} is a copy and Python's write changes nothing "
        f"(remove it); for an array a list or dict holds, store a new one: {copied}"))


#: calls whose result, an index array (a tuple of them, a mask), makes ``x[...]`` a copy
_INDEX_ARRAY_CALLS = frozenset(("array", "asarray", "arange", "flatnonzero", "argsort"))
_INDEX_TUPLE_CALLS = frozenset(("nonzero", "where"))
_MASK_CALLS = frozenset(("isfinite", "isnan", "logical_and", "logical_or", "logical_not"))


def _index_kind(index):
    """"int" for an integer literal, "copy" for an index array or mask spelled as one
    (a list, a comparison, ``~m``, ``np.arange(...)``...), "view" for a slice (or a
    tuple holding one, ``None`` or ``...``), else None (a name: not known here)."""
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
        index = index.operand
    if isinstance(index, gast.Constant) and type(index.value) is int:
        return "int"
    if isinstance(index, gast.Tuple):   # (x[[1, 2], :]: a copy; x[0, :]: a view)
        kinds = [_index_kind(part) for part in index.elts]
        return "copy" if "copy" in kinds else "view" if is_view_index(index) else None
    if is_view_index(index):
        return "view"
    if isinstance(index, (gast.List, gast.ListComp, gast.Compare)) or (
            isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.Invert)):
        return "copy"
    if isinstance(index, gast.Call):
        func = index.func
        called = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "")
        known = _INDEX_ARRAY_CALLS | _INDEX_TUPLE_CALLS | _MASK_CALLS
        return "copy" if called in known else None
    return None


def _picked_index(index, inner):
    """(index, note): the one index into ``x`` of the items ``x[index][inner]`` reads,
    ``index`` an index array or a mask: ``[1, 2][0]`` of a list literal,
    ``np.flatnonzero(m)[j]`` of a mask (of a 1-d ``x``), ``np.arange(n)[j]`` of an index
    array made by a call; None where no one spelling is right (a tuple of indices)."""
    text, picked = _source(index), _source(inner)
    called = None
    if isinstance(index, gast.Call):
        func = index.func
        called = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "")
    if isinstance(index, (gast.Compare, gast.UnaryOp)) or called in _MASK_CALLS:
        return f"np.flatnonzero({text})[{picked}]", " (of a 1-d array)"
    if called in _INDEX_ARRAY_CALLS:
        return f"{text}[{picked}]", ""
    if isinstance(index, gast.List):
        simple = isinstance(inner, gast.Slice) or (
            isinstance(inner, gast.Constant) and type(inner.value) is int)
        return (f"{text}[{picked}]" if simple else f"np.array({text})[{picked}]"), ""
    return None   # (a tuple of indices, np.nonzero(m)...: in words only)


def attribute_store_error(norm, target, value=None, update=None):
    """The refusal of an assignment to ``target``, not a name, a tuple or an item: an
    attribute (``y.shape = s``, ``obj.w = v``; ``value``: the user's value where it is
    known, ``update``: the operator of ``y.shape op= ...``)."""
    if not isinstance(target, gast.Attribute):
        return norm.error(f"cannot assign to {_source(target)}", target)
    owner, attr = _source(target.value), target.attr
    op = "=" if update is None else f"{update}="
    given = spelled(value) if value is not None and update is None else "..."
    written = f"{owner}.{attr} {op} {given}"
    words = _ATTRIBUTE_WORDS.get(attr)
    named = field_store_error(norm, target, written)   # (a namedtuple's: immutable)
    if named is not None:
        return named
    if words is None:
        return norm.error(
            f"assigning an attribute ({written}) changes the object {owner} holds in "
            f"place: s2sad follows the values bound to names, not attributes set", target,
            hint=f"bind the value to a name ({attr} = ...) and read that name where "
                 f"{owner}.{attr} is read (pass it to the functions that read it)",
            kind=unknown_class_error(norm, target.value))
    message, hint = words
    shape = given if given != "..." else "shape"
    return norm.error(f"{written}: " + message.format(o=owner), target,
                      hint=hint.format(o=owner, v=given, shape=shape))


#: an array's attribute assigned -> (what Python does, what to write instead)
_ATTRIBUTE_WORDS = {
    "shape": ("it reshapes the array {o} holds in place (every name holding that array "
              "sees the new shape), which s2sad does not follow",
              "bind the reshaped array to the name: {o} = {o}.reshape({shape})"),
    "dtype": ("it makes {o} read the bytes of its items as the new type (the values are "
              "not converted: it is {o} = {o}.view(t)), which has no derivative",
              "to convert the values, write {o} = {o}.astype({v}) (a different "
              "function: the values kept, their bytes not)"),
    "real": ("it writes into the array {o} holds in place (of a real array, {o}.real is "
             "{o} itself), which s2sad follows only as a write into {o}",
             "write {o}[...] = {v}"),
    "imag": ("of a real array Python raises TypeError; of a complex one it writes the "
             "imaginary parts, and s2sad does not differentiate complex values",
             "keep the values real"),
    "flat": ("it writes every item of {o} in place (repeating the values in turn), "
             "which s2sad follows only as a write into {o}",
             "write {o}[...] = {v} (one value), or {o}[...] = np.reshape({v}, {o}.shape) "
             "(one value per item)"),
}


def _items_looped(norm, user):
    """The dict ``d`` (its spelling) where the user name ``user`` is the one-name target
    of a loop ``for user in d.items():`` of the function, else None."""
    for node in nodes.walk(norm.parsed.node):
        if node.__class__ is gast.For and isinstance(node.target, gast.Name) \
                and node.target.id == user and isinstance(node.iter, gast.Call) \
                and isinstance(node.iter.func, gast.Attribute) \
                and node.iter.func.attr == "items" and not node.iter.args:
            return _source(node.iter.func.value)
    return None


def copy_spelling(norm, current, name, unknown=False):
    """The statement copying the value ``name`` holds (``current``, its atom):
    ``name = list(name)`` for a list, ``dict`` for a dict, ``np.copy`` for an array (np.copy of a list of
    arrays would be one array of more dimensions, of a dict a 0-d object array).  With
    ``unknown`` (an argument whose kind the code does not show) each kind is named."""
    atom = current.id if isinstance(current, gast.Name) else None
    if atom in norm.aliases.list_values:
        return f"{name} = list({name})"
    if atom in norm.dicts or atom in norm.dict_writes.param_dicts:
        return f"{name} = dict({name})"
    if unknown:
        return (f"{name} = np.copy({name}) for an array, {name} = list({name}) for a list, "
                f"{name} = dict({name}) for a dict")
    return f"{name} = np.copy({name})"
def _source(node):
    """The source text of an expression (an index: ``i, j`` without parentheses)."""
    text = spelled(node)   # (ast.unparse, format strings as the user wrote them)
    if isinstance(node, gast.Tuple) and text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return text


def refuse_missing_method(norm, owner, func, node):
    """``owner``, the atom of the method call ``node``'s value; refused where it holds a
    list (or a dict) the function made, whose class has no such method (``xs.sum()``):
    Python raises AttributeError there, where numpy's function of the same name would
    compute a number (stranger23c)."""
    if not isinstance(owner, gast.Name):
        return owner
    held = list if owner.id in norm.aliases.list_values else \
        dict if owner.id in norm.dicts else None
    if held is None or hasattr(held, func.attr):
        return owner
    written = spelled(func.value)
    raise norm.error(
        f"{written!r} holds a {held.__name__}, which has no method .{func.attr}(): "
        f"Python raises AttributeError: '{held.__name__}' object has no attribute "
        f"'{func.attr}' here", node,
        hint=f"make it an array first, {written} = np.array({written}), whose method "
             f".{func.attr}() numpy has (or call numpy's function of its items)")
