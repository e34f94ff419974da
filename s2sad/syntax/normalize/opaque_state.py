"""Module state an opaque call changes and the function reads.

Input: each module name the normalizer's walk reads (``GlobalNames.use_global``), with
the object it denotes, and each ``Cls.m`` path (``G.m()`` of a module object is read
so).  A name denoting a user's function may be an opaque call: one with a rule
(declared ``s2sad.nondifferentiable``, or given ``s2sad.adjoint``/``tangent``) s2sad
runs as it is; a helper without one runs as it is where its result carries no
derivative.  Its source tells what it writes outside itself
(``effects.outside_writes``: a global rebound, an item or attribute of a module's
object, a changing method of one), and, conservatively for one with a rule,
:func:`unattributed`: a write it cannot place (through a local alias, ``out=``, ``setattr``, a writing helper) goes
into every mutable module object it reads.  A method writing into a parameter
(``self.n += 1``) changes every module object of its class; a function setting an
attribute of a parameter (``c.n = ...``, :func:`param_attribute_write`) changes the module
objects a call gives it (:meth:`OpaqueState.note_call`: a module's object is read again by
the reverse sweep; a parameter's attribute, bound to a local, is not).  A function with a rule
writing into a parameter (:func:`param_write`) is refused at its read in reverse mode
(the argument is read again by the reverse sweep).
Output: ``conflicts``, one per read of such state: ``(location, message, hint,
rebound)``.  The reverse sweep reads a module's object again (``w[i] * STATE["n"]``
gives its adjoint ``STATE["n"] * s_bar`` after the whole forward sweep ran), and
a number a global holds is taken in when the derivative is made: a read after the
opaque call changed it is not the value Python's read took.  ``pipeline`` refuses
each conflict in reverse mode (grad, vjp, hessian, hvp), and a ``rebound`` one (the
global a ``global`` statement rebinds) in forward mode too, which reads objects
where Python reads them.
"""

import inspect

import gast

from ...errors import UnsupportedSyntaxError
from ...rules import registry
from .. import nodes
from ..parse import is_user_function
from .effects import (_ABSENT, CHANGING_METHODS, _free_value, _function_tree,
                      effect_only, fresh_updates, outside_writes)

#: values a helper cannot change in place: never the object of a write's key
_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset)


