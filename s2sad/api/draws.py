"""Random draws across the runs of one derivative call.

``hessian`` and a forward-mode ``jacobian`` run the function's code once per
column.  A function that draws (``np.random.normal``, ``RNG.standard_normal`` of a
numpy ``Generator``, ``random.gauss``) would draw anew in each run, each column
belonging to another call of the function: the derivative of no call at all.

:func:`saved_states` takes the states s2sad can put back (every ``Generator``,
``RandomState`` and ``random.Random`` the function reaches through its arguments,
globals, closure cells and defaults, or those of a function of the user's it calls,
and numpy's and ``random``'s global generators where it reads ``np.random``,
``random`` or a draw function imported by name) before the first run; ``restore()``
puts them back before each later run, so every run draws what the first drew, and
after the call they are as one call of the function leaves them.

:func:`unrestorable_draw` finds what the function draws from that s2sad cannot put
back: ``next`` of an iterator the function does not make itself, a method of an
object of the user's that writes into the object, a generator seeded from the
system's entropy (``np.random.default_rng()``); a transform running the code more
than once refuses it (:func:`refuse_unrestorable`), located.
"""

import ast
import builtins
import functools
import inspect
import linecache
import random
import textwrap
import types

import numpy as np

from ..errors import DifferentRunsError, SourceLocation, UnsupportedSyntaxError
from ..runtime.duck import is_duck
from ..syntax import anno
from ..syntax.source import is_user_function

#: the generators whose state s2sad saves and puts back
GENERATORS = (np.random.Generator, np.random.RandomState, random.Random)

#: constructors that, called without a seed, draw the system's entropy
_ENTROPY = (np.random.default_rng, np.random.RandomState, random.Random, np.random.seed,
            random.seed)

_LEAVES = (int, float, complex, str, bytes, bool, np.ndarray, np.generic, type(None))


class _Global:
    """A module's global generator (numpy's legacy one, ``random``'s) seen through its
    module's ``get_state``/``getstate`` and ``set_state``/``setstate``."""

    def __init__(self, get, put):
        self.getstate, self.setstate = get, put


_NUMPY = _Global(np.random.get_state, np.random.set_state)
_PYTHON = _Global(random.getstate, random.setstate)


def _get(gen):
    if isinstance(gen, np.random.Generator):
        return gen.bit_generator.state
    return gen.get_state() if isinstance(gen, np.random.RandomState) else gen.getstate()


def _set(gen, state):
    if isinstance(gen, np.random.Generator):
        gen.bit_generator.state = state
    elif isinstance(gen, np.random.RandomState):
        gen.set_state(state)
    else:
        gen.setstate(state)


class SavedStates:
    """The states of random generators at one moment; ``restore()`` puts them back."""

    def __init__(self, generators):
        self.saved = [(g, _get(g)) for g in generators]

    def restore(self):
        for owner, state in self.saved:
            _set(owner, state)


def saved_states(func, args, functions=None):
    """The states of the generators ``func`` reaches (module docstring), taken now:
    numpy's and ``random``'s global ones where it (or a function of the user's it
    calls) reads the module ``random``, ``np.random`` or a draw function imported by
    name."""
    found = {}
    for value in args:
        _collect(value, found, 2)
    for fn in _functions(func) if functions is None else functions:
        names = _names(fn.__code__)
        for value in _free_values(fn):
            if value is random or value is np.random \
                    or value is np and "random" in names:
                found.setdefault(id(value), _PYTHON if value is random else _NUMPY)
            _collect(value, found, 1)
    return SavedStates(list(found.values()))


def _collect(value, found, depth):
    """Add the generators in ``value`` (itself, the object of its bound method, or
    items of a list, tuple or dict down to ``depth`` levels) to ``found`` (by id)."""
    owner = getattr(value, "__self__", None)
    if isinstance(owner, GENERATORS):   # (from random import gauss: random's own)
        value = owner
    if isinstance(value, GENERATORS):
        found.setdefault(id(value), value)
    elif depth and isinstance(value, (list, tuple)):
        for item in value:
            _collect(item, found, depth - 1)
    elif depth and isinstance(value, dict):
        for item in value.values():
            _collect(item, found, depth - 1)


