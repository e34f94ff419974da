"""The words of ``backend="numba"``'s fallback warnings (``api.numba_backend``): numba's
compile errors read as the construct they are about, a parameter or a global of the user's
numba cannot take, a variable numba types two ways (the user's, or s2sad's own tangent or
adjoint), a runtime helper's call numba's version does not take, each named at the user's
line, without numba's paths and addresses; and the filter keeping numba's deprecation of
the reflected lists s2sad passes it from the user, and its pedantic IR warnings about the
runtime's own closures.
"""

import importlib
import inspect
import os
import re
import warnings

def user_place(entry, lines, lineno, func):
    """``file, line N: code`` of the user's source for the generated line ``lineno``;
    through the reverse code a second-order module was made from."""
    from ..backends.numba_target import user_line
    where = user_line(lines, lineno)
    found = re.match(r"line (\d+) of the generated \w+", where or "")
    if found and entry.depends_on is not None:
        where = user_line(entry.depends_on.text.splitlines(), int(found.group(1))) or where
    try:
        path = inspect.getsourcefile(func) or "?"
    except TypeError:
        path = "?"
    return f"{path}, {where}" if where else path


#: what to do where numba fails on a construct of s2sad's own code, not on the user's types
_OWN_LIMITATION = ("this is a limitation of s2sad's numba target, not of your code's types: "
                   "use backend='numpy' for this function (the numpy code runs, and is right)")


_OPTIONAL_VALUE = ("a value saved from a branch that may not run (None where it did not), "
                   "which numba types as optional")


#: numba's messages about s2sad's generated code, not the user's values: what each means
_OWN_ERRORS = (
    (re.compile(r"Variable '(\w+)' is not defined"),
     "a name ({}) it reads before numba sees it assigned"),
    (re.compile(r"Cannot capture the non-constant value associated with variable '(\w+)'"),
     "the global {} it reads, which numba cannot freeze as a constant"),
    (re.compile(r"Untyped global name '(\w+)'"), "the global {} it reads, which numba cannot type"),
    (re.compile(r"(OptionalType\(|Optional\()"), _OPTIONAL_VALUE),
    (re.compile(r"BoundFunction\(list\.append for list\([^\n]*\n(?:.*\n)*?\s*"
                r"(\w+_tape(?:_\d+)?)\.append\("),
     "the tape {} of the values it saves: one list, which numba types by the first value "
     "it is given, here given values of another type"),
    (re.compile(r"No implementation of function Function\(<function (\w+) at 0x[0-9a-fA-F]+>\)"),
     "its runtime helper {} (s2sad.backends.numba_runtime), whose numba version does not "
     "take these argument types"),
    (re.compile(r">>> getitem\((range_state\w*)"),
     "an item of a range ({}: its reversed() lowered to positions), which numba cannot index"),
)


_HELPER = "its runtime helper"


_HELPER_TODO = ("the numba runtime has no version of it for these argument types: use "
                "backend='numpy' for this function (the numpy code runs, and is right)")


def own_construct(message, user_names=()):
    """The construct of s2sad's own generated code numba's ``message`` is about (its
    reading), or None where it is about the user's values (a global of the user's,
    ``user_names``, that numba cannot type is the user's)."""
    for pattern, what in _OWN_ERRORS:
        found = pattern.search(message)
        if found is not None and what.startswith(_HELPER):
            from ..backends.numba_target import numba_runtime_names
            if found.group(1) not in numba_runtime_names():
                continue   # (a function of the user's)
            call = re.search(rf">>> ({re.escape(found.group(1))}\(.*\))", message)
            return what.format(repr(found.group(1))) + (f": {call.group(1)}" if call else "")
        if found is not None and not (what.startswith("the global")
                                      and found.group(1) in user_names):
            return what.format(repr(found.group(1))) if "{}" in what else what
    return None


UNIFY = re.compile(r"Cannot unify (.+?) and (.+?) for '(\w+)(?:\.\d+)?', defined at (.+?) "
                    r"\((\d+)\)")


