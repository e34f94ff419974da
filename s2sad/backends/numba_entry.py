"""The check a function writing into a parameter makes at each call, run in Python
before the numba-compiled code.

s2sad writes into a copy of such a parameter and checks (``ensure_unshared(...)``, the
main function's statement at its start) that no other argument, or global the function
reads, shares its memory: a check on Python objects numba cannot compile.  It reads
only the function's parameters and the module's names, so it can run before the
compiled code: in the wrapper of the CLI's modules (``numba_target``), or in a plain
function ``<main>_entry`` written beside the compiled one, which the API's dispatcher
calls first (``to_numba``'s ``entry``).  Pure ``ast`` and text.
"""

import ast


def entry_check(tree, function_name):
    """The statement ``ensure_unshared(...)`` of the module ``tree``'s main function
    ``function_name`` that can run before it: the only call of that helper in the module,
    a statement of the function's own body reading only its parameters and the module's
    names, without ``defaults=`` (a written parameter's default, which a wrapper's
    signature would spell by the user's function); else None."""
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == "ensure_unshared"]
    main = next((s for s in tree.body if isinstance(s, ast.FunctionDef)
                 and s.name == function_name), None)
    if len(calls) != 1 or main is None or any(k.arg == "defaults" for k in calls[0].keywords):
        return None
    stmt = next((s for s in main.body if isinstance(s, ast.Expr) and s.value is calls[0]),
                None)
    if stmt is None:
        return None
    params = {a.arg for a in main.args.posonlyargs + main.args.args + main.args.kwonlyargs}
    module = set()
    for top in tree.body:
        if isinstance(top, (ast.Import, ast.ImportFrom)):
            module |= {(a.asname or a.name).split(".")[0] for a in top.names}
        elif isinstance(top, ast.Assign):
            module |= {t.id for t in top.targets if isinstance(t, ast.Name)}
        elif isinstance(top, ast.FunctionDef):
            module.add(top.name)
    reads = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
    return stmt if reads <= params | module else None


def write_entry(edits, lines, stmt, main, names, taken):
    """Take the entry check ``stmt`` out of ``main`` and write it as a plain Python
    function of ``main``'s parameters and the values passed after them (``names``),
    ``<main>_entry``, at the module's end; returns its name (added to ``taken``)."""
    name, n = f"{main.name}_entry", 1
    while name in taken:
        name, n = f"{main.name}_entry_{n}", n + 1
    taken.add(name)
    body = ""
    for line in range(stmt.lineno, stmt.end_lineno + 1):
        body += "    " + lines[line - 1][stmt.col_offset:]
        edits.delete_line(line)
    params = [a.arg for a in main.args.posonlyargs + main.args.args  # (keyword-only ones
              + main.args.kwonlyargs] + list(names)   # by position, as to_numba's)
    text = (f"\n\ndef {name}({', '.join(params)}):\n"
            f"    # (run in Python before {main.name}: numba cannot compile this check)\n"
            f"{body}")
    edits.spans.append(((len(lines) + 1, 0), (len(lines) + 1, 0), text))
    return name


def complex_check(text, main, params):
    """The wrapper's line refusing complex arguments as the API does (``s2sad.values``):
    numba would refuse to compile the code for them, with its own error; named by the
    user's function the header of ``text`` names (``# source: file:name``), else ``main``."""
    import re
    found = re.search(r"^# source: .*:([\w.]+)$", text, re.M)
    name = found.group(1).rsplit(".", 1)[-1] if found else main
    values = f"({params[0]},)" if len(params) == 1 else f"({', '.join(params)})"
    return f"    refuse_complex_arguments({values}, {{}}, {name!r})\n"


def tangent_check_lines(lines, main):
    """The first and last line of ``main``'s checks of its tangents (the lines
    ``cli.tangent_checks`` writes first in a forward module's function, after the check
    of the user's globals if any: its note, then ``x_dot = as_tangent(x_dot, x, ...)``
    per tangent), which a wrapper runs in Python before the compiled code; None where
    there are none."""
    body = main.body
    start = next((k for k, stmt in enumerate(body[:3]) if _checks_tangent(stmt)), None)
    if start is None:
        return None
    end = start
    while end + 1 < len(body) and _checks_tangent(body[end + 1]):
        end += 1
    before = body[start - 1].end_lineno if start else main.lineno
    if any(not lines[k].strip().startswith("#") for k in range(before, body[start].lineno - 1)):
        return None
    return before + 1, body[end].end_lineno


def _checks_tangent(stmt):
    """``t = as_tangent(t, ...)`` (or ``as_tangent_<n>``, the name cli.tangent_checks
    takes where the user's code holds ``as_tangent``): the tangent checked and rebound."""
    value = stmt.value if isinstance(stmt, ast.Assign) else None
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.args
            and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(value.args[0], ast.Name)
            and value.args[0].id == stmt.targets[0].id):
        return False
    name = value.func.id
    return name == "as_tangent" or name.startswith("as_tangent_") and name[11:].isdigit()


def taken_out(edits, lines, first, last):
    """The text of the lines ``first`` to ``last``, deleted where they were."""
    text = ""
    for line in range(first, last + 1):
        text += lines[line - 1]
        edits.delete_line(line)
    return text
