"""What numba (0.68) cannot compile, found when the module is written, not at its first call.

* ``math`` functions numba has no implementation of (``math.cbrt``, ``math.log`` of two
  arguments, the integer functions ``factorial comb perm lcm isqrt``, ``isclose``...):
  each call in the generated text is refused, with the spelling numba compiles;
* the user's free values numba cannot take as arguments: a class it has no type for
  (``itertools.combinations``), an integer past int64
  (numba types it as a Python object), a dict or a set (numba takes only its own typed
  containers), an empty list or one mixing types, an array of objects, an instance of a
  class numba has no type for.  Numbers, strings, None, numpy arrays and scalars and
  tuples of them are checked in Python; only another kind of object is asked of
  ``numba.typeof`` (numba loaded for that, where it is installed).

Checking costs a walk over the text and the values (0.1 to 7 ms a module, measured on
the generated examples, under load); compiling the module at generation would cost numba's
compile (seconds) and need the arguments' types.
"""

import ast
import importlib
import types

from .numba_unbound import NUMPY, Refusal

_LOG_BASE = ("math.log(x) / math.log(base): numba 0.68 has no math.log of two arguments")
_CONSTANT = "compute it outside the function and pass the number as an argument"
#: math's functions numba 0.68 does not compile: what to write instead
UNCOMPILED_MATH = {
    "cbrt": "np.cbrt(x) (numba 0.68 has no math.cbrt; x ** (1/3) is nan for x < 0)",
    "factorial": _CONSTANT, "comb": _CONSTANT, "perm": _CONSTANT, "lcm": _CONSTANT,
    "isqrt": _CONSTANT, "isclose": "abs(a - b) <= tolerance, or " + _CONSTANT,
    "fmod": "np.fmod(x, y)", "remainder": _CONSTANT, "modf": _CONSTANT, "fsum": "sum",
    "prod": _CONSTANT, "dist": "math.hypot or np.linalg.norm", "ulp": _CONSTANT,
}


_MISSING = object()


def refuse_uncompiled(tree, user_names, reads, namespace):
    """Raise the :class:`Refusal` of what numba would fail on at the first call of the module
    ``tree``: a ``math`` function it has no implementation of, a value of the user's
    (``user_names`` bound in ``namespace``, the dotted ``reads``, the constants the
    module writes, which numba freezes) it cannot take."""
    found = math_refusal(tree) or print_refusal(tree) or shadowed_loop_refusal(tree) \
        or draw_refusal(tree)
    if found is not None:
        raise found
    namespace = namespace or {}
    values = {n: namespace[n] for n in user_names if n in namespace}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            try:
                values.setdefault(stmt.targets[0].id, ast.literal_eval(stmt.value))
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                pass
    for name, dotted in reads:   # ("module.attr": its value, where it resolves)
        root, *path = dotted.split(".")
        value = namespace.get(root, _MISSING)
        for attr in path:
            value = getattr(value, attr, _MISSING)
        if value is not _MISSING:
            values[name] = value
    found = values_refusal(tree, list(values), values) or library_reads_refusal(tree, namespace)
    if found is not None:
        raise found


#: libraries whose dotted reads (``np.sin``, ``math.pi``) numba compiles: any other
#: library's are checked (``sc.expit`` of ``import scipy.special as sc``)
_COMPILED_LIBRARIES = frozenset({"numpy", "math", "cmath", "numba", "s2sad", "builtins"})


def library_reads_refusal(tree, namespace):
    """The :class:`Refusal` of the first dotted read, in a function of ``tree``, of a value
    of a library numba does not compile (``sc.expit`` after ``import scipy.special as
    sc``: numba has no type for scipy's ufuncs), as the same value imported by name is
    refused (:func:`values_refusal`); None where there is none."""
    bound = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name.split(".")[0] not in _COMPILED_LIBRARIES:
                    bound[alias.asname or alias.name.split(".")[0]] = \
                        alias.name if alias.asname else alias.name.split(".")[0]
    if not bound:
        return None
    reads = []
    for func in (s for s in tree.body if isinstance(s, ast.FunctionDef)):
        for node in ast.walk(func):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load):
                chain = _dotted(node)
                if chain is not None and chain[0] in bound:
                    reads.append((node.lineno, node.col_offset, node, chain))
    for _, _, node, (root, *path) in sorted(reads, key=lambda r: r[:2]):
        value = (namespace or {}).get(root, _MISSING)
        if value is _MISSING:
            try:
                value = importlib.import_module(bound[root])
            except ImportError:
                continue
        for attr in path:
            value = getattr(value, attr, _MISSING)
        if value is _MISSING or isinstance(value, types.ModuleType):
            continue   # (a module itself: its attribute is read further out)
        problem = value_problem(value)
        if problem is None:
            continue
        dotted = ".".join([root] + path)
        refusal = Refusal(f"the value of {dotted!r}, {problem}", node,
                          f"compute what {dotted}(...) gives outside the function and pass it "
                          f"as an argument, or " + NUMPY if callable(value) else
                          f"pass {dotted} as an argument, or " + NUMPY)
        refusal.column_of = path[-1]
        return refusal
    return None


