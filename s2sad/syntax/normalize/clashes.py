"""User locals that share a name with a helper the generated code calls.

Input: a function tree (the normalizer's own copy) and the names generated code
may read besides the user's (``registry.helper_names()``: ``unbroadcast``,
``phi``, ``zeros_like``...).
Output: the same tree, changed in place, where each local variable of the user's
(a name the function binds, not one of its parameters, not declared ``global``
or ``nonlocal``) that is also a helper name is called ``<name>_1`` (or the
first ``<name>_<n>`` the function does not mention) everywhere it appears.

A local is the function's own: renaming every occurrence of it changes nothing
Python does, and the generated code's call of the helper then reaches the
helper, not the user's value.  Parameters keep their names (the derivative takes
them by keyword) and free names keep theirs (the user's module binds them):
where one of those clashes with a helper the derivative calls, emitting refuses
(``emit.name_clashes``).  A free name that is s2sad's own helper itself (the code s2sad
generated for a derivative the user calls, ``s2sad.grad(h)(x)``, reads
``zeros_like``: the runtime's) is the helper's (``anno.HELPER_NAME``), whatever the
user's module binds under that name (``from numpy import zeros_like``).
"""

import gast

from ...rules import registry
from .. import anno, nodes


def rename_helper_clashes(fn, helper_names, walked=None):
    """Rename, in ``fn``, the locals that are helper names; returns the renames
    ``{old: new}`` (empty when nothing clashes).  ``walked``: ``nodes.walk(fn)`` when
    the caller has it (renaming changes names, never the tree's shape)."""
    walked = walked if walked is not None else nodes.walk(fn)
    clashing = _locals(fn, walked) & helper_names
    if not clashing:
        return {}
    mentioned = {n.id for n in nodes.of_class(walked, gast.Name)} | set(helper_names)
    renames = {}
    for old in sorted(clashing):
        count = 1
        while f"{old}_{count}" in mentioned:
            count += 1
        renames[old] = f"{old}_{count}"
        mentioned.add(renames[old])
    for node in nodes.of_class(walked, gast.Name):
        # (s2sad's own read of a builtin, written by a pass before this one, is the
        # builtin's: see syntax.own_builtins)
        if node.id in renames and not getattr(node, anno.HELPER_NAME, False):
            node.id = renames[node.id]
    for node in nodes.of_class(walked, gast.FunctionDef):
        if node is not fn and node.name in renames:
            node.name = renames[node.name]
    return renames


def has_clashes(fn, helper_names, walked=None):
    """Whether :func:`rename_helper_clashes` renames a local of ``fn``."""
    return not _locals(fn, walked).isdisjoint(helper_names)


def mark_helper_spellings(fn, helper_names, walked=None, func=None):
    """Mark (``anno.USER_NAME``) the names of ``fn`` still spelled like a helper after
    :func:`rename_helper_clashes`: its parameters and free names, which the user's
    module or caller binds (emitting imports such a helper under another name); but
    a free name the function ``func`` (``fn``'s object, when known) reads as that very
    helper is the helper's (``anno.HELPER_NAME``, see the module's text).
    ``walked``: ``nodes.walk(fn)`` when the caller has it."""
    named = nodes.of_class(walked if walked is not None else nodes.walk(fn), gast.Name)
    marks = helper_spellings(fn, helper_names, named, func)
    for node in named if marks else ():
        key = marks.get(node.id)
        if key is not None:
            anno.set(node, key, True)


def helper_spellings(fn, helper_names, walked=None, func=None):
    """``{name: anno.USER_NAME or anno.HELPER_NAME}``: the mark
    :func:`mark_helper_spellings` puts on every name of ``fn`` spelled ``name``."""
    named = nodes.of_class(walked if walked is not None else nodes.walk(fn), gast.Name)
    spelled = {node.id for node in named if node.id in helper_names}
    if not spelled:
        return {}
    own = _own_helpers(fn, func, spelled)
    return {name: anno.HELPER_NAME if name in own else anno.USER_NAME for name in spelled}


def marked(new, marks):
    """``new``, a copy of a part of a function's tree (or a name made from one), its names
    marked as :func:`mark_helper_spellings` marks the tree's (``marks``: of
    :func:`helper_spellings`; None: the tree itself is marked, so is its copy): for the
    walk reading the tree as read, which nothing marks (see .shared)."""
    for node in nodes.names(new) if marks else ():
        key = marks.get(node.id)
        if key is not None:
            anno.set(node, key, True)
    return new


def _own_helpers(fn, func, names):
    """The free ``names`` of ``fn`` that ``func`` reads as s2sad's runtime helper of the
    same name (its globals' or closure's value is the helper itself)."""
    if func is None or not hasattr(func, "__code__"):
        return set()
    params = {a.id for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    code, cells = func.__code__, func.__closure__ or ()
    scope = dict(func.__globals__)
    for name, cell in zip(code.co_freevars, cells):
        try:
            scope[name] = cell.cell_contents
        except ValueError:   # (a cell not bound yet: no helper)
            scope.pop(name, None)
    own = set()
    for name in names - params:
        value = scope.get(name)
        if value is not None and callable(value) and \
                (getattr(value, "__module__", None) or "").startswith("s2sad.runtime"):
            try:
                helper = registry.runtime_helper(name)
            except AssertionError:   # (a name the rules read, not a runtime function)
                continue
            if value is helper:
                own.add(name)
    return own


def without_helper_clashes(fn, helper_names, func=None):
    """``fn`` itself when no local of it is a helper name, else a renamed copy (a callee's
    tree, read once and shared, is never changed); ``func``: see
    :func:`mark_helper_spellings`."""
    if not _locals(fn) & helper_names:
        mark_helper_spellings(fn, helper_names, func=func)   # (marks only: the same tree)
        return fn
    fn = nodes.clone(fn)
    rename_helper_clashes(fn, helper_names)
    mark_helper_spellings(fn, helper_names, func=func)
    return fn


def _locals(fn, walked=None):
    """The names ``fn``'s body binds (any nested scope's too) that are neither a parameter
    of ``fn`` nor declared global or nonlocal anywhere in it (``walked``: ``nodes.walk(fn)``
    when the caller has it)."""
    params = {a.id for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
    for extra in (fn.args.vararg, fn.args.kwarg):
        if extra is not None:
            params.add(extra.id)
    walked = walked if walked is not None else nodes.walk(fn)
    bound = {node.id for node in nodes.of_class(walked, gast.Name)
             if node.ctx.__class__ in _BINDING}
    bound.update(node.name for node in nodes.of_class(walked, gast.FunctionDef)
                 if node is not fn)
    declared = set()
    for node in list(nodes.of_class(walked, gast.Global)) + list(
            nodes.of_class(walked, gast.Nonlocal)):
        declared.update(node.names)
    return bound - params - declared


_BINDING = (gast.Store, gast.Param)   # (the contexts of a name a binding makes)
