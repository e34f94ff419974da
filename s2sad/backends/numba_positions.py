"""Python's TypeError for a float where compiled code needs an integer.

numba computes ``range(5.5)`` as ``range(5)``, ``x[:2.0]`` as ``x[:2]`` and ``round(v,
2.0)`` as ``round(v, 2)``, where Python (and numpy) raise TypeError: the numba code would
return numbers for a call the user's own function refuses.  (An index, a size, a repeat
count or an axis that is a float, numba refuses to compile: no number comes out.)

:func:`with_integer_positions` wraps, in each compiled function of the finished numba
text, every bound of a ``range``, of a slice, and the digits of ``round``/``np.round``
that is not an integer by its form (a constant, ``len(...)``, ``x.shape[k]``, ``x.size``
and sums of them) in ``integer_position(...)`` (``slice_position(...)`` for a slice): the
value itself for an integer; for a float, Python's TypeError, raised when the code gets
there, as Python raises it (``numba_runtime.positions``).  Pure text and ``ast``.
"""

import ast

from .numba_own import NUMBA_RUNTIME

RANGE, SLICE = "integer_position", "slice_position"
_SIZES = frozenset(("size", "ndim"))
_ROUNDS = frozenset(("round", "around"))


def _integer_form(node, checks, ints=frozenset()):
    """Whether ``node`` is an integer by its form alone (``checks``: the names of the
    helpers, whose calls, written at a pass before, are; ``ints``: names that are)."""
    if isinstance(node, ast.Name):
        return node.id in ints
    if isinstance(node, ast.Constant):
        return node.value is None or (type(node.value) is int)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _integer_form(node.operand, checks, ints)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult,
                                                            ast.FloorDiv, ast.Mod)):
        return _integer_form(node.left, checks, ints) and _integer_form(node.right, checks, ints)
    if isinstance(node, ast.Call):   # (a position checked already: at a pass before)
        return isinstance(node.func, ast.Name) and (node.func.id == "len" or node.func.id in checks)
    if isinstance(node, ast.Attribute):
        return node.attr in _SIZES
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
        and node.value.attr == "shape"


def _integer_names(func, checks):
    """The names of ``func`` each of whose assignments is an integer by its form (``n =
    x.shape[0] + 1``) or a loop over a range."""
    stores = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            stores.setdefault(node.id, [])
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            stores.setdefault(node.targets[0].id, []).append(node.value)
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Name) \
                and isinstance(node.iter, ast.Call) and isinstance(node.iter.func, ast.Name) \
                and node.iter.func.id == "range":
            stores.setdefault(node.target.id, []).append(None)   # (an integer)
    for arg in ast.walk(func.args):
        if isinstance(arg, ast.arg):
            stores.pop(arg.arg, None)
    written = [n.id for n in ast.walk(func) if isinstance(n, ast.Name)
               and not isinstance(n.ctx, ast.Load)]
    candidates = {n: v for n, v in stores.items() if len(v) == written.count(n)}
    ints, grown = set(), True
    while grown:
        grown = False
        for name, values in candidates.items():
            if name not in ints and all(v is None or _integer_form(v, checks, ints)
                                        for v in values):
                ints.add(name)
                grown = True
    return ints


def _positions(func, checks):
    """``(node, helper)`` of each integer position of ``func`` to check."""
    ints = _integer_names(func, checks)
    found = []
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id == "range":
            found += [(a, RANGE) for a in node.args]
        elif isinstance(node, ast.Call) and len(node.args) == 2 and (
                isinstance(node.func, ast.Name) and node.func.id == "round"
                or isinstance(node.func, ast.Attribute) and node.func.attr in _ROUNDS):
            found.append((node.args[1], RANGE))
        elif isinstance(node, ast.Slice):
            found += [(b, SLICE) for b in (node.lower, node.upper, node.step) if b is not None]
    return [(n, h) for n, h in found if not isinstance(n, ast.Starred) and not _integer_form(n, checks, ints)]


def _compiled(func):
    return any("numba" in ast.unparse(d) for d in func.decorator_list)


def with_integer_positions(text, taken, helper_import):
    """``text`` (a finished numba module) with its integer positions checked (see the
    module), and the helpers imported (``helper_import(names)``: the import statement,
    each name ``helper`` or ``helper as name``); ``taken``: the names the module uses (a
    helper whose name is one is imported as another)."""
    names = {h: _fresh(h, taken) for h in (RANGE, SLICE)}
    checks, used = frozenset(names.values()), set()
    while True:   # (outermost positions first: one inside another, at the next pass)
        tree = ast.parse(text)
        spans = []
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef) and _compiled(func):
                for node, helper in _positions(func, checks):
                    used.add(helper)
                    spans.append((node, f"{names[helper]}({ast.get_source_segment(text, node)})"))
        if not spans:
            break
        text = _replaced(text, _outermost(spans))
    if not used:
        return text
    used = {h if names[h] == h else f"{h} as {names[h]}" for h in used}
    tree = ast.parse(text)
    existing = next((s for s in tree.body if isinstance(s, ast.ImportFrom)
                     and s.module == NUMBA_RUNTIME), None)
    if existing is not None:
        imported = {a.name if a.asname is None else f"{a.name} as {a.asname}"
                    for a in existing.names}
        return _replaced(text, [(existing, helper_import(sorted(imported | used)))])
    first = next(s for s in tree.body if isinstance(s, ast.Import)
                 and any(a.name == "numba" for a in s.names))
    return _replaced(text, [(first, f"import numba\n{helper_import(sorted(used))}")])


def _fresh(name, taken):
    return next(n for n in (f"{name}_{i}" if i else name for i in range(len(taken) + 1))
                if n not in taken)


def _key(node):
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


def _outermost(spans):
    """The spans not inside another one."""
    unique = {_key(n): (n, new) for n, new in spans}   # (a nested function's: walked twice)
    return [unique[(a, b)] for a, b in sorted(unique)
            if not any(k != (a, b) and k[0] <= a and b <= k[1] for k in unique)]


def _replaced(text, spans):
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(line, column):   # (ast's columns count utf-8 bytes)
        return starts[line - 1] + len(lines[line - 1].encode()[:column].decode(errors="ignore"))
    edits = sorted(((offset(n.lineno, n.col_offset), offset(n.end_lineno, n.end_col_offset),
                     new) for n, new in spans), key=lambda e: e[0], reverse=True)
    for start, end, new in edits:
        text = text[:start] + new + text[end:]
    return text