def _dotted(node):
    """``(root, attr, ...)`` of ``a.b.c`` read whole (not ``a.b`` of ``a.b.c``), or None."""
    attrs = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    return (node.id, *attrs[::-1]) if isinstance(node, ast.Name) else None


def math_refusal(tree):
    """The :class:`Refusal` of the first call of ``tree`` to a ``math`` function numba
    does not compile, or None."""
    modules, functions = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name == "math"}
        elif isinstance(node, ast.ImportFrom) and node.module == "math":
            functions.update({a.asname or a.name: a.name for a in node.names})
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)),
                   key=lambda n: (n.lineno, n.col_offset))
    for call in calls:
        name = None
        if isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name) \
                and call.func.value.id in modules:
            name = call.func.attr
        elif isinstance(call.func, ast.Name) and call.func.id in functions:
            name = functions[call.func.id]
        if name == "log" and len(call.args) + len(call.keywords) > 1:
            return _at(Refusal("math.log(x, base), which numba does not compile", call,
                               f"write {_LOG_BASE}; or " + NUMPY), "log")
        if name in UNCOMPILED_MATH:
            advice = UNCOMPILED_MATH[name]
            advice = advice if advice == _CONSTANT else f"write {advice}"
            return _at(Refusal(f"math.{name}, which numba does not compile", call,
                               f"{advice}; or " + NUMPY), name)
    return None


def print_refusal(tree):
    """The :class:`Refusal` of the first ``print(...)`` statement of ``tree`` (the user's,
    run for its effect): numba prints to its own stream, which ``sys.stdout`` does not
    see, and a compiled call that fails is run again by the numpy code, printing twice."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "print":
            return _at(Refusal("print(...): numba prints to its own stream, not to "
                               "sys.stdout, and a compiled call that fails runs again in "
                               "numpy", node, NUMPY), "print")
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Attribute) \
                and node.value.func.attr in _LOGGING_CALLS:
            # (generated code discards no other call of these names: the user's
            # log.info(...), logging.warning(...), warnings.warn(...))
            name = node.value.func.attr
            return _at(Refusal(f"a call that logs or warns, .{name}(...): numba compiles "
                               f"no call of Python's logging or warnings", node, NUMPY), name)
    return None


def draw_refusal(tree):
    """The :class:`Refusal` of the first call of ``tree`` to ``np.random``'s or
    ``random``'s functions: numba compiles them with generators of its own, which
    ``np.random.seed`` and ``random.seed`` do not seed and s2sad cannot put back between
    the columns of a Hessian (``api.draws``), so the draws would not be Python's."""
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {(a.asname or a.name, a.name) for a in node.names
                        if a.name in ("numpy", "random", "numpy.random")}
        elif isinstance(node, ast.ImportFrom) and node.module == "numpy":
            modules |= {(a.asname or a.name, "numpy.random") for a in node.names
                        if a.name == "random"}
    if not modules:
        return None
    roots = dict(modules)
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)),
                   key=lambda n: (n.lineno, n.col_offset))
    for call in calls:
        chain = _dotted(call.func) if isinstance(call.func, ast.Attribute) else None
        module = roots.get(chain[0]) if chain else None
        if module is None or module == "numpy" and (len(chain) < 3 or chain[1] != "random"):
            continue
        spelled = ".".join(chain)
        return _at(Refusal(f"a random draw, {spelled}(...): numba draws from a generator of "
                           f"its own, which np.random.seed and random.seed do not seed, so "
                           f"its draws would not be the ones your function makes", call,
                           NUMPY), chain[-1])
    return None


def shadowed_loop_refusal(tree):
    """The :class:`Refusal` of the first loop of s2sad's own over ``range`` or
    ``reversed`` imported under another name (``from builtins import range as
    s2sad_range``: the user's function has a ``range`` of its own, see
    ``emit_shadowed``): the numba target writes those loops anew by their names."""
    aliased = {a.asname: a.name for stmt in tree.body if isinstance(stmt, ast.ImportFrom)
               and stmt.module == "builtins" for a in stmt.names
               if a.name in ("range", "reversed") and a.asname}
    for node in ast.walk(tree) if aliased else ():
        if isinstance(node, ast.Name) and node.id in aliased:
            name = aliased[node.id]
            return Refusal(f"a loop over {name}(...) beside the function's own `{name}` (a "
                           f"parameter, local or global of that name, not the builtin)", node,
                           f"give the function's `{name}` another name, or {NUMPY}")
    return None


