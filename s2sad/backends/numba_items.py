"""The numba target's item additions: ``x = add_into(x, index, g)`` of the numpy text
(lazy for Dask arrays, in place for numpy ones) written ``x[index] += g`` where the index
is basic, so numba adds in place and ``numba_bounds`` can prove the index in range.
Pure text and ``ast``: it imports neither numba nor numpy.
"""

import ast

from .numba_bounds import is_reversed_range

#: the modules generated code imports runtime helpers from
RUNTIMES = ("s2sad.runtime", "s2sad.runtime_forward")


def with_item_additions(text):
    """``text`` with each one-line ``x = add_into(x, index, g)`` whose index is basic
    (integers, ``slice(...)`` of numbers and names, the variables of ``range`` loops)
    written ``x[index] += g``, what the helper does in place for numpy arrays (its lazy
    case is Dask's, which numba never sees): numba's own item addition, whose index
    ``numba_bounds`` can prove in range.  Other indexes (an integer array adds with
    ``np.add.at``) keep the helper."""
    tree = ast.parse(text)
    helper = {a.asname or a.name for s in tree.body if isinstance(s, ast.ImportFrom)
              and s.module in RUNTIMES for a in s.names if a.name == "add_into"}
    if not helper:
        return text
    parents = {child: parent for parent in ast.walk(tree)
               for child in ast.iter_child_nodes(parent)}
    lines = text.splitlines(keepends=True)
    for stmt in ast.walk(tree):
        if not (isinstance(stmt, ast.Assign) and stmt.lineno == stmt.end_lineno
                and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Name)
                and stmt.value.func.id in helper and len(stmt.value.args) == 3
                and not stmt.value.keywords and isinstance(stmt.value.args[0], ast.Name)
                and stmt.value.args[0].id == stmt.targets[0].id):
            continue
        index = _basic_index_text(stmt.value.args[1], text, _loop_names(stmt, parents))
        if index is None:
            continue
        line = lines[stmt.lineno - 1]
        g = ast.get_source_segment(text, stmt.value.args[2])
        lines[stmt.lineno - 1] = (line[:stmt.col_offset] + f"{stmt.targets[0].id}[{index}] += "
                                  f"{g}" + line[stmt.end_col_offset:])
    return "".join(lines)


def _loop_names(stmt, parents):
    """The variables of the ``for ... in range(...)`` loops (``reversed`` too) around
    ``stmt`` that their bodies bind nowhere else: integers where ``stmt`` runs."""
    names, node = {}, parents.get(stmt)
    while node is not None:
        if isinstance(node, ast.For) and isinstance(node.target, ast.Name) \
                and node.target.id not in names:
            ranged = is_reversed_range(node.iter) or isinstance(node.iter, ast.Call) \
                and isinstance(node.iter.func, ast.Name) and node.iter.func.id == "range"
            names[node.target.id] = ranged and not any(
                isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
                and n.id == node.target.id for s in node.body + node.orelse
                for n in ast.walk(s))
        node = parents.get(node)
    return names


def _basic_index_text(node, text, loop_names):
    """The subscript text of the index expression ``node`` when it is basic (see
    :func:`with_item_additions`), else None."""
    parts = node.elts if isinstance(node, ast.Tuple) else [node]
    if not parts:
        return None
    out = []
    for part in parts:
        if isinstance(part, ast.Constant) and type(part.value) is int or \
                isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.USub) \
                and isinstance(part.operand, ast.Constant) and type(part.operand.value) is int:
            out.append(ast.get_source_segment(text, part))
        elif isinstance(part, ast.Name) and loop_names.get(part.id):
            out.append(part.id)
        elif isinstance(part, ast.Call) and isinstance(part.func, ast.Name) \
                and part.func.id == "slice" and 1 <= len(part.args) <= 3 \
                and not part.keywords and all(_slice_bound(a) for a in part.args):
            bounds = [None] + part.args if len(part.args) == 1 else part.args
            bounds = ["" if isinstance(b, ast.Constant) and b.value is None
                      else ast.get_source_segment(text, b) for b in bounds]
            out.append(":".join(bounds[:2]) + (f":{bounds[2]}" if len(bounds) > 2
                                                and bounds[2] else ""))
        else:
            return None
    if isinstance(node, ast.Tuple):
        return ", ".join(out) + ("," if len(out) == 1 else "")
    return out[0]


def _slice_bound(node):
    """A number, None or a name: a bound of a slice (one that is no integer fails in
    numba's typing, never silently)."""
    if isinstance(node, ast.Constant):
        return node.value is None or type(node.value) is int
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return isinstance(node.operand, ast.Constant) and type(node.operand.value) is int
    return isinstance(node, ast.Name)
