"""Forward and second-order code made numba's: keyword-only tangents passed by position,
runtime helpers read dotted (``rt.add_item``) imported, the tangent of ``None`` left None.

A helper's tangent takes its tangents by keyword (``def helper_jvp_v(v, k, *, v_dot)``,
called ``helper_jvp_v(x_item, 2.0, v_dot=x_item_dot)``); numba compiles no function
with keyword-only parameters.  Where every use of such a helper in the module is a plain
call (no ``*args``, ``**kwargs``, each parameter given once) and the helper has no
defaults, its keyword-only parameters become trailing positional ones and each call
passes every argument by position, in the parameters' order.  The arguments generated
code passes are names and constants, so their order of evaluation does not matter; a
call passing anything else leaves the helper as it is (the target then refuses it).
Text and ``ast`` only.
"""

import ast

from .numba_items import RUNTIMES
from .numba_unbound import NUMPY, Refusal


def _simple(node):
    return isinstance(node, (ast.Name, ast.Constant)) or (
        isinstance(node, ast.UnaryOp) and isinstance(node.operand, ast.Constant))


def _positional_call(call, params, text):
    """The text of ``call`` passing ``params`` by position, or None where it cannot."""
    if any(isinstance(a, ast.Starred) for a in call.args) or len(call.args) > len(params):
        return None
    given = dict(zip(params, call.args))
    for keyword in call.keywords:
        if keyword.arg is None or keyword.arg in given or keyword.arg not in params \
                or not _simple(keyword.value):
            return None
        given[keyword.arg] = keyword.value
    if set(given) != set(params):
        return None
    func = ast.get_source_segment(text, call.func)
    args = ", ".join(ast.get_source_segment(text, given[p]) for p in params)
    return f"{func}({args})"


def positional_keywords(text, main=None):
    """``text`` with the keyword-only parameters of its helpers (not ``main``) made
    positional where every use of the helper can pass them by position (see the module)."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    functions = [s for s in tree.body if isinstance(s, ast.FunctionDef)]
    spans = []
    for func in functions:
        a = func.args
        if func.name == main or not a.kwonlyargs or a.vararg or a.kwarg or a.defaults \
                or any(d is not None for d in a.kw_defaults):
            continue
        head = lines[func.lineno - 1]
        if not head.rstrip().endswith("):") or func.returns is not None:
            continue
        params = [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs]
        calls, uses = [], 0
        for other in functions:
            parents = {id(c): n for n in ast.walk(other) for c in ast.iter_child_nodes(n)}
            for node in ast.walk(other):
                if isinstance(node, ast.Name) and node.id == func.name:
                    uses += 1
                    call = parents.get(id(node))
                    if isinstance(call, ast.Call) and call.func is node:
                        calls.append(call)
        new_calls = [_positional_call(c, params, text) for c in calls]
        if uses != len(calls) or any(n is None for n in new_calls) \
                or any(c.lineno != c.end_lineno for c in calls):
            continue
        start = head.index("(", head.index(func.name)) + 1
        spans.append(((func.lineno, start), (func.lineno, head.rindex(")")), ", ".join(params)))
        for call, new in zip(calls, new_calls):
            line = lines[call.lineno - 1].encode()   # (ast's columns count UTF-8 bytes)
            spans.append(((call.lineno, len(line[:call.col_offset].decode())),
                          (call.end_lineno, len(line[:call.end_col_offset].decode())), new))
    if not spans:
        return text
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for (l1, c1), (l2, c2), new in sorted(spans, reverse=True):
        a, b = starts[l1 - 1] + c1, starts[l2 - 1] + c2
        text = text[:a] + new + text[b:]
    return text


def dotted_runtime(tree, func, runtime, helpers, taken, edits):
    """``rt.helper(...)`` in ``func`` (``import s2sad.runtime as rt``: a linear helper's
    tangent, in forward code) made the numba runtime's ``helper`` (``runtime``: the
    helpers the module imports, by their names there; ``helpers``: those the numba
    runtime provides); one it does not provide is refused, as an imported one is.
    Returns the helpers to import besides."""
    aliases = {a.asname for s in tree.body if isinstance(s, ast.Import)
               for a in s.names if a.name in RUNTIMES and a.asname}
    local = {original: name for name, original in runtime.items()}
    imported = set()
    for node in ast.walk(func):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases):
            continue
        if node.attr not in helpers:
            raise Refusal(f"the runtime helper {node.attr!r}, which the numba runtime "
                          f"does not provide", node,
                          NUMPY + " until s2sad.backends.numba_runtime provides it")
        name = local.get(node.attr)
        if name is None and node.attr in taken:
            raise Refusal(f"the runtime helper {node.attr!r}, read as "
                          f"{node.value.id}.{node.attr} where its name is taken", node, NUMPY)
        if name is None:
            name = node.attr
            imported.add(name)
        edits.replace(node, name)
    return imported


def none_tangents(func, edits):
    """``x_dot = 0.0`` beside ``x = None`` in one block of ``func`` (second-order code:
    the tangent of a value the gradient saves from a loop that may run no trip, the
    constant ``None``'s tangent a zero) made ``x_dot = None``: numba types ``x`` as an
    optional array where the loop makes it an array, and ``x_dot`` could not be both a
    float and an array.  ``x_dot`` is read only where ``x`` is, so never as that zero."""
    for node in ast.walk(func):
        for field in ("body", "orelse"):
            block = getattr(node, field, None)
            if not isinstance(block, list):
                continue
            nones = set()
            for stmt in block:
                if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                        and isinstance(stmt.targets[0], ast.Name)
                        and isinstance(stmt.value, ast.Constant)):
                    continue
                name = stmt.targets[0].id
                if stmt.value.value is None:
                    nones.add(name)
                elif name.endswith("_dot") and name[:-4] in nones \
                        and type(stmt.value.value) is float and stmt.value.value == 0.0:
                    edits.replace(stmt.value, "None")
