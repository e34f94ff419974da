"""Methods named like a list's or a dict's, called on an object that is neither.

s2sad follows ``xs.append(v)``, ``d.update(e)``... as the list's (dict's) own
method: a new version of the container.  That is right only where the object is
a list (dict) whose method that is.  :func:`foreign_method` finds the names the
function binds to an object of another class (``w = deque(maxlen=2)``, ``r =
Ring(2)``, ``c = Counter()``) whose method of that spelling is not ``list``'s
(``dict``'s), and :func:`refuse_foreign_method` refuses the call, located, naming
the class and the assignment, with a spelling that works.  (A subclass of dict that
keeps dict's method, ``defaultdict.items``, is a dict there.)
"""

import builtins
import inspect
import textwrap

import gast

from .. import nodes

#: the methods the normalizer takes for a container's by their spelling
#: (``lists.LIST_METHOD_ARITY``, ``dicts.DICT_METHODS``), by the class they belong to
_MODELLED = {
    "append": list, "extend": list, "insert": list, "pop": (list, dict),
    "update": dict, "setdefault": dict, "items": dict, "keys": dict, "values": dict,
    "get": dict, "popitem": dict,
}


def _same_method(cls, method):
    """``cls``'s ``method`` is the one of a container class s2sad models."""
    owners = _MODELLED[method]
    owners = owners if isinstance(owners, tuple) else (owners,)
    found = getattr(cls, method, None)
    return any(found is getattr(o, method) for o in owners)


def _bound_calls(walk):
    """``{name: [assignments binding it to a call's result]}`` of the function's code."""
    found = {}
    for node in getattr(walk, "walked", None) or nodes.walk(walk.parsed.node):
        if node.__class__ is gast.Assign and node.value.__class__ is gast.Call:
            for t in node.targets:
                if isinstance(t, gast.Name):
                    found.setdefault(t.id, []).append(node)
    return found


def foreign_method(walk, call, bound=None):
    """For ``owner.method(...)`` (``owner`` a plain name, ``method`` a list's or dict's
    name): ``(the class, the assignment)`` of an assignment in the function binding
    ``owner`` to an instance of a class whose ``method`` is not the container's
    (``w = deque(maxlen=2)``, or ``w = make()`` of a function returning one), else None.
    ``bound``: :func:`_bound_calls` of the function, when the caller has it."""
    func = call.func
    if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name)
            and func.attr in _MODELLED):
        return None
    bound = _bound_calls(walk) if bound is None else bound
    for node in bound.get(func.value.id, ()):
        cls = walk.parsed.resolve_callee(node.value.func)
        if not isinstance(cls, type):
            cls = _factory_class(cls)   # def make(): return deque(maxlen=2)
        if isinstance(cls, type) and not _same_method(cls, func.attr):
            return cls, node
    return None


def refuse_foreign_method(walk, call, bound=None):
    """Raise the located refusal of ``call`` when :func:`foreign_method` finds its
    object is no list or dict (see the module docstring); else return None."""
    found = foreign_method(walk, call, bound)
    if found is None:
        return
    cls, assigned = found
    owner, method = call.func.value.id, call.func.attr
    where = walk.parsed.location(assigned)
    made = where.code.strip() or f"{owner} = {cls.__name__}(...)"
    qual = cls.__name__ if cls.__module__ in ("builtins", "__main__") \
        else f"{cls.__module__}.{cls.__name__}"
    message = (f"{owner}.{method}(...): {owner!r} is a {qual} ('{made}', line "
               f"{where.line}), not a list or dict: s2sad follows .{method}() of a "
               f"{_kind(method)} only, and {qual}.{method} is another method")
    raise walk.error(message, call, hint=_hint(cls, owner, method, assigned))


def refuse_foreign_methods(walk):
    """Refuse the first call in the function of a list's or dict's method spelling on
    an object of another class (see :func:`refuse_foreign_method`): every place that
    matches these spellings then sees lists and dicts only."""
    calls = [node for node in nodes.of_class(walk.walked, gast.Call)
             if isinstance(node.func, gast.Attribute) and node.func.attr in _MODELLED
             and isinstance(node.func.value, gast.Name)]
    if calls:
        bound = _bound_calls(walk)
        for node in calls:
            refuse_foreign_method(walk, node, bound)


def _factory_class(fn):
    """The class a user's function ``fn`` returns a new instance of (``return
    deque(maxlen=2)``, or ``w = Ring(2)`` then ``return w``) whose list or dict method
    spellings are its own, read from its source; None for anything else."""
    code = getattr(fn, "__code__", None)
    if code is None or not inspect.isfunction(fn):
        return None
    try:
        tree = gast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return None
    made = {}
    for node in gast.walk(tree):
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.Call):
            for t in node.targets:
                if isinstance(t, gast.Name):
                    made[t.id] = node.value
    namespace = dict(vars(builtins))
    namespace.update(fn.__globals__)
    for node in gast.walk(tree):
        if not isinstance(node, gast.Return) or node.value is None:
            continue
        value = node.value
        if isinstance(value, gast.Name):
            value = made.get(value.id)
        if not isinstance(value, gast.Call):
            continue
        spelled = nodes.dotted_parts(value.func)
        if spelled is None:
            continue
        obj = namespace.get(spelled[0])
        for part in spelled[1]:
            obj = getattr(obj, part, None) if inspect.ismodule(obj) else None
        if isinstance(obj, type) and obj not in (list, dict) \
                and any(not _same_method(obj, m) for m in _MODELLED if hasattr(obj, m)):
            return obj
    return None


def _kind(method):
    owners = _MODELLED[method]
    owners = owners if isinstance(owners, tuple) else (owners,)
    return " or ".join(o.__name__ for o in owners)


def _maxlen(bound):
    """The constant ``maxlen`` of ``deque(..., maxlen=n)``, or None."""
    call = bound.value
    given = [k.value for k in call.keywords if k.arg == "maxlen"] + call.args[1:2]
    if given and isinstance(given[0], gast.Constant) and type(given[0].value) is int:
        return given[0].value
    return None


def _hint(cls, owner, method, bound):
    if cls.__name__ == "deque" and cls.__module__ == "collections":
        n = _maxlen(bound)
        if n is not None:
            return (f"keep a list and cut it to its last {n} items after each change: "
                    f"{owner} = []; ...; {owner}.{method}(v); {owner} = {owner}[-{n}:]")
        return f"keep a list ({owner} = []) and change it with list methods"
    if issubclass(cls, dict):
        return (f"use a dict ({owner} = {{}}) and write what {cls.__name__}.{method} "
                f"does with items: 'if key not in {owner}: {owner}[key] = 0.0', then "
                f"{owner}[key] += value")
    return (f"s2sad does not run {cls.__name__}'s own methods: keep its state in a list "
            f"or an array, and write what {cls.__name__}.{method} does as a function of "
            f"plain values that returns the new ones ({owner}_items = "
            f"{method}_{cls.__name__.lower()}({owner}_items, ...))")
