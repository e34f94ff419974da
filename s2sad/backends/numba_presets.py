"""The numba target's ``name = None`` presets: a name the generated code assigns only inside
an inner loop is set to None before the loop that saves it (``tape.push(name)`` after the
inner loop, which may run no trip); numba types such a name as optional, and takes no
optional value as an index (``f[add]``, ``add_at(x, (i, j), g)``).

* A preset whose value no statement but a save reads (each other read of the name follows,
  in a trip of a loop around it, an assignment of it there: the inner loop's own value) is
  dropped: the value saved then is never read back (the restored name is assigned again
  before its next read), so numba's placeholder for a name not yet assigned gives the same
  numbers, and the name keeps its type.
* Any other preset whose value reaches an index (through copies ``a = b``) is refused
  where the module is written, naming the user's loop: numba would fail at the first call.

Pure ``ast``: no numba, no numpy.
"""

import ast

from .numba_unbound import NUMPY, Refusal, assigned


def _is_none(node):
    return isinstance(node, ast.Constant) and node.value is None


def _presets(func):
    """{name: [its ``name = None`` statements]} of ``func``."""
    found = {}
    for stmt in ast.walk(func):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name) and _is_none(stmt.value):
            found.setdefault(stmt.targets[0].id, []).append(stmt)
    return found


def _parents(func):
    parents = {}
    for node in ast.walk(func):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    return parents


def _is_save(load, parents):
    """Whether the read ``load`` is the argument of a save (``tape.push(name)``)."""
    call = parents.get(id(load))
    return isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
        and call.func.attr == "push" and call.args == [load] \
        and not call.keywords and isinstance(parents.get(id(call)), ast.Expr)


def _stores(stmt, name):
    """Whether the statement ``stmt`` itself assigns ``name`` (not in a nested block)."""
    if isinstance(stmt, ast.Assign):
        return any(name in assigned(t) for t in stmt.targets) and not _is_none(stmt.value)
    if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)):
        return name in assigned(stmt.target)
    return False


def _covered(load, name, parents):
    """Whether, in some loop around the read ``load``, each trip assigns ``name`` before
    it: the loop's own target, or a statement of its body before the one reading."""
    node = load
    while id(node) in parents:
        parent = parents[id(node)]
        if isinstance(parent, (ast.For, ast.While)) and node in parent.body:
            if isinstance(parent, ast.For) and name in assigned(parent.target):
                return True
            before = parent.body[:parent.body.index(node)]
            if any(_stores(s, name) for s in before):
                return True
        node = parent
    return False


def _assigned_before(load, name, func):
    """Whether a line before the read ``load`` assigns ``name`` (numba types in order)."""
    return any(isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Store)
               and n.lineno < load.lineno and not _is_preset_target(n, func)
               for n in ast.walk(func))


def _is_preset_target(node, func):
    return any(s.targets[0] is node for stmts in _presets(func).values() for s in stmts)


def dropped_presets(func, edits):
    """Delete (through ``edits``) the presets of ``func`` whose value is only saved;
    return the names of the others."""
    parents, kept = _parents(func), set()
    for name, stmts in sorted(_presets(func).items()):
        loads = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == name
                 and isinstance(n.ctx, ast.Load)]
        if loads and all(_assigned_before(n, name, func) and
                         (_is_save(n, parents) or _covered(n, name, parents)) for n in loads):
            for stmt in stmts:
                edits.delete_line(stmt.lineno)
        elif _int_only(func, name, parents):
            for stmt in stmts:   # (an int placeholder: numba types the name as an int)
                edits.replace(stmt.value, "0")
        else:
            kept.add(name)
    return kept


_INT_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)