def two_types(found, entry, lines, func, place):
    """The fallback's ``(what, todo)`` where numba gives a variable two types (``found``:
    numba's "Cannot unify A and B for 'v.2', defined at FILE (N)"): a variable of the
    user's is named at its assignments, with what to pass instead of a 0-d array; a name
    of s2sad's own code (a tangent, an adjoint) is named as s2sad's."""
    first, second, name, lineno = found.group(1), found.group(2), found.group(3), \
        int(found.group(5))
    types = f"{first} on one path and {second} on another"
    try:
        source, start = inspect.getsourcelines(func)
    except (OSError, TypeError):
        source, start = [], 0
    user = name
    while user and not _assigns(source, user):
        stripped = re.sub(r"_\d+$", "", user)
        user = stripped if stripped != user else None
    zero_d = "0d" in first or "0d" in second
    if user is None:
        generated = user_place(entry, lines, lineno, func)
        role = "the tangent" if re.search(r"_dot(_\d+)?$", name) else \
            "the adjoint" if re.search(r"_bar(_\d+)?$", name) else "the value"
        return (f"numba cannot compile the code s2sad generates for {role} {name!r}, "
                f"{types} ({generated or place}), where numba gives a variable one type",
                _OWN_LIMITATION + ("; or pass a number where you pass a 0-d array "
                                   "(float(a) for np.array(0.7)), which numba compiles"
                                   if zero_d else ""))
    at = [f"line {start + k}: {line.strip()}" for k, line in enumerate(source)
          if _assigns([line], user)]
    todo = ("pass a number where you pass a 0-d array (float(a) for np.array(0.7)): numba "
            "computes a 0-d array's arithmetic as numbers" if zero_d else
            "give it values of one type on every path (an array on each, or a number "
            "on each)")
    return (f"numba gives each variable one type, and your variable {user!r} is {types} "
            f"({inspect_path(func)}, {'; '.join(at[:3]) or place})",
            todo + ", or use backend='numpy' for this function")


def _assigns(source, name):
    """Whether a line of ``source`` assigns ``name`` (a target, a loop's, a parameter)."""
    n = re.escape(name)
    pattern = re.compile(rf"^\s*(\w+\s*,\s*)*{n}\s*(,\s*\w+\s*)*(=(?!=)|[-+*/%@]=)"
                         rf"|^\s*for\s+(\w+\s*,\s*)*{n}\b[\w\s,]*\bin\b"
                         rf"|^\s*def \w+\(.*\b{n}\b")
    return any(pattern.search(line) for line in source)


def reflected(args, names, namespace):
    """Whether the compiled code is passed a list (an argument, or a free value of the
    user's), which numba types as a "reflected list"."""
    for value in args:
        if value.__class__ is list:
            return True
    for name in names:
        if namespace[name].__class__ is list:
            return True
    return False


def reflected_filter(module):
    """A function calling ``call(*values)`` (numba's dispatcher) under a warnings filter
    of numba's ``NumbaPendingDeprecationWarning`` about the reflected list s2sad passes it (the user's list argument, given to the
    generated function as it is, then to the runtime's overloads and numba's own
    implementations, closures named ``outer.<locals>.inner``): s2sad's choice, not
    the user's code; numba's other warnings, and this one about a top-level function
    not of ``module`` (the user's own njit functions), pass."""
    category = importlib.import_module("numba.core.errors").NumbaPendingDeprecationWarning
    functions = sorted(n for n, v in vars(module).items() if hasattr(v, "py_func"))
    names = "|".join([re.escape(n) for n in functions] + [r"[\w.]*<locals>\.impl", "impl",
                                                         r"[\w.]*<locals>\.[\w<>]+", "<lambda>"])
    pattern = (r"(?s)(\x1b\[[0-9;]*m|\s)*Encountered the use of a type that is scheduled "
               r"for deprecation: type 'reflected (list|set)' found for argument '\w+' of "
               rf"function '({names})'")

    def quiet(call, *values):   # (at a first call, the compile's; at any, a list passed)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", pattern, category)
            runtime_ir_filter()
            return call(*values)
    return quiet