def _names(code):
    """The global names and attribute names ``code`` (and the code it nests) reads."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _free_values(fn):
    """The values ``fn`` reads from outside: its globals (and those names' attributes
    of a module it reads), closure cells and defaults."""
    names = _names(fn.__code__)
    values = [fn.__globals__[n] for n in sorted(names) if n in fn.__globals__]
    values += [getattr(m, n, None) for m in list(values) if inspect.ismodule(m)
               and m is not np and m is not random for n in sorted(names)]
    for cell in fn.__closure__ or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:   # (an empty cell)
            pass
    values += list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
    return values


def functions_of(func):
    """The functions whose draws a run of ``func`` makes (see ``_functions``)."""
    return _functions(func)


def _functions(func, entries=None):
    """``func`` and the functions of the user's it reaches by name, closure or
    default (a derivative given to a transform: the function it differentiates).  The
    ids of those called with ``func``'s arguments (``func``, the function a derivative
    differentiates, what s2sad's code calling it calls) go into the set ``entries``."""
    todo, seen, out = [(func, True)], set(), []
    while todo:
        fn, entry = todo.pop()
        if isinstance(fn, functools.partial):
            todo.append((fn.func, entry))
            continue
        fn = inspect.unwrap(fn) if hasattr(fn, "__wrapped__") else fn
        if not isinstance(fn, types.FunctionType) or id(fn) in seen:
            continue
        seen.add(id(fn))
        inner = getattr(fn, anno.GRADIENT_OF, None)
        if anno.COMPOSE in fn.__dict__ or inner is not None:   # (an API derivative)
            todo += [(c.cell_contents, entry) for c in fn.__closure__ or () if _filled(c)]
            todo += [(inner[0], entry)] if isinstance(inner, tuple) else []
            continue
        own = fn.__code__.co_filename.startswith("<s2sad")
        if not is_user_function(fn) and not own:
            continue   # (a library's: numpy's, logging's...)
        out.append(fn)
        if entry and entries is not None:
            entries.add(id(fn))
        todo += [(v, entry and own) for v in _free_values(fn)
                 if callable(v) and not inspect.isclass(v)]
    return out


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def unrestorable_draw(func, functions=None):
    """``(what, location)`` of the first call ``func`` (or a function of the user's it
    calls) makes whose result depends on a state s2sad cannot put back (module
    docstring), or None."""
    entries = set()
    reached = _functions(func, entries)
    for fn in reached if functions is None else functions:
        # (the parameters of ``func`` and of what it differentiates come from outside,
        # the same objects every run; a helper's may hold what ``func`` makes anew)
        found = _scan(fn, id(fn) in entries)
        if found is not None:
            return found
    return None


#: {code object: (source lines, first line, local names, the parameters the body never
#: binds again, the calls to look at) or None}: read once per function
_PARSED = {}


def _parsed(fn):
    code = fn.__code__
    if code not in _PARSED:
        if len(_PARSED) > 256:
            _PARSED.clear()
        try:
            lines, first = inspect.getsourcelines(fn)
            tree = ast.parse(textwrap.dedent("".join(lines)))
        except (OSError, TypeError, SyntaxError):
            _PARSED[code] = None
            return None
        node = tree.body[0] if tree.body else None
        walked = list(ast.walk(node)) if node is not None else []
        bound = {n.id for n in walked if isinstance(n, ast.Name)
                 and not isinstance(n.ctx, ast.Load)}
        params = {a.arg for a in node.args.args + node.args.posonlyargs
                  + node.args.kwonlyargs} if isinstance(node, ast.FunctionDef) else set()
        local = {a.arg for a in walked if isinstance(a, ast.arg)} | bound
        # (the calls that may read a state: a method, next(...), a call without a seed)
        calls = [n for n in walked if isinstance(n, ast.Call) and (
            isinstance(n.func, ast.Attribute) or isinstance(n.func, ast.Name) and (
                n.func.id == "next" or len(n.args) < 2 and not n.keywords))]
        _PARSED[code] = lines, first, local, params - bound, calls
    return _PARSED[code]


