"""What a ``vjp`` pullback reads outside the arguments, kept to tell a change.

The forward sweep runs on copies of the arguments (:mod:`s2sad.runtime.arguments_kept`), but it also
reads the user's globals and closure variables, through the generated module's
namespace, which each call of the function refreshes: whole (``G * x``), or through
views its locals keep for the pullback (``r0, r1 = G``, ``G[:, 0]``, ``np.asarray(G)``),
and through the attributes of modules and objects (``cfg.W``, ``CFG.s``); and the
defaults it uses.  Changed in place after ``vjp`` (or rebound, and the function called
again), the pullback would read the new values beside the old tape: a gradient of no
point.  So :func:`outside_values` notes, when the forward sweep is done, every such
value the module's code names (the arrays among them copied, in lists, tuples and dicts
too) and :func:`check_outside` raises :class:`~s2sad.errors.ChangedSinceError`, naming
it, where one is no longer what was noted.  A vjp call copies these arrays: a function
reading a large global array pays one copy of it per call.
"""

import ast
import linecache
import types

from ..errors import ChangedSinceError
from .arguments_kept import _copied, _ndarray, _REBUILT, _same
from .guards import same_number

_ModuleType, _CodeType = types.ModuleType, types.CodeType
_READS = "__s2sad_outside_reads__"   # (kept in the generated module's namespace)


def outside_values(namespace, defaults, entry=None):
    """``[(what, holder, key, value, copy or None)]``: the values the generated
    module's code reads from ``namespace`` (``holder`` the namespace, ``key`` the name)
    and from the attributes of the modules and objects there (``holder`` the module or
    object's ``__dict__``), the ``defaults`` used (``(parameter, value)`` pairs;
    ``holder`` None), and the defaults of every other function the module defines (a
    helper's, a decorated function's wrapped one's: ``def g_vjp_x(x, d1=C23)``, whose
    default no name of the code reads; every function's but ``entry``'s, whose
    ``defaults`` the caller gives); the arrays among them copied."""
    names, attributes = _reads(namespace)
    defaults = list(defaults) + _helper_defaults(namespace, entry)
    noted = []
    for name in names:
        value = namespace[name]
        if _is_data(value):
            _note(noted, name, namespace, name, value)
        _note_attributes(noted, name, value, attributes, 1)
    for name, value in defaults:
        if _holds_arrays(value, 0):
            noted.append((f"the default of {name}" if name.__class__ is _Label
                          else f"the default of {name!r}", None, None, value,
                          _copied(value, {}, copy_new=True)))
    return noted


def check_outside(noted, func_name):
    """Raise :class:`ChangedSinceError` where a value of ``noted`` (see
    :func:`outside_values`) is no longer the one its holder holds, or was changed in
    place."""
    for what, holder, key, value, copy in noted:
        if holder is not None and not _same_object(holder.get(key, value), value) or \
                copy is not None and not _same_tree(value, copy):
            where = "reads as a constant" if what.__class__ is _OfArgument \
                else "reads outside its arguments"
            raise ChangedSinceError(
                f"{what}, which {func_name} {where}, was changed (in "
                f"place, or rebound) after its vjp was called and before its pullback: "
                f"the pullback would read the new value beside the old ones",
                hint="call the vjp again after changing it (a pullback keeps the "
                     "arguments as they were, not what the function reads outside them)")


#: the modules whose attributes are not the user's values (numpy's functions, s2sad's)
_LIBRARIES = frozenset(("numpy", "scipy", "s2sad", "math", "cmath", "builtins", "dask",
                        "numba", "functools", "operator"))


def _same_object(live, value):
    """Whether ``live`` is ``value``, or a number or string equal to it (rebound to the
    same number: ``-0.0`` is not ``0.0``, see :func:`~.guards.same_number`)."""
    return live is value or same_number(live, value)


def argument_attributes(namespace, pairs):
    """The rows of :func:`outside_values` for the attributes of the objects among the
    arguments (``pairs``: ``(parameter, value)``) that the module's code names (``self.W``,
    ``self.layer.W``, the items of ``self.layers``): the function reads them as constants
    (see ``syntax.normalize.object_attributes``), the pullback too."""
    noted = []
    for name, value in pairs:
        if not isinstance(value, (_ndarray, float, int, complex, str) + _REBUILT) \
                and value is not None:
            _note_attributes(noted, name, value, _reads(namespace)[1], 2, _OfArgument)
    return noted


class _OfArgument(str):
    """The description of an attribute of an argument (``'self.W'``)."""


def _note(noted, what, holder, key, value, label=repr):
    noted.append((label(what), holder, key, value,
                  _copied(value, {}, copy_new=True) if _holds_arrays(value, 0) else None))


