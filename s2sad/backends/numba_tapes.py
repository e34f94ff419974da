"""The restores of an array written at several indices: one numba list per index.

``transform`` pushes ``overwritten(x, index)`` before a write ``x[index] = v`` and pops
it back as ``x[index] = tape.pop()``; the numba target pairs pushes and pops by the name
pushed (``numba_target._Tape``).  An array written at a block and at a row (``u[1:-1,
1:-1] = ...``, ``u[0, :] = ...``) pushes arrays of two ranks, which one numba list
cannot hold: :func:`split_overwritten` keys each by its index where every index pushed
is popped by the same index.  Also: the gradient statement a second-order block of
pushes or pops comes from (:func:`comment_statement`), and a key's list name.
"""

import ast
import copy

from .numba_unbound import _LINE_COMMENT


def _index_text(index):
    """The index of ``overwritten(x, index)`` or of ``x[index] = ...`` as one text:
    ``slice(a, b, c)`` written ``a:b:c``, so that both spellings of one index agree."""
    class Slices(ast.NodeTransformer):
        def visit_Call(self, node):
            self.generic_visit(node)
            if isinstance(node.func, ast.Name) and node.func.id == "slice" \
                    and not node.keywords and 1 <= len(node.args) <= 3:
                parts = [None if isinstance(a, ast.Constant) and a.value is None else a
                         for a in node.args]
                if len(parts) == 1:
                    parts = [None] + parts
                parts += [None] * (3 - len(parts))
                return ast.Slice(lower=parts[0], upper=parts[1], step=parts[2])
            return node

        def visit_Slice(self, node):
            self.generic_visit(node)
            for field in ("lower", "upper", "step"):
                part = getattr(node, field)
                if isinstance(part, ast.Constant) and part.value is None:
                    setattr(node, field, None)
            return node
    copied = Slices().visit(copy.deepcopy(index))
    if isinstance(copied, ast.Tuple):
        return ", ".join(ast.unparse(e) for e in copied.elts)
    return ast.unparse(copied)


def written_index(stmt, kind):
    """The index text of the push ``tape.push(overwritten(x, index))`` or of the pop
    ``x[index] = tape.pop()`` ``stmt`` (``kind``), or None."""
    if kind == "push":
        value = stmt.value.args[0] if isinstance(stmt, ast.Expr) \
            and isinstance(stmt.value, ast.Call) and stmt.value.args else None
        index = value.args[1] if isinstance(value, ast.Call) and len(value.args) == 2 \
            else None
    else:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else None
        index = target.slice if isinstance(target, ast.Subscript) else None
    return None if index is None else _index_text(index)


def split_overwritten(ops, texts):
    """Key the pushes ``overwritten(x, index)`` and pops ``x[index] = tape.pop()`` of an
    array ``x`` written at several indices by ``x[index]`` (``texts``: id of an op -> its
    index text), where each index pushed is popped by the same index: a list each (a row
    and a block of a 2-D array are arrays of different ranks, which one numba list cannot
    hold).  Left as ``x[]`` where the indices pushed and popped do not agree."""
    keyed = {}   # "x[]" (or "x[] tangent") -> {"push": index texts, "pop": ...}
    for op in ops:
        if op[2] is None or "[]" not in op[2]:
            continue
        found = keyed.setdefault(op[2], {})
        if texts.get(id(op)) is None:
            found["bad"] = True
            continue
        found.setdefault(op[1], set()).add(texts[id(op)])
    for key, found in keyed.items():
        if found.get("bad") or found.get("push", set()) != found.get("pop", set()) \
                or len(found.get("push", ())) < 2:
            continue
        for op in ops:
            if op[2] == key:
                op[2] = key.replace("[]", f"[{texts[id(op)]}]", 1)


def comment_statement(lines, lineno):
    """``(comment line index, gradient statement)`` of a second-order block: the
    statement of ``# line N of the generated G: <statement>`` above ``lineno``."""
    for index in range(lineno - 2, -1, -1):
        found = _LINE_COMMENT.match(lines[index])
        if found:
            if not found.group(2):
                return None
            try:
                return index, ast.parse(found.group(3)).body[0]
            except (SyntaxError, IndexError):
                return None
    return None


def list_base(key):
    """The list name's stem of a tape key: ``h``, ``h_dot`` (``"h tangent"``),
    ``x_overwritten`` (``"x[]"`` and ``"x[0, :]"``)."""
    base = key.replace(" tangent", "_dot")
    return base.split("[", 1)[0] + "_overwritten" + base[base.index("]") + 1:] \
        if "[" in base else base