def _scan(fn, outermost):
    parsed = _parsed(fn)
    if parsed is None:
        return None
    lines, first, local, given, calls = parsed
    indent = len(lines[0]) - len(lines[0].lstrip())

    def lookup(name):
        if outermost and name in given:
            return _GIVEN
        if name in local:
            return _MISSING
        code = fn.__code__
        if name in code.co_freevars and fn.__closure__:
            cell = fn.__closure__[code.co_freevars.index(name)]
            return cell.cell_contents if _filled(cell) else _MISSING
        if name in fn.__globals__:
            return fn.__globals__[name]
        return getattr(builtins, name, _MISSING)

    for call in calls:
        what = _unrestorable(call, lookup)
        if what is not None:
            line = first + call.lineno - 1
            code = lines[call.lineno - 1] if call.lineno <= len(lines) else ""
            return what, SourceLocation(fn.__code__.co_filename, line,
                                        call.col_offset + indent + 1, code)
    return None


_MISSING = object()
#: a parameter of the function differentiated that its body never binds again: its value
#: comes from the caller, the same object in every run
_GIVEN = object()


def _path_value(node, lookup):
    """The value a name or attribute path ``node`` of free names denotes now, or
    ``_MISSING``."""
    if isinstance(node, ast.Name):
        return lookup(node.id)
    if isinstance(node, ast.Attribute):
        owner = _path_value(node.value, lookup)
        return _MISSING if owner is _MISSING or owner is _GIVEN \
            else getattr(owner, node.attr, _MISSING)
    return _MISSING


def _unrestorable(call, lookup):
    """Words for ``call`` when its result depends on a state s2sad cannot put back."""
    callee = _path_value(call.func, lookup)
    spelled = _Spelled(call.func)
    if callee is builtins.next and call.args:
        source = _path_value(call.args[0], lookup)
        if source is not _MISSING and not isinstance(source, GENERATORS):
            return f"next({ast.unparse(call.args[0])}), an iterator each call advances"
    if any(callee is c for c in _ENTROPY) and not call.args and not call.keywords \
            or any(callee is c for c in _ENTROPY) and len(call.args) == 1 \
            and isinstance(call.args[0], ast.Constant) and call.args[0].value is None:
        return f"{spelled}(), seeded from the system's entropy anew each run"
    if not isinstance(call.func, ast.Attribute):
        return None
    owner = _path_value(call.func.value, lookup)
    if owner is _MISSING or isinstance(owner, GENERATORS + _LEAVES) or inspect.ismodule(
            owner) or inspect.isclass(owner) or isinstance(owner, (list, tuple, dict, set)):
        return None
    if call.func.attr == "__next__":
        return f"{spelled}(), an iterator each call advances"
    method = getattr(owner, call.func.attr, None)
    if inspect.ismethod(method) and _writes_self(method):
        return f"{spelled}(), a method that changes its object"
    return None


class _Spelled:
    """The source of a node, made when put into words."""

    def __init__(self, node):
        self.node = node

    def __format__(self, spec):
        return format(ast.unparse(self.node), spec)


