"""``d.pop(key)`` and ``d.pop(key, default)`` on a dict (``del d[key]`` is read as the
first, see ``syntax.as_compiled``): the item read, then a new dict without it."""

from ...rules import registry
from .. import anno, nodes


def dict_pop(writes, call, target=None):
    """``d.pop(key)`` or ``d.pop(key, default)`` on a dict: the item read first
    (``d[key]``, Python's KeyError where it is missing, or ``dict_get(d, key,
    default)``) into ``target``'s new version or a fresh name, then ``d_1 =
    dict_delete(d, key, missing_ok)``, a new dict without it that the names holding
    the dict follow, as for an item write (``rebind``); returns the item's name."""
    walk, base = writes.walk, call.func.value
    args = [walk.flat.atom(a) for a in call.args]
    current = walk.scope.read_name(base.id, base)
    writes.refuse_outside(base, current, call)
    if len(args) == 1:
        item = walk.lists.read_item(current, args[0], target, base.id).id
    else:
        getter = registry.DICT_HELPERS["dict_get"]
        walk.helpers["dict_get"] = getter
        read = anno.set(nodes.call("dict_get", [nodes.clone(current)] + args),
                        anno.CALLEE, getter)
        item = walk.scope.new_version(target) if target else \
            walk.namer.fresh(f"{base.id}_item")
        walk.emit(nodes.assign(item, read))
        walk.defined.add(item)
        walk.aliases.track_views(item, read)
    delete = registry.DICT_HELPERS["dict_delete"]

    def written():
        new = walk.flat.helper_call(delete, "dict_delete", [
            nodes.clone(current), nodes.clone(args[0]), nodes.const(len(args) > 1)],
            base.id)
        walk.aliases.dict_link(new, current, None, args[0])
        return new
    writes.rebind(base, current, call, written)
    return item

