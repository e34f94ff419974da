"""What reverse and forward transforms share: comments, rule lookup, results."""

from dataclasses import dataclass, field
from typing import Any, Dict, List

import builtins

import gast

from ..errors import NoDerivativeRuleError, UnsupportedSyntaxError
from ..optimize import drop_orphan_comments, is_comment  # noqa: F401  (re-exported)
from ..rules import registry
from ..syntax import anno, nodes

#: generated code marks a comment with a call to this name (kept in ``anno``, which
#: ``emit`` reads too)
COMMENT_MARKER = anno.COMMENT_MARKER


@dataclass
class Generated:
    """A transform's output: the function, its comments, and the names it reads."""

    node: Any                          # gast.FunctionDef
    comments: List[str]
    bindings: Dict[str, Any] = field(default_factory=dict)   # free name -> object
    wrt: tuple = ()
    flavor: str = ""


def comment(comments, text):
    comments.append(text)
    return nodes.expr_stmt(nodes.call(nodes.name(COMMENT_MARKER),
                                      [nodes.const(len(comments) - 1)]))


def describe(source):
    """``line 12: z = x * w`` for a SourceRef."""
    text = source.text.replace("\n", "\n#   ")
    return f"line {source.line}: {text}"


def rule_for(value, parsed, need):
    """The rule of a normalized operation, or a located error naming the callee.

    ``need`` is "adjoint" or "tangent".
    """
    target = registry.operation_target(value)
    rule = registry.lookup(target)
    if rule is not None and getattr(rule, need) is not None:
        return rule
    site = getattr(value, "s2sad_call_site", value)
    location = parsed.location(site)
    if isinstance(value, gast.Call):
        label = getattr(target, "__qualname__", None) or getattr(target, "__name__", None) \
            or repr(target)
        module = getattr(target, "__module__", None)
        if module and module not in ("builtins",) and not label.startswith(module):
            label = f"{module}.{label}"
        if rule is not None and rule.nondifferentiable:  # pragma: no cover - activity skips
            raise AssertionError("nondifferentiable call reached the transform")
        if target is builtins.zip or target is builtins.enumerate:
            raise UnsupportedSyntaxError(
                f"{label}(...) is supported only as the iterable of a for loop, over "
                f"sequences given by position (for i, v in enumerate(x, start):, "
                f"for a, b in zip(x, y):)", location,
                hint="write the loop over it directly"
                     + (", without strict=... (the loop stops at the shortest sequence)"
                        if target is builtins.zip else ""))
        what = "derivative rule" if need == "adjoint" else "tangent (forward-mode) rule"
        hint = (f"register one with @s2sad.adjoint({label}) (and @s2sad.tangent for forward "
                f"mode), or declare its output constant with s2sad.nondifferentiable({label})")
        message = f"no {what} for {label}"
        if rule is not None and need == "tangent" and rule.adjoint is not None:
            # a rule replaces the function's own source in both modes
            message += (", which has an adjoint rule: a registered rule replaces the "
                        "function's source, so forward mode needs its tangent rule too")
            hint = f"register one with @s2sad.tangent({label})"
        elif callable(target) and getattr(target, "__name__", "") == "<lambda>":
            message += (": a lambda is differentiated only where it is bound to a name "
                        "inside the function; s2sad reads module-level functions from "
                        "their 'def'")
            hint = "define it with 'def' (def name(v): return ...), or " + hint
        elif callable(target) and hasattr(target, "__code__") and not _has_source(target):
            message += ": s2sad cannot read this function's source"
            hint = "define it with 'def' in a module file, or " + hint
        raise NoDerivativeRuleError(message, location, hint=hint)
    raise UnsupportedSyntaxError(
        f"the operation '{type(value).__name__}' cannot be differentiated here", location)


def _has_source(func):
    import inspect
    try:
        inspect.getsourcelines(func)
    except (OSError, TypeError):
        return False
    return True


def collect_bindings(template, bindings):
    """Record the free names a spliced template reads (np, runtime helpers)."""
    for name, obj in template.free.items():
        bindings.setdefault(name, obj)


def source_of(stmt):
    return anno.get(stmt, anno.SOURCE)


def runtime_helper(name):
    """The runtime function ``name`` (imported lazily: the core never imports numpy)."""
    import importlib
    return getattr(importlib.import_module("s2sad.runtime"), name)


def numpy_module():
    import importlib
    return importlib.import_module("numpy")


