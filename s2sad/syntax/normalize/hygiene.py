"""Local functions read the names of the scope that defines them: their bindings
renamed apart.

Input: a function tree (the normalizer's own copy, or a helper's copy) and the names
the generated code may read besides the user's (``registry.helper_names()``).
Output: the same tree, changed in place, where a name bound in a nested scope (a
local ``def``, a ``lambda``, a comprehension) that the tree also reads or binds
elsewhere as another variable (the function's own, a sibling's, a module's) is
called ``<name>_<function>`` in that scope (or the first such name the tree does not
mention: ``<name>_<function>2``...).

Why: the normalizer puts the body of a local function in place of each call to it,
in the environment of the call, where every name the caller sees is bound.  Python
looks a function's free names up where the function is *defined* (lexical scope):
``g`` below reads ``f``'s ``k``, whatever the caller ``h`` calls ``k``.  Once every
variable of the tree has a name of its own, the caller's names cannot capture the
callee's free names, and the names the callee binds cannot hide the caller's: the
body read in the caller's environment means what Python's closure means, the value
of the defining scope's variable when the call runs (closures bind late)::

    def f(x):                         def f(x):
        k = 2.0                           k = 2.0
        def g(z): return z * k    ->      def g(z): return z * k
        def h(z):                         def h(z):
            k = 5.0                           k_h = 5.0
            return g(z)                       return g(z)

The function's own names (its parameters, the derivative takes them by keyword;
its locals) keep theirs; of the nested scopes binding one name, the first in the
source keeps it when neither the function nor a module read uses it.  ``global``
and ``nonlocal`` are refused by the fence, so each name read in a scope is bound by
the innermost enclosing scope binding it, or by the module.
"""

import re

import gast

from .. import nodes

#: the nodes that open a scope of their own
SCOPES = (gast.FunctionDef, gast.Lambda, gast.ListComp, gast.DictComp, gast.SetComp,
          gast.GeneratorExp)


class _Scope:
    """One scope of the tree: its node, the scope enclosing it, the names it binds, a
    label for its renamed names, and its position among the scopes (source order)."""

    def __init__(self, node, parent, label, order):
        self.node, self.parent, self.label, self.order = node, parent, label, order
        self.bound = set()


def rename_shadowed(fn, reserved=()):
    """Rename, in ``fn``, the nested scopes' names that another variable of the tree
    shares (see the module docstring); returns the renames, ``[(old, new)]`` in source
    order.  ``reserved``: names the new ones must not take.  A tree without local
    functions is left as it is: nothing is inlined, nothing can be captured."""
    if not any(isinstance(n, (gast.FunctionDef, gast.Lambda)) and n is not fn
               for n in nodes.walk(fn)):
        return []
    top = _Scope(fn, None, fn.name, 0)
    scopes = [top]
    # every occurrence: (the scope it is read or bound in, the name, how to rename it)
    occurrences = []
    _collect(fn, top, scopes, occurrences, top_level=True)
    binder_of = {}   # id(occurrence) -> the scope binding it (None: the module's)
    binders = {}     # name -> {id(scope) or None: scope}
    for index, (scope, name, _) in enumerate(occurrences):
        found = scope
        while found is not None and name not in found.bound:
            found = found.parent
        binder_of[index] = found
        binders.setdefault(name, {})[id(found) if found is not None else None] = found
    renames, mentioned = {}, {name for _, name, _ in occurrences} | set(reserved)
    for name in sorted(binders):
        found = binders[name]
        if len(found) < 2:
            continue
        nested = sorted((s for s in found.values() if s is not None and s is not top),
                        key=lambda s: s.order)
        if id(top) not in found and None not in found:
            nested = nested[1:]   # the first nested scope keeps the name
        for scope in nested:
            new = f"{name}_{scope.label}"
            count = 2
            while new in mentioned:
                new = f"{name}_{scope.label}{count}"
                count += 1
            mentioned.add(new)
            renames[(id(scope), name)] = new
    for index, (scope, name, rename) in enumerate(occurrences):
        binder = binder_of[index]
        if binder is not None and (id(binder), name) in renames:
            rename(renames[(id(binder), name)])
    _rename_keywords(fn, scopes, renames)
    return [(old, renames[(id(s), old)]) for s in scopes for old in sorted(s.bound)
            if (id(s), old) in renames]


def _rename_keywords(fn, scopes, renames):
    """The keywords of the calls of a local function whose parameters were renamed,
    renamed with them (``q(x, c=1.5)`` of ``q = lambda u, c: ...`` whose ``c`` is now
    ``c_q``: the call matched no parameter before)."""
    walked = nodes.walk(fn)
    bound_to = {id(n.value): n.targets[0].id for n in walked
                if isinstance(n, gast.Assign) and isinstance(n.value, gast.Lambda)
                and len(n.targets) == 1 and isinstance(n.targets[0], gast.Name)}
    by_function = {}
    for scope in scopes:
        node = scope.node
        name = node.name if isinstance(node, gast.FunctionDef) and node is not fn \
            else bound_to.get(id(node))
        params = {a.id for a in _params(node.args)} if name is not None else ()
        renamed = {old: renames[(id(scope), old)] for old in scope.bound
                   if (id(scope), old) in renames and renames[(id(scope), old)] in params}
        if renamed:
            by_function[name] = renamed
    for node in walked if by_function else ():
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id in by_function:
            for keyword in node.keywords:
                keyword.arg = by_function[node.func.id].get(keyword.arg, keyword.arg)