class OpaqueState:
    """Records opaque calls' writes and the reads of what they write (see the module
    docstring)."""

    def __init__(self, norm):
        self.norm = norm
        self.writers = {}     # key -> (callee name, words)
        self.reads = []       # (keys, name, location)
        self.conflicts = []   # (location, message, hint, rebound)

    def note(self, name, obj, node):
        """The walk reads the module's ``name`` (``obj``) at ``node``."""
        if is_user_function(obj) and node.__class__ is gast.Call:
            self.note_call(obj, node)   # (a call of it: the module objects it is given)
        if is_user_function(obj):
            # (a helper s2sad reads too: a call whose result holds no derivative runs
            # as it is, so every user's function is looked into)
            ruled = registry.lookup(obj) is not None
            param = ruled and param_write(obj)
            if param:
                self.conflicts.append((self.norm.parsed.location(node), (
                    f"{obj.__name__} ({param}), a function s2sad runs without seeing into "
                    f"it (it has a rule or is declared s2sad.nondifferentiable), writes "
                    f"into an argument it is given: the reverse sweep reads that argument "
                    f"again after the forward sweep ran, not the value each read took"), (
                    f"make {obj.__name__} return the new value and assign it (a = "
                    f"{obj.__name__}(a)), or write into a copy inside it"), False))
            new = {}
            # (an unattributed write only of a function s2sad never sees into: a
            # helper's own local writes are followed where its body is inlined)
            for words, key in list(outside_writes(obj)) + (
                    unattributed(obj) if ruled else []):
                if key is not None and key not in self.writers:
                    new[key] = self.writers[key] = (obj.__name__, words, ruled)
            for keys, read, location in self.reads:
                self._check(keys, read, location, new)
            return
        parsed = self.norm.parsed
        if isinstance(node, gast.FunctionDef):
            return   # (s2sad's own read, located at the def: an entry check's table)
        keys = {("name", id(parsed.globals), name)}
        if obj is not None and not isinstance(obj, _IMMUTABLE):
            keys.add(("object", id(obj)))
            keys.add(("instance", id(type(obj))))
        location = parsed.location(node)
        self.reads.append((keys, name, location))
        self._check(keys, name, location, self.writers)

    def note_call(self, callee, call):
        """The walk meets ``call`` of the user's function ``callee``; when it sets an
        attribute of a parameter (:func:`param_attribute_write`, a method of the objects
        given looked up in their classes), each module object an argument is or is reached
        from (:func:`module_objects`) is written."""
        func = getattr(callee, "func", callee)   # (a partial: its function's writes)
        if not is_user_function(func):
            return
        given = [obj for expr in list(call.args) + [k.value for k in call.keywords]
                 for obj in module_objects(self.norm, expr)]
        given += [a for a in getattr(callee, "args", ()) if not isinstance(a, _IMMUTABLE)]
        if not given:
            return
        words = param_attribute_write(func, classes={type(o) for o in given})
        if words is None:
            return
        new = {}
        for obj in given:
            key = ("object", id(obj))
            if key not in self.writers and not isinstance(obj, _IMMUTABLE):
                new[key] = self.writers[key] = (
                    func.__name__, f"{words}, into an object it is given",
                    registry.lookup(func) is not None)
        for keys, read, location in self.reads:
            self._check(keys, read, location, new)

    def note_object(self, name, cls, node):
        """The walk reads ``name`` (``c.n``), an attribute of a parameter's object of
        the user's class ``cls``."""
        keys = {("instance", id(cls))}
        location = self.norm.parsed.location(node)
        self.reads.append((keys, name, location))
        self._check(keys, name, location, self.writers)

    def note_method(self, path, cls, func, node):
        """The walk reads ``Cls.m`` (``path``) of the user's class ``cls``, the function
        ``func``: a call ``G.m()`` of a module object ``G`` (or ``p.m()`` of a
        parameter's) is read so; when ``func`` writes into its first parameter
        (``self.n += 1``), every object of ``cls`` the function reads (a module's, or
        an attribute of a parameter's: :meth:`note_object`) counts as written."""
        if isinstance(inspect.getattr_static(cls, path[-1], None), staticmethod):
            return   # (its first parameter is no object of the class)
        words = is_user_function(func) and param_write(func, first=True)
        key = ("instance", id(cls))
        if words and key not in self.writers:
            self.writers[key] = (".".join(path), words, registry.lookup(func) is not None)
            for keys, read, location in self.reads:
                self._check(keys, read, location, {key: self.writers[key]})

    def _check(self, keys, name, location, writers):
        for key in sorted(keys & writers.keys(), key=repr):
            callee, words, ruled = writers[key]
            how = ("a function s2sad runs without seeing into it (it has a rule or is "
                   "declared s2sad.nondifferentiable)" if ruled else
                   "a helper of yours whose call may run as it is (s2sad does not follow "
                   "writes outside a function)")
            rebound = key[0] == "name"
            taken = ("the derivative takes the number it holds when it is made" if rebound
                     else "the reverse sweep reads it again after the forward sweep ran")
            self.conflicts.append((location, (
                f"{name!r} is read here, and {callee} ({words}), {how}, changes it: "
                f"{taken}, not the value this read takes"), (
                f"make {callee} return the value and use its result (s2sad keeps what each "
                f"call returns), or pass the value to the function as a parameter"),
                rebound))
            return


def refuse(normal, reverse):
    """Raise the first conflict of ``normal`` that the mode reads wrong (all in reverse
    mode, a rebound global's in forward mode)."""
    for location, message, hint, rebound in getattr(normal, "state_conflicts", ()):
        if reverse or rebound:
            raise UnsupportedSyntaxError(message, location, hint=hint)


