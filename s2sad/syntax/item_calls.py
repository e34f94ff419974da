"""Items that are calls: ``np.r_[0.0, u, 0.0]`` read as ``r_joined([0.0, u, 0.0])``.

numpy's ``np.r_`` and ``np.c_`` compute their item from the key (they join its pieces);
read as an item, its value would be a constant, and the derivative of the pieces lost.
Before the fence, each item of such an object (the object by its value, a free name or
a module's attribute: ``np.r_``, ``numpy.c_``, ``from numpy import r_``; the helper
declared for it in ``rules.item_calls``) whose key holds no slice (``np.r_[0:3, x]``),
no string directive (``np.r_['0,2', a, b]``) and no starred piece becomes a call of that
helper with the key's pieces in a list display: a free name of the function that s2sad
binds (``ParsedFunction.made_names``), differentiated by the helper's rules in every
mode.  Any other item stays as written (refused where its key carries a derivative:
``analysis.object_items``).

Input and output: a :class:`ParsedFunction` whose tree is rewritten in place.
"""

import gast

from . import nodes
from ..rules.item_calls import item_call


def lower_item_calls(parsed):
    """Rewrite ``parsed`` as the module docstring says; returns nothing."""
    fn = parsed.node
    walked = list(nodes.walk(fn))
    if not any(n.__class__ is gast.Subscript for n in walked):
        return
    local = {a.id for a in _parameters(fn.args)} | {
        n.id for n in walked if n.__class__ is gast.Name
        and isinstance(n.ctx, (gast.Store, gast.Del, gast.Param))}
    taken = {n.id for n in walked if n.__class__ is gast.Name}
    names = {}   # helper's name -> the name bound to it
    for node in reversed(walked):   # (a node's items lowered before it: np.r_[np.r_[u]])
        for field, value in gast.iter_fields(node):
            values = value if isinstance(value, list) else [value]
            for k, child in enumerate(values):
                new = _lowered(child, parsed, local, taken, names)
                if new is None:
                    continue
                if isinstance(value, list):
                    value[k] = new
                else:
                    setattr(node, field, new)


def _parameters(args):
    found = list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs)
    return found + [a for a in (args.vararg, args.kwarg) if a is not None]


def _lowered(node, parsed, local, taken, names):
    """The call ``node`` (an item read) is, or None."""
    if node.__class__ is not gast.Subscript or not isinstance(node.ctx, gast.Load):
        return None
    spelled = nodes.dotted_parts(node.value)
    if spelled is None or spelled[0] in local:
        return None
    obj = parsed.resolve(spelled[0], None, compose=False)
    for part in spelled[1]:
        if obj is None or type(obj).__name__ != "module":
            return None
        obj = getattr(obj, part, None)
    helper = item_call(obj) if obj is not None else None
    if helper is None:
        return None
    key = node.slice
    pieces = key.elts if key.__class__ is gast.Tuple else [key]
    if any(p.__class__ in (gast.Slice, gast.Starred) or (
            p.__class__ is gast.Constant and isinstance(p.value, str)) for p in pieces):
        return None
    name = names.get(helper.__name__)
    if name is None:
        name = names[helper.__name__] = _fresh(helper.__name__, taken)
        parsed.closure[name] = helper
        parsed.made_names = parsed.made_names | {name}
    callee = gast.copy_location(
        gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None), node.value)
    joined = gast.copy_location(gast.List(elts=pieces, ctx=gast.Load()), node)
    return gast.copy_location(gast.Call(func=callee, args=[joined], keywords=[]), node)


def _fresh(base, taken):
    name, k = base, 0
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name