def runtime_ir_filter():
    """Ignore numba's ``NumbaIRAssumptionWarning`` about a variable of a closure of the
    numba runtime's own helpers (``tie_mask.<locals>.<lambda>``, which numba names
    ``_tie_mask__locals___lambda__...``): a pedantic check of numba's about s2sad's code,
    not the user's; the warning about any other code passes."""
    from ..backends.numba_target import numba_runtime_names
    category = importlib.import_module("numba.core.errors").NumbaIRAssumptionWarning
    names = "|".join(sorted(map(re.escape, numba_runtime_names())))
    warnings.filterwarnings("ignore", rf"(?s)(\x1b\[[0-9;]*m|\s)*variable '_({names})"
                                      rf"__locals__\w*(\.\d+)?' is not in scope", category)


_UNTYPED_ARGUMENT = re.compile(r"- argument (\d+): Cannot determine Numba type of (.+)")


_TYPING_AT = re.compile(r"typing of argument at (.+?) \((\d+)\)")


def _parameters(func):
    """The names of ``func``'s parameters (empty where it has no signature)."""
    try:
        return list(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return []


_KINDS = {
    "<class 'dict'>": ("a Python dict, which numba takes as no argument",
                       "pass each of its values as a parameter of its own (a number or an "
                       "array: one parameter per key of {name!r})"),
    "<class 'list'>": ("a list numba cannot type (empty, or of values of several types)",
                       "pass an array, or a tuple of its values"),
    "<class 'set'>": ("a set, which numba takes as no argument",
                      "pass an array of its values"),
}


def untyped_message(argument, construct, func, free_names):
    """The fallback's ``(what, todo)`` for an ``argument`` (``_untyped_argument``) of
    the compiled function numba cannot type: a parameter of the user's function (or its
    tangent), or a value the code reads from the user's globals (``free_names``)."""
    name, kind, where = argument
    what_kind, todo = _KINDS.get(kind, (f"a value numba cannot type: {kind}",
                                        "pass numbers, arrays, or tuples of them"))
    params = _parameters(func)
    base = re.sub(r"_(dot|bar)$", "", name)
    if name in params or (name not in free_names and base in params):
        where = _defined_at(func, where)
        role = f"the parameter {name!r}" if name in params else \
            f"the tangent {name!r} of the parameter {base!r}"
        return (f"numba cannot take {role} of {func.__name__} ({what_kind}; {where}), "
                f"which the compiled code is passed ({construct})",
                todo.format(name=base) + ", or use backend='numpy' for this function")
    return (f"numba cannot take {name!r} ({what_kind}), the value of the global {name!r} "
            f"your code reads ({where}), which the compiled code is passed ({construct})",
            f"numba takes numbers, arrays and the numpy functions it knows: compute what "
            f"{name!r} gives outside the function and pass it as an argument, or use "
            f"backend='numpy' for this function")


def _defined_at(func, where):
    """``file, line N: def f(...)`` of ``func``'s ``def`` line; ``where`` where it has none."""
    try:
        source, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        return where
    for k, line in enumerate(source):
        if line.lstrip().startswith(("def ", "async def ")):
            return f"{inspect_path(func)}, line {first + k}: {line.strip()}"
    return where


def untyped_argument(message, module, func):
    """``(name, what numba says it is, the user's file and line reading it)`` where
    numba's ``message`` says it cannot type an argument of the compiled function (one
    of the user's free values passed to it), else None."""
    found, at = _UNTYPED_ARGUMENT.search(message), _TYPING_AT.search(message)
    if found is None or at is None or os.path.abspath(at.group(1)) != os.path.abspath(
            getattr(module, "__file__", "") or ""):
        return None
    with open(module.__file__, encoding="utf-8") as handle:
        text = handle.read().splitlines()
    header = " ".join(text[int(at.group(2)) - 1:int(at.group(2)) + 40])
    params = re.search(r"def \w+\((.*?)\)\s*:", header)
    if params is None:
        return None
    names = [p.strip().split("=")[0].strip() for p in params.group(1).split(",")]
    index = int(found.group(1))
    if not 0 <= index < len(names) or not names[index].isidentifier():
        return None
    name = names[index]
    where = inspect_path(func)
    try:
        source, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        source, first = [], 0
    for k, line in enumerate(source):
        if re.search(rf"\b{re.escape(name)}\b", line) and k > 0:
            where = f"{where}, line {first + k}: {line.strip()}"
            break
    return name, found.group(2).strip(), where


def inspect_path(func):
    try:
        return inspect.getsourcefile(func) or "?"
    except TypeError:
        return "?"
