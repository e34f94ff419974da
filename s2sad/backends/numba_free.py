"""The dotted reads of a user's module (``cfg.SCALE``, ``pkg.mod.W``) made names.

numba freezes a global it reads as a constant at compile time, and its on-disk cache
keeps that constant in every later process; an attribute of an imported module is
such a global.  So each dotted read of a module the generated code imports (other
than numpy, math, cmath, scipy, numba and s2sad's own) becomes a fresh name
(``cfg_SCALE``), which ``numba_target`` makes a trailing parameter like the user's
other free values; the caller passes the attribute's current value at each call.

Which part of a chain is the module is read from the loaded modules (else from the
module's imports: ``import pkg.mod`` makes ``pkg`` and ``pkg.mod`` modules), so ``pkg.mod.W`` is the value and in
``cfg.VEC.shape`` the value is ``cfg.VEC`` (its ``.shape`` stays in the code).  A module
a tuple of ``unshared`` names (the values a returned array must not share memory with)
becomes the values read from it.  A value a helper of the gradient reads (itself or
through the helpers it calls) becomes its trailing parameter, which each call passes
(:func:`helper_values`).  Text and ``ast`` (and ``sys.modules``): it imports no numba, no numpy.
"""

import ast
import sys
import types

from .numba_unbound import NUMPY, Refusal

#: modules whose functions and constants stay as they are (numba knows them)
LIBRARIES = frozenset({"numpy", "math", "cmath", "scipy", "numba", "s2sad", "builtins"})


def _modules(tree):
    """{name a module-level ``import`` binds: (the module's name, the attribute paths
    under it the imports make modules)} for the user's modules (``import pkg.mod``:
    ``{"pkg": ("pkg", {(), ("mod",)})}``)."""
    roots = {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.Import):
            continue
        for alias in stmt.names:
            parts = alias.name.split(".")
            if parts[0] in LIBRARIES:
                continue
            if alias.asname:
                roots.setdefault(alias.asname, (alias.name, set()))[1].add(())
            else:
                known = roots.setdefault(parts[0], (parts[0], set()))[1]
                for end in range(1, len(parts) + 1):
                    known.add(tuple(parts[1:end]))
    return roots


def _depth(root, attrs, module):
    """How many of ``attrs`` name modules under the module ``root`` (its name, the paths
    its imports make modules): read from ``module`` (the object the name is bound to)
    where it is given, else from the imports."""
    depth = max(len(p) for p in root[1] if tuple(attrs[:len(p)]) == p)
    if module is not None:
        loaded = 0
        for attr in attrs:
            module = getattr(module, attr, None)
            if not isinstance(module, types.ModuleType):
                break
            loaded += 1
        depth = max(depth, loaded)
    return depth


