"""``np.add.at(a, indices, values)`` and ``np.subtract.at(...)``: a ufunc's unbuffered
write into ``a`` (an index named twice receives every value), normalized as a write of
the whole array::

    scattered = scatter_add(a, indices, values)   # zeros of a's shape, the values added
    a_new = a + scattered                         # (a - scattered for subtract)
    a[...] = a_new

so the checks of a write into an array (who else holds ``a``, an argument, a global), the
values the reverse sweep saves before a write and forward mode's stores apply as for any
item write.  Which ufunc writes have this form is the rules' to say
(``registry.UFUNC_WRITES``); the others are refused by ``views.writes_in_place``.
"""

import gast

from ...rules import identity, registry
from .. import nodes

_OPS = {"add": gast.Add, "subtract": gast.Sub}


def ufunc_write(norm, stmt):
    """Normalize the statement ``stmt`` if it is ``np.<ufunc>.at(name, indices, values)``
    for a ufunc with a rule; return whether it did."""
    call = stmt.value
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and call.func.attr == "at" and norm.module_names.global_path(call.func) is not None
            and registry.UFUNC_WRITES):
        return False
    target = norm.module_names.resolve_path(call.func)
    entry = registry.UFUNC_WRITES.get(identity.key(target))
    if entry is None or not identity.same(entry[0], target):
        return False
    spelled = ".".join(norm.module_names.global_path(call.func))
    if len(call.args) != 3 or call.keywords or not isinstance(call.args[0], gast.Name):
        raise norm.error(f"'{spelled}' is differentiated as {spelled}(a, indices, values) with "
                         f"three positional arguments, 'a' a name", stmt,
                         hint=f"name the array written into: a = ...; {spelled}(a, i, v)")
    _, helper, op = entry
    base = call.args[0]
    current = norm.scope.read_name(base.id, base)
    index = norm.flat.atom(call.args[1])
    values = norm.flat.atom(call.args[2])
    name = helper.__name__
    norm.helpers[name] = helper
    scattered = norm.flat.operation_value(
        nodes.call(name, [nodes.clone(current), index, values]), "scattered", callee=helper)
    total = norm.flat.operation_value(
        gast.BinOp(left=nodes.clone(current), op=_OPS[op](), right=scattered), base.id)
    written = gast.Subscript(value=gast.copy_location(nodes.name(base.id), base),
                             slice=nodes.const(Ellipsis), ctx=gast.Store())
    norm.assigns.store(gast.copy_location(written, stmt), total)
    return True


def refuse_ufunc_value(norm, target, node):
    """Refuse the call ``node`` of ``np.add.at`` (a ufunc write, ``target``) used as a
    value (``z = np.add.at(...)``, ``return np.add.at(...)``, a lambda's body): its
    write is differentiated only as a statement of its own (see :func:`ufunc_write`)."""
    entry = registry.UFUNC_WRITES.get(identity.key(target)) if registry.UFUNC_WRITES else None
    if entry is None or not identity.same(entry[0], target):
        return
    spelled = ".".join(norm.module_names.global_path(node.func) or ("ufunc", "at"))
    raise norm.error(f"'{spelled}(a, indices, values)' writes into 'a' and returns None: s2sad "
                     f"differentiates its write only as a statement of its own, not as a "
                     f"value (an assignment, a return, a lambda's body)", node,
                     hint=f"write the call as a statement, {spelled}(a, i, v), and use None "
                          f"(or a) where its result was used")