def _note_attributes(noted, label, value, attributes, depth, kind=None):
    """The attributes named in ``attributes`` of a module or a plain object ``value``
    (and of theirs, and of the objects in a list or tuple one holds, ``depth`` levels
    more); ``kind``: the class of the descriptions (an argument's attributes)."""
    if callable(value) or isinstance(value, (type, _ndarray) + _REBUILT) or \
            isinstance(value, _ModuleType) and value.__name__.partition(".")[0] in _LIBRARIES:
        return
    own = getattr(value, "__dict__", None)
    if not isinstance(own, dict):
        return
    for attribute in attributes:
        if attribute in own:
            found = own[attribute]
            spelled = f"{label}.{attribute}"
            if _is_data(found):
                _note(noted, spelled, own, attribute, found,
                      label=repr if kind is None else lambda w: kind(repr(w)))
            if depth:
                _note_attributes(noted, spelled, found, attributes, depth - 1, kind)
                if found.__class__ in (list, tuple) and kind is not None:
                    for index, item in enumerate(found):   # (self.layers[0].W)
                        _note_attributes(noted, f"{spelled}[{index}]", item, attributes,
                                         depth - 1, kind)


class _Label(str):
    """A default's description already quoted (``'d1' of g``)."""


def _helper_defaults(namespace, entry):
    """``[(label, default)]``: the defaults of the functions the generated module
    defines (the ones whose globals are ``namespace``), but ``entry``'s, that a call in
    the module may leave out (see :func:`_left_out`)."""
    pairs = []
    for name in sorted(k for k in namespace if not k.startswith("__")):
        func = namespace[name]
        if func is entry or getattr(func, "__globals__", None) is not namespace:
            continue
        code, positional = func.__code__, func.__defaults__ or ()
        owner = func.__name__.split("_vjp")[0]   # (the user's name: g of g_vjp_x)
        params = code.co_varnames[:code.co_argcount][code.co_argcount - len(positional):]
        for param, value in list(zip(params, positional)) + \
                list((func.__kwdefaults__ or {}).items()):
            if _holds_arrays(value, 0) and _left_out(namespace, name, func, param):
                pairs.append((_Label(f"{param!r} of {owner}"), value))
    return pairs


def _left_out(namespace, name, func, param):
    """Whether a call of the module's function ``name`` may leave ``param`` to its
    default: read from the module's text (each call's arguments), once per module; True
    where the text is not at hand, or ``name`` is read other than as a call's callee."""
    found = namespace.get(_CALLS)
    if found is None:
        found = namespace[_CALLS] = _calls(func.__code__.co_filename)
    calls = found.get(name) if found is not _UNKNOWN else None
    if calls is None:
        return True
    code = func.__code__
    names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    index = names.index(param)
    for count, keywords in calls:
        if count is None or None in keywords:   # (*args, **kwargs: not known)
            return True
        if not (index < min(count, code.co_argcount) or param in keywords):
            return True
    return False


_CALLS = "__s2sad_default_calls__"   # (kept in the generated module's namespace)
_UNKNOWN = {}


def _calls(filename):
    """``{name: [(positional count or None, keyword names)]}`` of the calls of plain
    names in the module text ``filename`` holds (None for ``*args``; a keyword None for
    ``**kwargs``); a name read but not called gets ``(None, ())``. ``_UNKNOWN`` when
    the text is not at hand or does not parse."""
    text = "".join(linecache.getlines(filename))
    try:
        tree = ast.parse(text) if text else None
    except SyntaxError:
        tree = None
    if tree is None:
        return _UNKNOWN
    found, callees = {}, set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            callees.add(id(node.func))
            starred = any(isinstance(a, ast.Starred) for a in node.args)
            found.setdefault(node.func.id, []).append(
                (None if starred else len(node.args), {k.arg for k in node.keywords}))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in callees:
            found.setdefault(node.id, []).append((None, ()))
    return found


def _is_data(value):
    return not (isinstance(value, (_ModuleType, type)) or callable(value))


def _reads(namespace):
    """``(names, attributes)``: the global names the generated module's code reads that
    ``namespace`` holds, and every name its code objects list (the attributes it reads
    among them), worked out once per module."""
    found = namespace.get(_READS)
    if found is None:
        seen, todo = set(), []
        for value in list(namespace.values()):
            if getattr(value, "__globals__", None) is namespace:
                todo.append(value.__code__)
        while todo:
            code = todo.pop()
            seen.update(code.co_names)
            todo.extend(c for c in code.co_consts if isinstance(c, _CodeType))
        names = tuple(sorted(n for n in seen if n in namespace and not n.startswith("__")
                             and not n.startswith("S2SAD_")))   # (a CLI module's own)
        # (every name as an attribute too: ``c.SCALE`` beside a global ``SCALE`` taken
        # ``from cfg import SCALE`` is another value, both read)
        found = namespace[_READS] = (names, tuple(sorted(seen)))
    return found


def _holds_arrays(value, depth):
    if isinstance(value, _ndarray):
        return True
    if depth < 3 and isinstance(value, _REBUILT):
        return any(_holds_arrays(item, depth + 1)
                   for item in (value.values() if isinstance(value, dict) else value))
    return False


def _same_tree(value, copy):
    """Whether ``value`` holds what its copy ``copy`` (see ``arguments_kept._copied``) does."""
    if isinstance(value, _ndarray):
        return isinstance(copy, _ndarray) and value.shape == copy.shape and _same(value, copy)
    if isinstance(value, dict):
        return isinstance(copy, dict) and value.keys() == copy.keys() and \
            all(_same_tree(value[k], copy[k]) for k in value)
    if isinstance(value, (list, tuple)):
        return len(value) == len(copy) and all(map(_same_tree, value, copy))
    return value is copy