def _int_only(func, name, parents):
    """Whether each value the preset ``name`` and its copies (``a = name``, ``name = a``)
    are given is an int (a ``range`` loop's target, an int constant, ``len(...)``, or
    these combined by ``+ - * // %``) and none of them is tested against None: the
    preset's value is then only copied and saved (numpy code reading it would fail on
    None), and 0 in its place gives the same numbers."""
    ranges = {n.target.id for n in ast.walk(func) if isinstance(n, ast.For)
              and isinstance(n.target, ast.Name) and isinstance(n.iter, ast.Call)
              and isinstance(n.iter.func, ast.Name) and n.iter.func.id == "range"}
    copies = [(n.targets[0].id, n.value) for n in ast.walk(func) if isinstance(n, ast.Assign)
              and len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)]
    group, grown = {name}, True
    while grown:
        grown = False
        for target, value in copies:
            if isinstance(value, ast.Name) and (target in group) != (value.id in group):
                group |= {target, value.id}
                grown = True
    if any(isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.id in group
           and not (isinstance(parents.get(id(n)), ast.Assign)
                    and parents[id(n)].targets == [n]) for n in ast.walk(func)):
        return False   # (given a value otherwise: unpacked, a loop's target, op=)
    for target, value in copies:
        if target in group and not (isinstance(value, ast.Name) and value.id in group) \
                and not _is_none(value) and not _is_int(value, ranges):
            return False
    return not any(isinstance(n, ast.Compare) and any(_is_none(c) for c in
                                                      [n.left, *n.comparators])
                   and any(isinstance(c, ast.Name) and c.id in group
                           for c in [n.left, *n.comparators]) for n in ast.walk(func))


def _is_int(node, ranges):
    if isinstance(node, ast.Constant):
        return type(node.value) is int
    if isinstance(node, ast.Name):
        return node.id in ranges
    if isinstance(node, ast.BinOp):
        return isinstance(node.op, _INT_OPS) and _is_int(node.left, ranges) \
            and _is_int(node.right, ranges)
    if isinstance(node, ast.UnaryOp):
        return isinstance(node.op, ast.USub) and _is_int(node.operand, ranges)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
        and node.func.id == "len"


def _index_reads(func, index_helpers):
    """The names read as an index: of a subscript (a tuple's items too), or the index
    argument (second) of a runtime helper writing at an index."""
    for node in ast.walk(func):
        index = node.slice if isinstance(node, ast.Subscript) else \
            node.args[1] if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in index_helpers and len(node.args) >= 2 else None
        if index is None:
            continue
        for item in index.elts if isinstance(index, ast.Tuple) else [index]:
            if isinstance(item, ast.Name):
                yield item


def optional_index_refusal(text, index_helpers):
    """The :class:`Refusal` of a preset kept in the numba module ``text`` whose value
    reaches an index (through copies, and lists: what a list is given, its ``pop()``
    gives), placed at the loop after it, with ``lines``: the text's; None where there is
    none."""
    tree = ast.parse(text)
    for func in (s for s in tree.body if isinstance(s, ast.FunctionDef)):
        presets = _presets(func)
        sources = {name: {name} for name in presets}   # name: the presets it may hold
        grown = bool(sources)
        while grown:
            grown = False
            for target, value in _flows(func):
                if value in sources and not sources[value] <= sources.get(target, set()):
                    sources.setdefault(target, set()).update(sources[value])
                    grown = True
        for read in _index_reads(func, index_helpers):
            if read.id in sources:
                preset = min(sources[read.id])
                where = min(presets[preset], key=lambda s: s.lineno)
                refusal = Refusal(
                    f"the index {read.id!r} of s2sad's own code, which holds None before a "
                    f"loop until the loop assigns it (s2sad's placeholder for a value a loop "
                    f"may not assign: an inner loop that runs no trip, a loop ending early): "
                    f"numba types it as optional, and indexes with no optional value",
                    _next_statement(func, where),
                    NUMPY + " (nothing to change in your code)")
                refusal.lines = text.splitlines()
                return refusal
    return None


def _flows(func):
    """``(target, value)`` of each name whose value another may take: a copy ``a = b``, a
    list given a value (``l.append(v)``: ``(l, v)``), a value popped (``v = l.pop()``)."""
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            value = node.value
            if isinstance(value, ast.Name):
                yield node.targets[0].id, value.id
            elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                    and value.func.attr == "pop" and isinstance(value.func.value, ast.Name):
                yield node.targets[0].id, value.func.value.id
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "append" and isinstance(node.func.value, ast.Name) \
                and len(node.args) == 1 and isinstance(node.args[0], ast.Name):
            yield node.func.value.id, node.args[0].id


def _next_statement(func, stmt):
    """The first statement after ``stmt`` that is not a preset (the loop it is before,
    whose comment names the user's line)."""
    after = [s for s in ast.walk(func) if isinstance(s, ast.stmt) and s.lineno > stmt.lineno
             and not (isinstance(s, ast.Assign) and _is_none(s.value))]
    return min(after, key=lambda s: s.lineno, default=stmt)