def param_write(obj, first=False):
    """Words for a write of the user's function ``obj`` into a parameter (``a[...] =
    ...``, ``a += ...`` of a parameter not rebound to a new value, a changing method,
    ``out=``, ``setattr``), or None."""
    fn = _function_tree(obj)
    if fn is None or isinstance(fn, gast.Lambda):
        return None
    params = {a.id for a in (fn.args.args[:1] if first else
                             fn.args.args + fn.args.kwonlyargs)}
    fresh = set(fresh_updates(fn, params))
    for node in nodes.walk(fn):
        if isinstance(node, (gast.Subscript, gast.Attribute)) \
                and not isinstance(node.ctx, gast.Load) and _root(node) in params:
            return (f"{_root(node)}.{node.attr} = ..." if isinstance(node, gast.Attribute)
                    and _root(node.value) == _root(node) else f"{_root(node)}[...] = ...")
        if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) \
                and node.target.id in params and node not in fresh:
            return f"{node.target.id} op= ..."
        if isinstance(node, gast.Call) and _unattributed_call(node) \
                and any(_root(a) in params for a in node.args):
            return "a call writing into its argument"
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                and node.func.attr in CHANGING_METHODS and _root(node.func.value) in params:
            return f"{_root(node.func.value)}.{node.func.attr}(...)"
    return None


def module_objects(norm, expr):
    """The module's objects the argument ``expr`` of a call is, and is reached from
    (``MODEL.counter``: both; a local bound to a module's name, ``c = SHARED``: SHARED),
    for ``opaque_state``; () for anything else."""
    parts = nodes.dotted_parts(expr)
    if parts is None:
        return ()
    root, attrs = parts
    seen = 0
    while root in norm.env and seen < 8:   # (a local alias of a module's name)
        atom = norm.env[root]
        if not isinstance(atom, gast.Name) or atom.id == root or atom.id in norm.defined:
            return ()
        root, seen = atom.id, seen + 1
    if root in norm.locals or root in norm.env:
        return ()
    try:
        obj = norm.parsed.resolve(root, None, compose=False)
    except KeyError:
        return ()
    found = [obj]
    for attr in attrs:   # (kept in the object or its class: no property's code is run)
        try:
            obj = inspect.getattr_static(obj, attr)
        except AttributeError:
            break
        found.append(obj)
    return found


def param_attribute_write(obj, depth=3, classes=()):
    """Words for an attribute the user's function ``obj`` may set on a parameter (``c.n =
    ...``, ``c.inner.n += ...`` or through a local alias ``d = c``; ``setattr``,
    ``object.__setattr__``, ``vars(c)``, ``c.__dict__``; a method ``c.inc()`` of one of
    ``classes``, the classes of the objects given, that does; the parameter passed to a
    helper that does), or None."""
    fn = _function_tree(obj)
    if fn is None or depth == 0:
        return None
    held = {a.id for a in fn.args.args + fn.args.kwonlyargs}
    grew = True
    while grew:   # (local names bound to a parameter's object or to one it holds)
        grew = False
        for node in nodes.walk(fn):
            if isinstance(node, gast.Assign) and _root(node.value) in held:
                for target in node.targets:
                    if isinstance(target, gast.Name) and target.id not in held:
                        held.add(target.id)
                        grew = True
    for node in nodes.walk(fn):
        if isinstance(node, gast.Attribute) and _root(node) in held and (
                not isinstance(node.ctx, gast.Load) or node.attr == "__dict__"):
            parts = nodes.dotted_parts(node)
            spelled = ".".join([parts[0], *parts[1]]) if parts is not None \
                else f"{_root(node)}.{node.attr}"
            return f"{spelled}[...] = ..." if isinstance(node.ctx, gast.Load) \
                else f"{spelled} = ..."
        if not isinstance(node, gast.Call):
            continue
        func = node.func
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in held:
            for cls in classes:   # (a method of the object given: its code tells)
                method = inspect.getattr_static(cls, func.attr, None)
                method = getattr(method, "__func__", method)
                if is_user_function(method) and method is not obj and param_attribute_write(
                        method, depth - 1, classes) is not None:
                    return f"{func.value.id}.{func.attr}(...)"
            continue
        given = [_root(a) for a in node.args if _root(a) in held]
        if not given:
            continue
        spelled = nodes.dotted_parts(func)
        name = None if spelled is None else ".".join([spelled[0], *spelled[1]])
        if name in ("setattr", "vars", "object.__setattr__", "delattr"):
            return f"{name}({given[0]}, ...)"
        callee = _free_value(obj, func.id) if isinstance(func, gast.Name) else None
        if is_user_function(callee) and callee is not obj \
                and param_attribute_write(callee, depth - 1, classes) is not None:
            return f"{func.id}(...) setting an attribute of {given[0]}"
    return None


