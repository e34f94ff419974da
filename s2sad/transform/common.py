"""What reverse and forward transforms share: comments, rule lookup, results."""

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List

import gast

from ..analysis.aliases import ANYWHERE, origins, statements_in
from ..analysis.lookup import call_predicates
from ..errors import ReboundNameError
from ..rules import registry
from ..rules.parsing import dotted_reads, meant
from ..rules.reserved import note_spliced
from ..syntax import anno, nodes
from ..syntax.parse import record_path

#: generated code marks a comment with a call to this name (kept in ``anno``, which
#: ``emit`` reads too)
COMMENT_ID = anno.COMMENT_ID


@dataclass
class Generated:
    """A transform's output: the function, its comments, and the names it reads."""

    node: Any                          # gast.FunctionDef
    comments: List[str]
    bindings: Dict[str, Any] = field(default_factory=dict)   # free name -> object
    wrt: tuple = ()
    flavor: str = ""
    #: reverse mode: the parameters whose adjoints are (or, as float64 arrays, would be)
    #: added into in place (``analysis.dtypes``)
    adds_in_place: frozenset = frozenset()
    #: ``{id(statement): (it, its value, the names it reads)}`` for statements of ``node``
    #: whose reads the transform found (its own clean-up of the backward sweep; the
    #: forward sweep's tangents of elementwise operations): the optimize pass reads them
    #: there instead of walking the statements again (an entry whose statement or value
    #: is no longer the one read is passed over)
    reads: Dict[int, Any] = field(default_factory=dict)


def comment(comments, text):
    comments.append(text)
    return nodes.expr_stmt(nodes.call(nodes.name(COMMENT_ID),
                                      [nodes.const(len(comments) - 1)]))


def describe(source):
    """``line 12: z = x * w`` for a SourceRef; for a line of code s2sad generated (second
    order, a derivative called inside a differentiated function), ``line 12 of the
    generated f_value_and_grad: ...``, never to be read as a line of the user's file."""
    text = source.text.replace("\n", "\n#   ")
    generated = _GENERATED.match(source.filename)
    if generated:
        return f"line {source.line} of the generated {generated.group(1)}: {text}"
    return f"line {source.line}: {text}"


#: the file name of generated code compiled in-process (``emit.compile_module``)
_GENERATED = re.compile(r"<s2sad (\w+) [0-9a-f]+>$")


def collect_bindings(template, bindings, rule, site, parsed):
    """Record the free names a spliced template reads (np, runtime helpers), after
    checking that each dotted name it reads (``np.sin`` in ``-np.sin(x)``) is still the
    object the rule was written with: generated code reads the attribute when it runs.
    A rebound one (``np.sin = np.cos``) is refused at ``site`` (the operation of
    ``parsed`` the rule is for); the module the code is made from keeps each name as a
    dependency (``record_path``), so rebinding it later makes the code again."""
    for root, attrs in dotted_reads(template):
        module = template.free[root]
        expected = meant(module, attrs)
        now = module
        for attr in attrs:
            now = getattr(now, attr, None)
        if now is not expected:
            home = meant(module, attrs[:-1])   # the module whose attribute is read
            dotted = ".".join((module.__name__, *attrs))
            raise ReboundNameError(
                f"{dotted} is {_called(now, home=home)} now, not "
                f"{_called(expected, home=home)}, which the "
                f"{'adjoint' if template is rule.adjoint else 'tangent'} rule of "
                f"{_called(rule.target, rule.label, module)} reads as "
                f"{'.'.join((root, *attrs))} when the derivative runs",
                parsed.location(getattr(site, anno.CALL_SITE, site)),
                hint=f"restore {dotted} before differentiating (and before calling the "
                     f"derivative); to compute something else, call a function of your "
                     f"own instead of rebinding {dotted}")
        record_path(root, module, attrs, expected)
    for name, obj in template.free.items():
        bindings.setdefault(name, obj)
    note_spliced(template)   # (its names reserved where it is not s2sad's always-loaded)


