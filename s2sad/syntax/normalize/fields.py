"""Named fields of the tuples ops return: ``np.linalg.slogdet(a).logabsdet``.

An op that returns a named tuple declares its fields (``Facts.fields``, with the
conditions of ``Facts.fields_when`` under which its result is that tuple).  The
normalizer records, for each SSA name a call of such an op assigns, the fields of
its result (:func:`record`); ``t.logabsdet`` on that very name reads the item
``t[1]`` (:func:`item`).  Nothing else is rewritten: another name holding the same
value (an alias, a merge of branches, a reassignment) or a user's named tuple with
the same field names keep the refusal of attributes of local values.

Input: the normalized call and its name; an attribute read.  Output: the facts kept
in ``norm.fields``; a subscript or None.
"""

import gast

from ...rules import registry
from .. import anno, nodes

_UNSET = object()


class ConstantFields(tuple):
    """The attributes of a constant result read as they are (``Facts.constant_fields``),
    where the fields of other results are items."""


def record(norm, name, value):
    """Record the fields of ``value``'s result under ``name`` when ``value`` calls an
    op that declares them, with arguments that make its result that named tuple."""
    if not isinstance(value, gast.Call):
        return
    target = anno.get(value, anno.CALLEE, None)
    if target is None:
        return
    facts = registry.facts(target)
    if facts.constant_fields:
        norm.fields[name] = ConstantFields(facts.constant_fields)
    elif facts.fields and all(_passed(target, value, param) in (_UNSET, wanted)
                            for param, wanted in facts.fields_when):
        norm.fields[name] = facts.fields


def _passed(target, call, param):
    """The constant ``call`` passes as ``param`` (``_UNSET`` when it passes none, a
    fresh object when it passes a value that is not a constant)."""
    for kw in call.keywords:
        if kw.arg == param:
            return kw.value.value if isinstance(kw.value, gast.Constant) else object()
    sig = registry.signature_of(target)
    names = list(sig.parameters) if sig is not None else []
    if param in names and names.index(param) < len(call.args):
        arg = call.args[names.index(param)]
        return arg.value if isinstance(arg, gast.Constant) else object()
    if sig is None and len(call.args) > 1:
        return object()   # (no signature: any further argument may be it)
    return _UNSET


def item(norm, owner, attr):
    """``owner[i]`` for the field ``attr`` of the named tuple the SSA name ``owner``
    holds (an op's result), else None."""
    if not isinstance(owner, gast.Name):
        return None
    fields = norm.fields.get(owner.id, ())
    if attr not in fields:
        return None
    if isinstance(fields, ConstantFields):   # (np.finfo(float).eps: read as it is)
        return gast.Attribute(value=owner, attr=attr, ctx=gast.Load())
    return gast.Subscript(value=owner, slice=nodes.const(fields.index(attr)), ctx=gast.Load())
