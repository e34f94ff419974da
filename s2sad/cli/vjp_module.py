"""The vjp module the CLI writes (``--flavor vjp``) made as safe as ``s2sad.vjp``.

The generated ``f_vjp(x, W)`` returns a pullback that is a closure over its forward
sweep: run on the caller's own arrays, it would read them as they are when it runs, and
after an optimizer's step (``x -= lr * g``) mix old tape values with new arrays.  So the
module's function starts with a call of ``runtime.vjp_copies`` (the arrays copied, the
same array given twice copied once), or, where the function writes into an argument
(its generated code calls ``ensure_unshared``), of ``runtime.vjp_arguments``, which
passes as given an argument sharing memory with another or with a global (the run-time
check must see the sharing) and keeps a copy its pullback compares (``check_kept``);
it returns a copy of its output (``output_copy``), the pullback reading its own.  Where
the module reads the user's values (imported from the source's module), the forward sweep
notes them (``outside_values``) and the pullback raises where one was changed since
(``check_outside``).  The pullback checks its cotangent against the output, kept as
``output`` (``runtime.check_cotangent``: a CotangentError naming the path where it does
not fit, never a list read as a dict, a key left out taken as zero, or a raw
IndexError).  The API's ``vjp`` does the same at each call
(``runtime.arguments_kept``, ``runtime.outside_kept``, ``runtime.given``).
"""

import ast
import importlib
import re

from ..emit import _LIBRARY_ROOTS
from .module_edit import fresh as _fresh, insert_before as _insert_before, \
    insert_first as _insert_first, reassembled, replace as _replace

#: the runtime helpers the pass calls, by the name the runtime exports them under
_HELPERS = ("vjp_copies", "vjp_arguments", "check_kept", "output_copy", "outside_values",
            "check_outside", "check_cotangent", "argument_attributes")


def _is_user_module(value):
    """A module of the user's the written module imports (``import cfg as c``): the
    attributes its code reads (``c.SCALE``) are values read outside the arguments."""
    return type(value).__name__ == "module" and \
        value.__name__.partition(".")[0] not in _LIBRARY_ROOTS


def with_kept_arguments(emitted):
    """``emitted`` (a vjp module, before ``with_globals_check``) whose function runs on
    copies of its array arguments and returns a copy of its output (module docstring)."""
    # (numpy with it, only where a vjp module is written: --help starts quickly)
    runtime = importlib.import_module("s2sad.runtime")
    parts = emitted.parts
    code = parts["code"]
    tree = ast.parse(code)
    func = next(s for s in tree.body if isinstance(s, ast.FunctionDef)
                and s.name == emitted.function_name)
    params = [a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs]
    ret = func.body[-1]
    if not params or not (isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple)
                          and len(ret.value.elts) == 2
                          and isinstance(ret.value.elts[1], ast.Name)):
        return emitted
    pullback = next(s for s in func.body if isinstance(s, ast.FunctionDef)
                    and s.name == ret.value.elts[1].id)
    writes = any(obj is runtime.ensure_unshared for obj in emitted.bindings.values())
    used = set(emitted.bindings) | set(re.findall(r"\w+", code))
    names = {h: _fresh(h, used) for h in _HELPERS}
    kept, output = _fresh("kept", used), _fresh("output", used)
    user = emitted.function_name.rsplit('_', 1)[0]
    lines = code.splitlines(keepends=True)
    # (from the last line up: the line numbers above stay the ones ``ast`` gave)
    value = ret.value.elts[0]
    segment = ast.get_source_segment(code, value)
    _replace(lines, value, f"{names['output_copy']}({output})")
    _insert_before(lines, ret, [f"{output} = {segment}"])
    given = ", ".join(params)
    reads_user = any(line.strip() and not line.lstrip().startswith("#")
                     for line in parts["user"]) or any(
        _is_user_module(value) for value in emitted.bindings.values())
    # (an argument's attributes the code reads, self.W: constants, checked as globals are)
    attributes = [p for p in params if re.search(rf"\b{p}\.[A-Za-z]", code)]
    first_in_pullback = []
    if reads_user or attributes:
        noted = _fresh("outside", used)
        pairs = ", ".join(f"({p!r}, {p})" for p in attributes)
        also = f" + {names['argument_attributes']}(globals(), [{pairs}])" if attributes else ""
        _insert_before(lines, ret, [
            f"{noted} = {names['outside_values']}(globals(), ()){also}  # the user's values "
            f"read, as they are now"])
        first_in_pullback.append(
            f"{names['check_outside']}({noted}, {user!r})  # an error if one was changed since")
    if writes:
        first_in_pullback.append(
            f"{names['check_kept']}({kept})  # an error if an argument used as given "
            f"was changed since")
    first_in_pullback.extend(_cotangent_check(pullback, output, names["check_cotangent"], user))
    _insert_first(lines, pullback, first_in_pullback)
    if writes:
        call = f"{given}, {kept} = {names['vjp_arguments']}({func.name}, {given})"
        note = ("# the forward sweep reads copies of the arrays given (one sharing memory "
                "with another\n# argument or a global: as given, and the pullback checks "
                "it is unchanged), so the\n# pullback's gradients stay this call's when "
                "the caller changes its arrays in place")
    else:
        call = f"{given} = {names['vjp_copies']}({given})"
        note = ("# the forward sweep reads copies of the arrays given, so the pullback's "
                "gradients stay\n# this call's when the caller changes its arrays in place")
    _insert_first(lines, func, note.split("\n") + [call])
    taken = {names[h] for h in ("output_copy", "vjp_arguments" if writes else "vjp_copies",
                                "check_cotangent")}
    if writes:
        taken.add(names["check_kept"])
    if reads_user or attributes:
        taken |= {names["outside_values"], names["check_outside"]}
    if attributes:
        taken.add(names["argument_attributes"])
    return reassembled(emitted, lines, {name: helper for helper, name in names.items()
                                        if name in taken})


def _cotangent_check(pullback, output, helper, user):
    """The pullback's first line checking its cotangent (its parameter, or one per item
    of a tuple output) against the ``output`` it stands for, as ``s2sad.vjp``'s does: a
    CotangentError naming the path where it differs (a list for a dict output, a key
    left out, an item too few), else the cotangent given the output's containers."""
    params = [a.arg for a in pullback.args.args]
    if not params:
        return []
    given = params[0] if len(params) == 1 else f"({', '.join(params)})"
    return [f"{', '.join(params)} = {helper}({given}, {output}, 'output', {user!r})"
            f"  # a CotangentError where it does not fit"]