def _called(obj, otherwise=None, home=None):
    """``numpy.cos`` for a function of a module, else ``otherwise`` or the object's repr.
    A ufunc has no ``__module__`` in numpy 2.0 and older (nor scipy.special's): it is spelled
    by the module ``home`` the rules read, where it was found under its own name."""
    name = getattr(obj, "__name__", None)
    module = getattr(obj, "__module__", None)
    if isinstance(name, str) and isinstance(module, str):
        return f"{module}.{name}"
    if isinstance(name, str) and home is not None:
        try:
            found = meant(home, (name,))
        except AttributeError:
            found = None
        if found is obj:
            return f"{home.__name__}.{name}"
    return otherwise or repr(obj)


def source_of(stmt):
    return anno.get(stmt, anno.SOURCE)


def runtime_helper(name):
    """The runtime function ``name`` (from the registry: the core never imports numpy)."""
    return registry.runtime_helper(name)


def numpy_module():
    """The array module generated code calls as ``np`` (from the registry, as
    ``runtime_helper``)."""
    return registry.array_module()


def unshared_results(results, stmts, params, values, bindings, helper, fresh_name, comments,
                     items_apart=False):
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
    new name, ``comments`` collects comment texts.  With ``items_apart`` (forward mode,
    where a display of tangents may hold one tangent twice: ``[v_dot, {"u": v_dot}]``), a
    result built by a display of several items is guarded too, its items against each
    other.
    """
    of_name, at_end = origins(stmts, params, *call_predicates(bindings))
    assigned = []   # the names ``stmts`` store into: a walk of it all, made when first needed

    def is_assigned(name):
        if not assigned:
            assigned.append({n.id for n in nodes.names(stmts) if isinstance(n.ctx, gast.Store)})
        return name in assigned[0]

    value_names = sorted({n.id for v in values for n in nodes.names(v)})
    # the caller holds the given values of the parameters: a token of their own
    visible = [(p, frozenset({f"name:{p}"}), True) for p in params]
    visible += [(n, at_end(n), False) for n in value_names if n not in params]
    out, earlier, entries, displays = [], [], {}, None
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
            if given and is_assigned(name):   # read the value the caller gave
                if name not in entries:
                    entries[name] = fresh_name(f"{name}_given")
                name = entries[name]
            others.append(name)
        earlier.append(result.id)
        if items_apart and not others and displays is None:
            displays = _displays(stmts)   # (once: every result reads the same statements)
        if others or (items_apart and _display_of_several(result.id, displays)):
            result = nodes.call(helper("unshared"), [
                nodes.name(result.id), nodes.tuple_([nodes.name(n) for n in others])])
        out.append(result)
    kept = []
    for param, name in sorted(entries.items(), key=lambda item: params.index(item[0])):
        kept.append((param, [
            comment(comments, f"{param} as given: what is returned must not share its memory"),
            nodes.assign(name, nodes.name(param))]))
    return out, kept


def _displays(stmts):
    """``{name: the items of the list, tuple or dict display assigned to it}`` in ``stmts``."""
    displays = {}
    for node in statements_in(stmts):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], gast.Name) \
                and isinstance(node.value, (gast.List, gast.Tuple, gast.Dict)):
            value = node.value
            displays[node.targets[0].id] = value.values if isinstance(value, gast.Dict) \
                else value.elts
    return displays


def _display_of_several(name, displays):
    """Whether the statements whose ``_displays`` are ``displays`` build ``name`` by list,
    tuple and dict displays (nested through the names they assign) that hold two items
    or more in all."""

    def leaves(item, depth):
        if isinstance(item, gast.Name) and item.id in displays and depth < 8:
            return sum(leaves(inner, depth + 1) for inner in displays[item.id])
        return 1

    return name in displays and leaves(nodes.name(name), 0) > 1