def unattributed(obj):
    """``(words, key)`` for each mutable object of its module (an array, list, dict,
    object) the user's function ``obj`` reads, when it holds a write it cannot
    attribute (into an item or attribute through a local, ``op=`` of a local that may
    be a view, ``out=``, ``setattr``, a call of a user's function that writes): the
    write may go into that object (``b = BUF; b[0] += 1``)."""
    fn = _function_tree(obj)
    if fn is None or isinstance(fn, gast.Lambda):
        return []
    stored = {n.id for n in nodes.walk(fn) if isinstance(n, gast.Name)
              and not isinstance(n.ctx, gast.Load)} | {
        a.id for a in fn.args.args + fn.args.kwonlyargs}
    if not _has_unattributed_write(fn, stored, obj):
        return []
    found = []
    for node in nodes.walk(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
                and node.id not in stored:
            held = _free_value(obj, node.id)
            if held is not _ABSENT and not isinstance(held, _IMMUTABLE) \
                    and not callable(held) and not inspect.ismodule(held):
                found.append((f"a write it makes may go into {node.id}",
                              ("object", id(held))))
    return found


def _has_unattributed_write(fn, stored, obj):
    numbers = _number_locals(fn)
    for node in nodes.walk(fn):
        if isinstance(node, (gast.Subscript, gast.Attribute)) \
                and not isinstance(node.ctx, gast.Load) and _root(node) not in (
                    None,) and (_root(node) in stored or _root(node) == ""):
            return True
        if isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name) \
                and node.target.id not in numbers:
            return True
        if isinstance(node, gast.Call) and (_unattributed_call(node) or _writing_callee(
                obj, node)):
            return True
    return False


def _number_locals(fn):
    """Locals every assignment of which binds a new value (a constant, an operator's
    result): their ``op=`` writes into nothing shared."""
    good, bad = set(), set()
    for node in nodes.walk(fn):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                if isinstance(target, gast.Name):
                    new = isinstance(node.value, (gast.Constant, gast.BinOp, gast.UnaryOp))
                    (good if new else bad).add(target.id)
        elif isinstance(node, (gast.For, gast.With)) or isinstance(node, gast.arguments):
            bad.update(n.id for n in nodes.walk(node.target if isinstance(node, gast.For)
                                                  else node) if isinstance(n, gast.Name)
                       and not isinstance(n.ctx, gast.Load)
                       and isinstance(node, gast.For))
    return good - bad


def _root(node):
    """The name a chain of items and attributes starts from; "" for another
    expression (``BUF.reshape(-1)[0]``)."""
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else ""


def _unattributed_call(node):
    return any(k.arg == "out" for k in node.keywords) or isinstance(
        node.func, gast.Name) and node.func.id == "setattr"


def _writing_callee(obj, node):
    """Whether the call ``node`` in ``obj`` calls a user's function that may write."""
    if not isinstance(node.func, gast.Name):
        return False
    callee = _free_value(obj, node.func.id)
    return is_user_function(callee) and not effect_only(callee)
