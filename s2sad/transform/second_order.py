"""Make generated gradient code acceptable input for another transform.

Second derivatives are computed forward over reverse: the forward transform
runs on the code reverse mode generated.  That code is ordinary Python but
uses three forms the normalizer does not accept, all of them writes into a
freshly allocated adjoint array; :func:`prepare_gradient_code` rewrites them
into pure assignments of the same value (through a copy):

* ``x_bar[i] = g``          -> ``x_bar = index_set(x_bar, i, g)``
* ``x_bar[i] += g``         -> ``x_bar = add_at(x_bar, i, g)``
* ``np.add.at(x_bar, i, g)`` -> ``x_bar = add_at(x_bar, i, g)``

and drops ``ensure_scalar_output(...)`` checks (the caller checks the value).
Slices in indices become ``slice(...)`` calls.  The rewritten statements keep
the line of the statement they replace, so comments quote the gradient code.
"""

import copy

import gast

from ..errors import UnsupportedSyntaxError
from ..syntax import nodes


def prepare_gradient_code(parsed, name=None):
    """Rewrite ``parsed.node`` (a generated gradient function) in place; see module doc."""
    from ..runtime import add_at, ensure_scalar_output
    from ..runtime_forward import index_set
    helpers = {"index_set": index_set, "add_at": add_at}
    fn = parsed.node
    body = []
    for stmt in fn.body:
        new = _rewrite(stmt, parsed, ensure_scalar_output)
        if new is None:
            continue
        if new is not stmt:
            gast.copy_location(new, stmt)
            new.end_lineno = getattr(stmt, "end_lineno", None)
        body.append(new)
    fn.body = body
    for key, obj in helpers.items():
        if parsed.resolve(key, None) is not obj:
            parsed.closure[key] = obj
    if name is not None:
        fn.name = name
    return parsed


def _rewrite(stmt, parsed, ensure_scalar_output):
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
            and isinstance(stmt.targets[0], gast.Subscript):
        target = stmt.targets[0]
        return _functional("index_set", target, stmt.value, parsed, stmt)
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript) \
            and isinstance(stmt.op, gast.Add):
        return _functional("add_at", stmt.target, stmt.value, parsed, stmt)
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
        call = stmt.value
        if isinstance(call.func, gast.Name) and \
                parsed.resolve(call.func.id, None) is ensure_scalar_output:
            return None
        if _is_np_add_at(call.func, parsed) and len(call.args) == 3 and not call.keywords:
            base, index, value = call.args
            if isinstance(base, gast.Name):
                return nodes.assign(base.id, nodes.call(nodes.name("add_at"), [
                    nodes.name(base.id), copy.deepcopy(index), copy.deepcopy(value)]))
    return stmt


def _functional(helper, target, value, parsed, stmt):
    base = target.value
    if not isinstance(base, gast.Name):
        raise UnsupportedSyntaxError("cannot differentiate a write into this expression",
                                     parsed.location(stmt))
    return nodes.assign(base.id, nodes.call(nodes.name(helper), [
        nodes.name(base.id), index_expression(target.slice), copy.deepcopy(value)]))


def index_expression(index):
    """An index as an expression usable as a call argument (slices become ``slice()``)."""
    if isinstance(index, gast.Slice):
        parts = [index.lower, index.upper, index.step]
        return nodes.call(nodes.name("slice"), [copy.deepcopy(p) if p is not None
                                                else nodes.const(None) for p in parts])
    if isinstance(index, gast.Tuple):
        return nodes.tuple_([index_expression(e) for e in index.elts])
    return copy.deepcopy(index)


def _is_np_add_at(func, parsed):
    if not (isinstance(func, gast.Attribute) and func.attr == "at"
            and isinstance(func.value, gast.Attribute) and func.value.attr == "add"
            and isinstance(func.value.value, gast.Name)):
        return False
    module = parsed.resolve(func.value.value.id, None)
    return getattr(module, "__name__", None) == "numpy"