def unshared_results(results, stmts, params, values, bindings, helper, fresh_name, comments):
    """Guard the derivatives a generated function returns against sharing memory.

    ``results`` are the returned derivative expressions, ``stmts`` the whole
    generated body they are computed by, ``params`` every parameter the caller
    passes (arguments, cotangents, tangents), ``values`` the returned values'
    expressions.  A result whose origins (:mod:`s2sad.analysis.aliases`) meet a
    parameter's, a global's, a returned value's or an earlier result's becomes
    ``unshared(result, (those names...))``, which copies it at run time only if
    it does share memory with one of them.

    Returns ``(results, kept)``: the new results, and ``[(param, statements)]``
    for each parameter the body assigns again whose given value a guard reads:
    the comment and ``x_bar_given = x_bar`` that keep it, for the start of the
    function taking ``param``.  ``helper(name)``
    names a runtime helper (recording its binding), ``fresh_name(base)`` makes a
    new name, ``comments`` collects comment texts.
    """
    from ..analysis.aliases import ANYWHERE, origins
    of_name, at_end = origins(stmts, params, *call_predicates(bindings))
    assigned = {n.id for n in nodes.names(stmts) if isinstance(n.ctx, gast.Store)}
    value_names = sorted({n.id for v in values for n in nodes.names(v)})
    # the caller holds the given values of the parameters: a token of their own
    visible = [(p, frozenset({f"name:{p}"}), True) for p in params]
    visible += [(n, at_end(n), False) for n in value_names if n not in params]
    out, earlier, entries = [], [], {}
    for result in results:
        if not isinstance(result, gast.Name):
            out.append(result)   # a call of zeros_like: fresh
            continue
        mine = at_end(result.id)
        free = sorted(o[5:] for o in mine if o.startswith("name:") and o[5:] not in params
                      and o[5:] not in value_names)
        candidates = visible + [(n, of_name(n), False) for n in free]
        known = {name for name, _, _ in candidates}
        candidates += [(n, at_end(n), False) for n in earlier if n not in known]
        others = []
        for name, theirs, given in candidates:
            if not (ANYWHERE in mine or ANYWHERE in theirs or mine & theirs):
                continue
            if given and name in assigned:   # read the value the caller gave
                if name not in entries:
                    entries[name] = fresh_name(f"{name}_given")
                name = entries[name]
            others.append(name)
        earlier.append(result.id)
        if others:
            result = nodes.call(helper("unshared"), [
                nodes.name(result.id), nodes.tuple_([nodes.name(n) for n in others])])
        out.append(result)
    kept = []
    for param, name in sorted(entries.items(), key=lambda item: params.index(item[0])):
        kept.append((param, [
            comment(comments, f"{param} as given: what is returned must not share its memory"),
            nodes.assign(name, nodes.name(param))]))
    return out, kept


def call_predicates(bindings):
    """``(allocates, is_function)`` for :func:`s2sad.analysis.aliases.origins`: whether a
    call always returns a new object, and whether it calls a module's function (not a
    method of a value), by the callee annotation or the generated module's
    ``bindings``."""
    from ..rules.fresh import allocates as fresh

    def callee(call):
        found = anno.get(call, anno.CALLEE)
        return found if found is not None else _resolve(call.func, bindings)

    def allocates(call):
        found = callee(call)
        return found is not None and not any(k.arg == "out" for k in call.keywords) \
            and fresh(found)

    def is_function(call):
        return callee(call) is not None

    return allocates, is_function


def _resolve(func, bindings):
    """The object a callee expression names through ``bindings`` (modules only)."""
    import types
    if isinstance(func, gast.Name):
        return bindings.get(func.id)
    if isinstance(func, gast.Attribute):
        base = _resolve(func.value, bindings)
        if isinstance(base, types.ModuleType):
            return getattr(base, func.attr, None)
    return None