def _chain(node):
    """``(root name, [attributes])`` of ``a.b.c``, or None for any other expression."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return node.id, attrs[::-1]
    return None


def free_reads(text, taken=(), namespace=None):
    """``(new text, [(name, "module.path.attr")])``: ``text`` with each dotted read of a
    user's module in its functions made a name (the list: each name, in order of first
    use, and the expression the caller evaluates for it).  ``namespace``: the objects
    the module's names are bound to (else ``sys.modules``), which say where a module
    ends in a chain (``import pkg`` then ``pkg.mod.W`` where ``pkg.mod`` is a module)."""
    tree = ast.parse(text)
    roots = _modules(tree)
    if not roots:
        return text, []
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | \
        {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)} | \
        {f.name for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)} | set(taken)
    reads, spans, bare, found_reads = {}, [], [], []
    functions = [s for s in tree.body if isinstance(s, ast.FunctionDef)]
    for func in functions:
        local = {a.arg for a in ast.walk(func) if isinstance(a, ast.arg)} | \
            {n.id for n in ast.walk(func) if isinstance(n, ast.Name)
             and not isinstance(n.ctx, ast.Load)}   # (a local of a module's name: not it)
        parents = {}
        for node in ast.walk(func):
            for child in ast.iter_child_nodes(node):
                parents[id(child)] = node
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and node.id in roots and node.id not in local \
                    and isinstance(node.ctx, ast.Load) \
                    and not isinstance(parents.get(id(node)), ast.Attribute):
                bare.append((node, parents))
            if not isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
                continue
            found = _chain(node)
            if found is None or found[0] not in roots or found[0] in local:
                continue
            root, attrs = found
            module = (namespace or {}).get(root, sys.modules.get(roots[root][0]))
            depth = _depth(roots[root], attrs, module)
            if len(attrs) != depth + 1:
                continue   # a module itself, or an attribute of the value read below it
            found_reads.append((node, root, attrs))
    for node, root, attrs in sorted(found_reads, key=lambda r: (r[0].lineno, r[0].col_offset)):
        expression = ".".join([root] + attrs)   # (named in the order the code reads them)
        if expression not in reads:
            name = "_".join([root] + attrs)
            while name in used:
                name += "_"
            used.add(name)
            reads[expression] = name
        spans.append((node, reads[expression]))
    for node, parents in bare:   # ``unshared(g, (x, cfg))``: cfg's values read
        tup = parents.get(id(node))
        call = parents.get(id(tup))
        if isinstance(tup, ast.Tuple) and isinstance(call, ast.Call) \
                and isinstance(call.func, ast.Name) and call.func.id == "unshared" \
                and len(call.args) == 2 and call.args[1] is tup:
            mine = [n for e, n in reads.items() if e.split(".")[0] == node.id]
            spans.append((node, ", ".join(mine) if mine else "None"))
    if not spans:
        return text, []
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for node, new in sorted(spans, key=lambda s: (s[0].lineno, s[0].col_offset),
                            reverse=True):
        a = starts[node.lineno - 1] + node.col_offset
        b = starts[node.end_lineno - 1] + node.end_col_offset
        text = text[:a] + new + text[b:]
    return text, [(name, expression) for expression, name in reads.items()]


def helper_values(edits, lines, functions, main, names):
    """The user's free values a helper reads (itself or through the helpers it calls)
    made its trailing parameters, which each call of it passes (numba would freeze
    them); a helper used other than called, or whose signature spans lines, is
    refused at the line reading the value."""
    helpers = {f.name: f for f in functions if f is not main}
    needs, calls = {}, {}
    for name, func in helpers.items():
        needs[name] = {n.id for n in ast.walk(func) if isinstance(n, ast.Name)
                       and isinstance(n.ctx, ast.Load)} & set(names)
        calls[name] = {n.func.id for n in ast.walk(func) if isinstance(n, ast.Call)
                       and isinstance(n.func, ast.Name) and n.func.id in helpers}
    grown = True
    while grown:
        grown = False
        for name in helpers:
            more = set().union(*(needs[c] for c in calls[name])) - needs[name]
            if more:
                needs[name] |= more
                grown = True
    for name, func in helpers.items():
        _escaping_pullback(name, func, functions)
    for name, func in helpers.items():
        if not needs[name]:
            continue
        extra = [n for n in names if n in needs[name]]
        read = next((n for n in ast.walk(func) if isinstance(n, ast.Name)
                     and n.id in needs[name]), func)
        head = lines[func.lineno - 1]
        if not head.rstrip().endswith("):") or func.args.defaults or func.args.vararg:
            raise Refusal(f"the value {extra[0]!r} read by a helper the gradient calls "
                           f"(its generated signature cannot take it)", read, NUMPY)
        close = head.rindex(")")
        params = func.args.posonlyargs + func.args.args
        edits.spans.append(((func.lineno, close), (func.lineno, close),
                                 (", " if params else "") + ", ".join(extra)))
        parents = {}
        for other in functions:
            for node in ast.walk(other):
                for child in ast.iter_child_nodes(node):
                    parents[id(child)] = node
        for other in functions:
            for node in ast.walk(other):
                if not (isinstance(node, ast.Name) and node.id == name):
                    continue
                call = parents.get(id(node))
                if not (isinstance(call, ast.Call) and call.func is node) \
                        or any(isinstance(a, ast.Starred) for a in call.args) \
                        or any(k.arg is None for k in call.keywords):
                    raise Refusal(f"the value {extra[0]!r} read by a helper the gradient "
                                   f"uses other than by a plain call", read, NUMPY)
                if call.keywords:
                    added = ", ".join(f"{n}={n}" for n in extra)
                else:
                    added = ", ".join(extra)
                edits.spans.append(((call.end_lineno, call.end_col_offset - 1),
                                         (call.end_lineno, call.end_col_offset - 1),
                                         (", " if call.args or call.keywords else "")
                                         + added))


def _escaping_pullback(name, func, functions):
    """A helper returning a function it defines (``h_vjp``'s pullback) is refused at
    its first call: numba compiles no function that escapes with values it captured."""
    nested = {n.name for stmt in func.body for n in ast.walk(stmt)
              if isinstance(n, ast.FunctionDef)}
    called = {id(n.func) for n in ast.walk(func) if isinstance(n, ast.Call)}
    returned = {n.id for stmt in func.body if isinstance(stmt, ast.Return) and stmt.value
                for n in ast.walk(stmt.value) if isinstance(n, ast.Name)
                and id(n) not in called}   # (``return inner(x)`` returns a value)
    if not nested & returned:
        return
    call = next((n for other in functions if other is not func for n in ast.walk(other)
                 if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                 and n.func.id == name), None)
    if call is None:
        return   # (never called: numba never compiles it)
    helper = name.split("_vjp")[0] if "_vjp" in name else name
    why = ("returns its pullback, a nested function (numba compiles no function that "
           "escapes with the values it captured)")
    if helper.endswith("_value_and_grad"):   # (an s2sad.grad(f) object called inside)
        made = helper[:-len("_value_and_grad")]
        refusal = Refusal(f"a call of a derivative s2sad made of your function {made!r} (an "
                           f"s2sad.grad/vjp/... object called inside), whose generated code "
                           f"{why}", call, NUMPY)
        refusal.column_of = None
        raise refusal
    if any(f.name.startswith(helper + "_") and "_vjp" not in f.name for f in functions):
        refusal = Refusal(f"a call of {helper!r}, the function you differentiate, through a "
                           f"decorator wrapping it: its generated derivative {why}", call,
                           NUMPY)
        refusal.column_of = None
        raise refusal
    refusal = Refusal(f"a call of your helper {helper!r}, whose generated derivative "
                       f"{why}", call,
                       "define the helper inside the function you differentiate (a nested "
                       "def is inlined where it is called), or " + NUMPY)
    refusal.column_of = helper
    raise refusal