def _writes_self(method):
    """Whether the method's source writes an attribute or item of its object."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(method.__func__)))
    except (OSError, TypeError, SyntaxError):
        return False
    fn = tree.body[0]
    if not isinstance(fn, ast.FunctionDef) or not fn.args.args:
        return False
    me = fn.args.args[0].arg
    for node in ast.walk(fn):
        if isinstance(node, (ast.Attribute, ast.Subscript)) \
                and not isinstance(node.ctx, ast.Load):
            root = node.value
            while isinstance(root, (ast.Attribute, ast.Subscript)):
                root = root.value
            if isinstance(root, ast.Name) and root.id == me:
                return True
    return False


def refuse_unrestorable(func, transform, runs, functions=None):
    """Raise a located ``UnsupportedSyntaxError`` when ``func`` draws from a state
    s2sad cannot put back and the ``transform`` runs its code ``runs`` times."""
    if runs < 2:
        return
    found = unrestorable_draw(func, functions)
    if found is None:
        return
    what, location = found
    name = getattr(func, "__name__", "the function")
    raise UnsupportedSyntaxError(
        f"{name} draws from {what}, which changes each run; s2sad.{transform} runs "
        f"{name}'s code once per column ({runs} runs), so each column would come from "
        f"another draw (s2sad puts back numpy's and random's generators between runs, "
        f"not this)", location,
        hint=f"{_instead(transform, name)}; or make the draw outside {name} and pass it "
             f"as an argument, or draw from a numpy Generator or random.Random (s2sad puts "
             f"their states back)")


def _instead(transform, name):
    """What runs ``name``'s code once instead of the ``transform``."""
    if transform == "hessian":
        return (f"s2sad.jacobian(s2sad.grad({name}), mode='reverse') is the Hessian of one "
                f"call, and s2sad.hvp({name}) gives one product per call")
    return "s2sad.jacobian(..., mode='reverse') runs the code once"


def refuse_different_runs(first, now, func, transform, runs):
    """Raise a located ``DifferentRunsError`` where ``now``, what a later run of
    ``func``'s code gave (its value, or value and gradient: trees of numbers and arrays),
    differs from ``first``, the first run's: a state s2sad did not put back between the
    runs (a generator reached another way than those ``saved_states`` finds, a clock, a
    counter) made each column the derivative of another function.  Equal to the last
    bits but for a difference of 1e-9 of the largest magnitude (threads may sum in
    another order)."""
    if _agree(first, now):
        return
    name = getattr(func, "__name__", "the function")
    code = getattr(func, "__code__", None)
    location = None if code is None else SourceLocation(
        code.co_filename, code.co_firstlineno, 1,
        linecache.getline(code.co_filename, code.co_firstlineno).rstrip("\n"))
    raise DifferentRunsError(
        f"two runs of {name} at the same arguments gave different values: s2sad.{transform} "
        f"runs {name}'s code once per column ({runs} runs), so its columns would be the "
        f"derivatives of different functions ({name} reads a state that changes each run "
        f"and that s2sad does not put back: random draws reached through an object's "
        f"attribute, a BitGenerator, a wrapper's closure, a clock, a counter...)", location,
        hint=f"{_instead(transform, name)}; or make the draws outside {name} and pass "
             f"them as arguments")


def _agree(first, now):
    """Whether two runs' results are the same numbers (see refuse_different_runs)."""
    from .. import trees
    a, b = trees.leaves(first), trees.leaves(now)
    if len(a) != len(b):
        return False
    for u, v in zip(a, b):
        if is_duck(u) or is_duck(v):
            continue   # (a lazy Dask value: comparing it would compute it)
        try:
            u, v = np.asarray(u), np.asarray(v)
            if u.shape != v.shape:
                return False
            if u.dtype.kind not in "biufc" or v.dtype.kind not in "biufc":
                if not np.array_equal(u, v):
                    return False
                continue
            scale = float(np.max(np.abs(u[np.isfinite(u)]), initial=0.0))
            if not np.allclose(u, v, rtol=1e-9, atol=1e-9 * scale, equal_nan=True):
                return False
        except (TypeError, ValueError):
            return True   # (not numbers s2sad can compare: no claim either way)
    return True