def in_place_appends(primal):
    """``{id(stmt): chain}`` for the statements that may change a list in place: in a
    loop, ``y = list_append(items, item)`` (``items.append(item); y = items``, its
    adjoint popping the item's adjoint off the list's), and ``y = list_delete(items,
    i, v)`` with the read ``v = items[i]`` just before it (``v = items.pop(i); y =
    items``, its adjoint putting ``v``'s adjoint back), the read included: O(1) per
    trip in both sweeps, not a copy of the list.  ``chain``: the SSA names of that
    list.

    Allowed when the list is one the function made before those loops (a literal,
    ``list(...)``, a copy of an argument, or a version of those), nothing but these changes, copies between its
    names and ``len`` reads any of its names until the outermost loop around the
    changes ends (so neither sweep needs one of its earlier versions), and no item
    appended is the list itself.
    """
    order = []

    def visit(stmts, loops):
        for stmt in stmts:
            order.append((stmt, loops))
            if isinstance(stmt, gast.If):
                visit(stmt.body, loops)
                visit(stmt.orelse, loops)
            elif isinstance(stmt, (gast.For, gast.While)):
                visit(stmt.body, loops + (stmt,))
    visit(primal, ())
    last = {}
    for index, (stmt, loops) in enumerate(order):
        for loop in loops:
            last[id(loop)] = index

    def assigns_call(stmt):
        return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
            and isinstance(stmt.value, gast.Call)

    def is_append(stmt):
        return assigns_call(stmt) and len(stmt.value.args) == 2 \
            and anno.get(stmt.value, anno.CALLEE) in registry.LIST_APPEND \
            and all(isinstance(a, gast.Name) for a in stmt.value.args)

    paired = {}   # id(list_delete statement) -> its read v = items[i]
    for index, (stmt, _) in enumerate(order):
        if assigns_call(stmt) and len(stmt.value.args) == 3 and index \
                and anno.get(stmt.value, anno.CALLEE) is registry.LIST_HELPERS.get(
                    "list_delete"):
            items, position, item = stmt.value.args
            read = order[index - 1][0]
            if isinstance(items, gast.Name) and isinstance(item, gast.Name) \
                    and isinstance(read, gast.Assign) \
                    and isinstance(read.targets[0], gast.Name) \
                    and read.targets[0].id == item.id \
                    and isinstance(read.value, gast.Subscript) \
                    and isinstance(read.value.value, gast.Name) \
                    and read.value.value.id == items.id \
                    and isinstance(position, gast.Constant) \
                    and isinstance(position.value, int) \
                    and gast.dump(read.value.slice) == gast.dump(position):
                paired[id(stmt)] = read

    def changes(stmt):
        return is_append(stmt) or id(stmt) in paired

    def is_copy(stmt):
        return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
            and isinstance(stmt.value, gast.Name)

    def is_len(stmt):
        return assigns_call(stmt) and len(stmt.value.args) == 1 \
            and anno.get(stmt.value, anno.CALLEE) is builtins.len

    def fresh_list(fn):   # list(xs), a copy of an argument, a new version of a list
        return fn is builtins.list or fn is registry.LIST_HELPERS.get("copy_container") \
            or fn in registry.LIST_RESULTS

    reads = {id(r) for r in paired.values()}
    found = {}
    for stmt, loops in order:
        if not changes(stmt) or not loops or id(stmt) in found:
            continue
        chain = {stmt.targets[0].id, stmt.value.args[0].id}
        grown = True
        while grown:
            grown = False
            for other, _ in order:
                if is_copy(other) or changes(other):
                    pair = {other.targets[0].id, (other.value if is_copy(other)
                                                  else other.value.args[0]).id}
                    if pair & chain and not pair <= chain and "UNBOUND" not in pair:
                        chain |= pair
                        grown = True
        mine = [(a, ls) for a, ls in order if changes(a) and a.value.args[0].id in chain]
        if any(not ls for _, ls in mine):
            continue
        end = max(last[id(ls[0])] for _, ls in mine)
        start = min(index for index, (a, _) in enumerate(order)
                    if any(a is ls[0] for _, ls in mine))
        ok = all(a.value.args[1].id not in chain for a, _ in mine if is_append(a))
        for index, (other, _) in enumerate(order):
            if not ok:
                break
            if isinstance(other, gast.Assign) and isinstance(other.targets[0], gast.Name) \
                    and other.targets[0].id in chain and not (
                        is_copy(other) or changes(other)
                        or isinstance(other.value, gast.List)
                        or (isinstance(other.value, gast.Call) and fresh_list(anno.get(
                            other.value, anno.CALLEE)))):
                ok = False   # a list the function may not own (or not a list)
            elif isinstance(other, gast.Assign) and isinstance(other.targets[0], gast.Name) \
                    and other.targets[0].id in chain and not (
                        is_copy(other) or changes(other)) and start <= index <= end:
                # a list made again inside the loops that change it: the backward sweep
                # needs the zeros of the list it replaces, an earlier version
                ok = False
            if is_copy(other) and other.value.id in chain or changes(other) \
                    and other.value.args[0].id in chain or is_len(other) or id(other) in reads:
                continue
            if isinstance(other, gast.If):
                read = other.test
            elif isinstance(other, gast.For):
                read = other.iter
            elif isinstance(other, gast.While):
                read = other.test
            else:
                read = other
            loads = {n.id for n in nodes.names(read) if isinstance(n.ctx, gast.Load)}
            if loads & chain and index <= end:
                ok = False
        if ok:
            for a, _ in mine:
                found[id(a)] = chain
                if id(a) in paired:
                    found[id(paired[id(a)])] = chain
    return found
