"""The refusal of a call whose callee is no name s2sad can resolve: a function taken
out of a container (``POT[k](r)``), one another call returns (``np.vectorize(f)(x)``,
``make(2.0)(x)``), a lambda called where it is written.  Each says what is called and
what to write instead: for a global dict or list of functions, the ``if``/``elif`` that
calls each by its name (a name bound to ``POT[k]`` is refused the same way)."""

import gast

from .. import printer

#: how many of a container's functions the hint spells out
_SHOWN = 3


def unnamed_call_error(norm, node, func):
    """The located error of the call ``node`` of the expression ``func``."""
    if isinstance(func, gast.Subscript):
        return norm.error(
            f"a call of a function taken out of a container ({_text(func)}(...)) is not "
            f"supported: s2sad differentiates calls of functions it can name (a name bound "
            f"to {_text(func)} first is refused too)", node, hint=_choice_hint(norm, node, func))
    if isinstance(func, gast.Call):
        maker = _resolved(norm, func.func)
        if getattr(maker, "__name__", "") in ("vectorize", "frompyfunc") \
                and str(getattr(maker, "__module__", "")).startswith("numpy"):
            return norm.error(
                f"np.{maker.__name__}(...)(...) calls a Python function once per element, "
                f"which s2sad does not differentiate", node,
                hint="write the function with numpy's elementwise operations on the whole "
                     "array (np.where(condition, a, b) for an if, np.maximum, np.abs...): "
                     "numpy applies them to every element, and s2sad differentiates them")
        made = getattr(maker, "__name__", "") == "partial" \
            and getattr(maker, "__module__", "") == "functools"
        return norm.error(
            f"calling the function that {_text(func)} returns is not supported: s2sad "
            f"differentiates calls of functions it can name", node,
            hint=f"bind it to a name in the function (p = {_text(func)}) and call p(...) or "
                 f"read map(p, xs) whole" if made else
            f"bind it to a name at module level (model = {_text(func)}, outside the "
            f"function) and call model(...) in the function")
    if isinstance(func, gast.Lambda):
        return norm.error("a lambda called where it is written is not supported", node,
                          hint="write its expression in place, the arguments substituted, or "
                               "define it with def at module level and call it by that name")
    if isinstance(func, gast.IfExp):
        return norm.error(
            f"calling the function a conditional expression chooses ({_text(func)}) is not "
            f"supported: s2sad differentiates calls of functions it can name", node,
            hint="call each function by its name in an if/else statement")
    return norm.error(f"calling {_text(func)} is not supported: s2sad differentiates calls of "
                      f"functions it can name", node,
                      hint="call a function defined with def (or imported) by its name")


def _text(expr):
    try:
        return printer.expr(expr, 0)
    except printer.Unprintable:   # (an expression the printer does not spell)
        return "an expression"


def _resolved(norm, expr):
    """The object a global name or dotted path ``expr`` names, or None."""
    names = norm.module_names
    if names.global_path(expr) is None:
        return None
    if isinstance(expr, gast.Name):
        return norm.parsed.resolve(expr.id, None)
    return names.resolve_path(expr)


def _choice_hint(norm, node, func):
    """An ``if``/``elif`` on the key calling each function by its name, spelled from the
    container when it is a global dict, list or tuple of functions the function's module
    names; else in words."""
    general = ("choose the function with if/elif on the key and call each by its name "
               "(if key == ...: v = f(...) elif ...: v = g(...))")
    table = _resolved(norm, func.value)
    if isinstance(table, dict):
        entries = list(table.items())
    elif isinstance(table, (list, tuple)):
        entries = list(enumerate(table))
    else:
        return general
    named = [(key, value.__name__) for key, value in entries
             if callable(value) and norm.parsed.resolve(getattr(value, "__name__", ""), None)
             is value]
    if not named or len(named) != len(entries):
        return general
    key = _text(func.slice)
    try:
        arguments = ", ".join(printer.expr(a, 0) for a in node.args)
    except printer.Unprintable:
        arguments = "..."
    if node.keywords:
        arguments = "..."
    branches = [f"{'if' if i == 0 else 'elif'} {key} == {k!r}: v = {name}({arguments})"
                for i, (k, name) in enumerate(named[:_SHOWN])]
    more = " elif ..." if len(named) > _SHOWN else ""
    return ("choose the function with if/elif and call each by its name: "
            + " ".join(branches) + more)