#: the methods a call run for its effect that logs or warns is spelled with
#: (``syntax.normalize.effects.LOG_METHODS``)
_LOGGING_CALLS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                            "critical", "fatal", "log"})


def _at(refusal, name):
    refusal.column_of = name   # (the user's line is shown at that name)
    return refusal


_INT64 = (-2 ** 63, 2 ** 63 - 1)


def value_problem(value):
    """What ``value`` is where numba cannot take it as an argument, or None."""
    if value is None or isinstance(value, (bool, float, complex, str)):
        return None
    if isinstance(value, int):
        if _INT64[0] <= value <= _INT64[1]:
            return None
        return "an integer past int64's range, which numba types as a Python object"
    if isinstance(value, dict):
        return "a dict (numba takes only its own typed dicts)"
    if isinstance(value, (set, frozenset)):
        return "a set"
    if isinstance(value, tuple):
        return next((p for p in map(value_problem, value) if p is not None), None)
    if isinstance(value, list):
        if not value:
            return "an empty list, whose items numba cannot type"
        if len({type(v) for v in value}) > 1:
            return "a list of items of several types"
        return next((p for p in map(value_problem, value) if p is not None), None)
    if type(value).__module__ == "numpy" and hasattr(value, "dtype"):
        if value.dtype.kind == "O":
            return "an array of Python objects"
        return None
    if isinstance(value, type) and value.__module__ != "builtins":
        return _class_problem(value)
    if type(value).__name__ == "ufunc" and type(value).__module__ == "numpy":
        # numpy's own ufuncs numba knows; another library's (scipy.special.gammaln) it
        # cannot take as an argument
        try:
            importlib.import_module("numba").typeof(value)
        except ImportError:
            return None
        except (ValueError, TypeError):
            return (f"{getattr(value, '__name__', 'a ufunc')}, a ufunc of a library numba "
                    f"does not compile (not one of numpy's own)")
        return None
    if callable(value) or isinstance(value, (type, types.ModuleType)):
        return None   # (functions: numba's dispatchers, or refused where they are called)
    try:
        numba = importlib.import_module("numba")
    except ImportError:
        return None   # (numba decides, where the module runs)
    try:
        typed = numba.typeof(value)
    except (ValueError, TypeError):
        return f"a {type(value).__name__} object, which numba has no type for"
    if isinstance(typed, numba.types.PyObject) or str(typed) == "pyobject":
        return f"a {type(value).__name__} object, which numba has no type for"
    return None


def _class_problem(cls):
    """What a class read by the generated code is where numba has no type for it
    (``itertools.combinations``, ``collections.deque``, a class of the user's), or None
    (``np.float64``: numba calls it)."""
    try:
        numba = importlib.import_module("numba")
    except ImportError:
        return None
    try:
        numba.typeof(cls)
    except (ValueError, TypeError):
        return (f"the class {cls.__module__}.{cls.__qualname__}, which numba cannot call "
                f"(it compiles no iterator of itertools, no class of the standard library "
                f"or of the user's)")
    return None


def values_refusal(tree, names, namespace):
    """The :class:`Refusal` of the first of the user's values ``names`` (bound in
    ``namespace``) numba cannot take, at its first read in a function, or None."""
    if not namespace:
        return None
    for name in names:
        if name not in namespace:
            continue
        node = _first_read(tree, name)
        if node is None:   # (read by no function numba compiles)
            continue
        problem = value_problem(namespace[name])
        if problem is None:
            continue
        if isinstance(namespace[name], type):
            cls = namespace[name].__name__
            refusal = Refusal(f"the value of {name!r}, {problem}", node,
                              f"make what {cls}(...) gives outside the function and pass "
                              f"it as an array argument (pairs = np.array(list(itertools."
                              f"combinations(range(n), 2))) for a loop over index pairs), "
                              f"or " + NUMPY)
            refusal.column_of = name
            return refusal
        todo = (f"compute what {name}(...) gives outside the function and pass it as an "
                f"argument, or " + NUMPY) if callable(namespace[name]) else \
            (f"make {name} a number, an array or a tuple of them (an int within "
             f"int64, a float for a larger one; arrays instead of dicts), pass it "
             f"as an argument, or " + NUMPY)
        refusal = Refusal(f"the value of {name!r}, {problem}", node, todo)
        refusal.column_of = name
        return refusal
    return None


def _first_read(tree, name):
    found = None
    for func in (s for s in tree.body if isinstance(s, ast.FunctionDef)):
        for node in ast.walk(func):
            if isinstance(node, ast.Name) and node.id == name and \
                    isinstance(node.ctx, ast.Load) and \
                    (found is None or node.lineno < found.lineno):
                found = node
        if found is not None:
            return found
    return found
