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
from .views import is_whole_index, slice_bound


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
        return (f"to change {user!r} as Python does, write into {user!r} itself: {write} "
                f"(or, to leave {user!r} as it is, make {written!r} an array of its own "
                f"first: {written} = np.copy({written}))")
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
        return norm.error(
            f"a write through {outer} ({outer}[{inner}] = ...) is not supported: s2sad "
            f"follows writes into an array by its own name", target,
            hint=f"write into {name} itself, indexed where {outer} reads it, or bind a "
                 f"new array: item = {outer}.copy(); item[{inner}] = ...")
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
    simple = not any(isinstance(i, (gast.Slice, gast.Tuple))
                     for i in (base.slice, target.slice))
    joined = f"{base.value.id}[{_source(base.slice)}, {inner}]" if simple else "x[i, j]"
    return norm.error("write into one array at a time: x[i, j] = ..., not x[i][j] = ...",
                      target, hint=f"for an array, write {joined} = ...; for an array a "
                                   f"list or dict holds, store a new one: {copied}")


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
