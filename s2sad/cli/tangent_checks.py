"""The tangents a ``--mode forward`` module (``f_jvp``, ``f_hvp``) is given, checked as
``s2sad.jvp`` and ``s2sad.hvp`` check theirs.

Unchecked, a tangent of the wrong shape broadcast silently (a (2, 2) tangent for a
(2,) parameter gave (2, 2) tangent outputs) and one of the wrong structure (a list for
a dict parameter) failed deep inside the generated code.  The module's function starts
with one line per tangent parameter, ``x_dot = as_tangent(x_dot, x, 'x', ...)``
(``runtime.as_tangent``, the API's own check): a :class:`TangentError` naming the
path where the tangent does not fit its parameter (``x: expected shape (2,), got
(2, 2)``), else the tangent given the parameter's containers and a float dtype.
"""

import ast
import re

from .module_edit import fresh, insert_first, reassembled

_HELPER = "as_tangent"


def with_checked_tangents(emitted, wrt, user_params):
    """``emitted`` (a forward-mode module, before ``with_globals_check``) whose function
    checks the tangent of each parameter in ``wrt`` (module docstring).  The tangent
    parameters are the function's parameters that are not the user's
    (``user_params``), in the order of ``wrt``."""
    code = emitted.parts["code"]
    tree = ast.parse(code)
    func = next((s for s in tree.body if isinstance(s, ast.FunctionDef)
                 and s.name == emitted.function_name), None)
    if func is None or not func.body or user_params is None:
        return emitted
    params = [a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs]
    tangents = [p for p in params if p not in user_params]
    if len(tangents) != len(wrt) or not set(wrt) <= set(params):
        return emitted   # (not the signature this pass knows: left as it is)
    used = set(emitted.bindings) | set(re.findall(r"\w+", code))
    name = fresh(_HELPER, used)
    what = f"the tangent given to {emitted.function_name}"
    checks = [f"{t} = {name}({t}, {w}, {w!r}, {what!r})" for t, w in zip(tangents, wrt)]
    lines = code.splitlines(keepends=True)
    note = ("# each tangent checked against its parameter, as s2sad.jvp does: a TangentError\n"
            "# naming where it does not fit (its shape, its containers)")
    insert_first(lines, func, note.split("\n") + checks)
    return reassembled(emitted, lines, {name: _HELPER})