def _label(node, parent_node):
    if isinstance(node, gast.FunctionDef):
        return node.name
    if isinstance(node, gast.Lambda):
        if isinstance(parent_node, gast.Assign) and len(parent_node.targets) == 1 \
                and isinstance(parent_node.targets[0], gast.Name):
            return parent_node.targets[0].id
        return "lambda"
    return "comp"


def _collect(node, scope, scopes, occurrences, top_level=False, parent_node=None):
    """Record the names of ``node``'s region in ``scope`` (the nested scopes in their
    own), and what each scope binds."""
    if not top_level and isinstance(node, SCOPES):
        _collect_scope(node, scope, scopes, occurrences, parent_node)
        return
    if isinstance(node, gast.Name):
        if not isinstance(node.ctx, gast.Load):
            scope.bound.add(node.id)
        occurrences.append((scope, node.id, _setter(node, "id")))
        if getattr(node, "annotation", None) is not None:
            _collect(node.annotation, scope, scopes, occurrences)
        return
    if isinstance(node, gast.FunctionDef) and top_level:
        for arg in _params(node.args):
            _collect(arg, scope, scopes, occurrences)
        for stmt in node.body:
            _collect(stmt, scope, scopes, occurrences, parent_node=node)
        return
    for child in gast.iter_child_nodes(node):
        _collect(child, scope, scopes, occurrences, parent_node=node)


def _collect_scope(node, outer, scopes, occurrences, parent_node):
    """A nested scope: what it reads in the enclosing scope (defaults, decorators, the
    first iterable of a comprehension), then its own region."""
    inner = _Scope(node, outer, _label(node, parent_node), len(scopes))
    scopes.append(inner)
    if isinstance(node, (gast.FunctionDef, gast.Lambda)):
        args = node.args
        for default in list(args.defaults) + [d for d in args.kw_defaults if d is not None]:
            _collect(default, outer, scopes, occurrences)
        if isinstance(node, gast.FunctionDef):
            for decorator in node.decorator_list:
                _collect(decorator, outer, scopes, occurrences)
            outer.bound.add(node.name)
            occurrences.append((outer, node.name, _setter(node, "name")))
        for arg in _params(args):
            _collect(arg, inner, scopes, occurrences)
        for stmt in (node.body if isinstance(node.body, list) else [node.body]):
            _collect(stmt, inner, scopes, occurrences, parent_node=node)
        return
    generators = node.generators
    _collect(generators[0].iter, outer, scopes, occurrences)
    for index, gen in enumerate(generators):
        _collect(gen.target, inner, scopes, occurrences)
        if index:
            _collect(gen.iter, inner, scopes, occurrences)
        for test in gen.ifs:
            _collect(test, inner, scopes, occurrences)
    for part in ("elt", "key", "value"):
        if getattr(node, part, None) is not None:
            _collect(getattr(node, part), inner, scopes, occurrences)


def _params(args):
    found = list(getattr(args, "posonlyargs", None) or []) + list(args.args) \
        + list(args.kwonlyargs)
    return found + [a for a in (args.vararg, args.kwarg) if a is not None]


def _setter(node, field):
    def rename(new):
        setattr(node, field, new)
    return rename


def local_function_names(fn):
    """The names bound to a local function (``def``, or a lambda assigned to a name)
    anywhere in ``fn`` but ``fn`` itself."""
    found = set()
    for node in nodes.walk(fn):
        if isinstance(node, gast.FunctionDef) and node is not fn:
            found.add(node.name)
        elif isinstance(node, gast.Assign) and isinstance(node.value, gast.Lambda):
            found |= {t.id for t in node.targets if isinstance(t, gast.Name)}
    return found


def user_spelled(text, original):
    """``text`` (a message) with each name renamed apart spelled as the user wrote it
    (``original``: new name -> the user's); a renamed name is one no other variable of
    the tree has, so where it stands as a word it is that variable."""
    if not original or not text:
        return text
    words = "|".join(sorted(map(re.escape, original), key=len, reverse=True))
    # a renamed name quoted beside another variable the user spells the same way
    # ('r' of a local function and the caller's 'r'): named with its function, so
    # that a message never reads as one array sharing memory with itself
    quoted = set(re.findall(r"'(\w+)'", text))
    pattern = re.compile(r"'(" + words + r")'")
    text = pattern.sub(lambda m: _qualified(m.group(1), original[m.group(1)], quoted)
                       if original[m.group(1)] in quoted else m.group(0), text)
    pattern = re.compile(r"\b(" + words + r")\b")
    return pattern.sub(lambda m: original[m.group(1)], text)


def _qualified(new, old, quoted):
    """``'old' in <function>`` for the name ``new`` that renaming apart gave the
    user's ``old`` in a local function (``<old>_<function>``, see the module
    docstring), quoted; ``'old'`` when the function cannot be read off the name."""
    label = new[len(old) + 1:].rstrip("0123456789") if new.startswith(old + "_") else ""
    return f"{old!r} in {label}" if label else repr(old)


def user_spelled_error(error, original):
    """``error`` (an s2sad error) with its message and hint in the user's names."""
    message, hint = user_spelled(error.message, original), user_spelled(error.hint, original)
    if (message, hint) != (error.message, error.hint):
        error.message, error.hint = message, hint
        error.args = (error._format(),)
    return error


def user_spelled_checks(tree, original):
    """The messages of the run-time checks in ``tree`` (the string arguments of the
    ``check_*`` helpers' calls) in the user's names."""
    if not original:
        return
    for node in nodes.walk(tree):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
                and node.func.id.startswith("check_"):
            for arg in node.args:
                if isinstance(arg, gast.Constant) and isinstance(arg.value, str):
                    arg.value = user_spelled(arg.value, original)
