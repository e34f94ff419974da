"""Run-time checks that a call of a function a rule of the user's stands in for returned
no complex value.

Input: the statements the normalizer made for one function (its own output list).
Output: the same statements, each ``y = op(...)`` whose callee ``op`` has a derivative
rule of the user's (``@s2sad.adjoint``, ``@s2sad.tangent``: one whose template is not
s2sad's own) followed by ``real = check_real_result(y, 'op', file, line, column)`` and
``assert real``.  s2sad's rules take and return real values (they take no conjugate):
a complex value out of such an op (``np.fft.rfft``'s) would reach them and give a wrong
derivative, so it is refused where the call stands, naming the op and the line.  The
check reads the value's class and dtype only; s2sad's own rules need none (their ops
return real values for real arguments, and complex arguments are refused at the API).
"""

import gast

from ...rules import registry
from .. import anno, nodes


def with_result_checks(body, walk):
    """``body`` (the normalizer's own statement list, changed in place, nested blocks
    too) with the checks of the module docstring; returns it."""
    out = []
    for stmt in body:
        for field in ("body", "orelse"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                setattr(stmt, field, with_result_checks(block, walk))
        out.append(stmt)
        call = stmt.value if isinstance(stmt, gast.Assign) else None
        target = anno.get(call, anno.CALLEE, None) if isinstance(call, gast.Call) else None
        if target is not None and _users_rule(target):
            out.extend(_checks(stmt, call, target, walk))
    return out


def _users_rule(target):
    """Whether ``target`` has a derivative rule whose template is the user's."""
    try:
        rule = registry.lookup(target)
    except TypeError:   # (an unhashable callee: no rule)
        return False
    if rule is None or rule.nondifferentiable:
        return False
    for template in (rule.adjoint, rule.tangent):
        fn = getattr(template, "fn", None)
        if fn is not None and not str(getattr(fn, "__module__", "") or "").startswith("s2sad."):
            return True
    return False


def _checks(stmt, call, target, walk):
    """``real = check_real_result(y, 'op', file, line, column)`` and ``assert real`` for
    each name ``stmt`` binds."""
    helper = registry.runtime_helper("check_real_result")
    walk.helpers["check_real_result"] = helper
    site = anno.get(call, anno.CALL_SITE, None) or stmt
    where = walk.parsed.location(site)
    label = getattr(target, "__qualname__", None) or getattr(target, "__name__", "the op")
    bound = stmt.targets[0]
    names = [bound] if isinstance(bound, gast.Name) else [
        e for e in getattr(bound, "elts", ()) if isinstance(e, gast.Name)]
    out = []
    for name in names:
        ok = walk.namer.fresh("real")
        check = nodes.call("check_real_result", [
            nodes.name(name.id), nodes.const(label), nodes.const(where.filename),
            nodes.const(where.line), nodes.const(where.column)])
        out.append(nodes.assign(ok, anno.set(check, anno.CALLEE, helper)))
        walk.defined.add(ok)
        out.append(gast.Assert(test=nodes.name(ok), msg=None))
    return out
