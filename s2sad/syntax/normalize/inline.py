"""Helper inlining: the body of a function in place of a call to it.

Input: a call the normalizer's walk meets, of a local function (``def`` or
``lambda`` in the function's body), or, when helpers are inlined (second
derivatives need code without pullback closures), of the user's own module-level
function.
Output, emitted through the normalizer: the callee's body, its parameters bound
to the call's atoms, normalized in the caller's block; the atom of its result
is returned.  A recursive call, a call that does not match the signature, and
a helper reading a module name the caller takes as a parameter are refused.

The plain functions answer from the objects alone: :func:`callee_of` the object
a callee expression names, :func:`can_inline` whether that object's body can
replace a call, :func:`defaults_of` its defaults, and :func:`reachable_helpers`
the parsed source of every inlinable function the differentiated one reaches,
computed once before the walk.  :class:`Inliner` is the normalizer's
collaborator; its state, set in its ``__init__``: those parsed helpers, and the
stacks of the local functions and helpers being inlined now.
"""

import builtins
import copy
import dataclasses
import inspect
from typing import Any, Dict, List

import gast

from ...errors import S2sadError, seen_from_call
from ...rules import registry
from .. import anno, fence, nodes, printer
from ..callers import called_partial
from ..composed_calls import default_read, rebind_composed_call, refuse_unread_defaults
from ..desugar import desugar
from ..function_args import SPECIALIZES, given_function
from ..parse import parse_function, record_path
from ..source import composable
from .bound_methods import object_method
from .object_attributes import class_methods, objects_passed
from .callees import is_python_function
from .clashes import without_helper_clashes
from .derivatives import default_owner, default_roots, made_here, made_here_quietly
from .entry import check_local_functions, default_hint
from .hygiene import local_function_names, rename_shadowed
from .sourceforms import lower_source_forms
from .trees import containers_and_loops, user_names


CONSTANT_DEFAULTS = (int, float, complex, bool, str, type(None))


def can_inline(obj):
    """Whether the body of ``obj`` can go in place of a call to it: a plain function
    of the user's, without a closure or ``**kwargs`` (``*args`` is bound to the tuple
    of the call's other positional arguments, as Python binds it).  (A default that is
    not a number, string or None must be passed by the call: see ``inlinable``;
    names its body reads from its module are checked where they are read: see
    ``use_global``.)"""
    if not is_python_function(obj) or obj.__closure__ and SPECIALIZES not in obj.__dict__:
        return False   # (a helper given a function: read as its helper, see function_args)
    code = obj.__code__
    return not code.co_flags & inspect.CO_VARKEYWORDS


def defaults_of(obj):
    """``{parameter: default value}`` of the function ``obj`` (keyword-only ones too)."""
    code = obj.__code__
    positional = code.co_varnames[:code.co_argcount]
    found = dict(zip(positional[len(positional) - len(obj.__defaults__ or ()):],
                     obj.__defaults__ or ()))
    found.update(obj.__kwdefaults__ or {})
    return found


def callee_of(func, parsed):
    """The object the callee expression ``func`` (``f`` or ``module.f``) names in
    ``parsed``'s scope, or None."""
    spelled = nodes.dotted_parts(func)
    obj = parsed.resolve_callee(func)
    if spelled is not None and spelled[1] and (obj is not None or inspect.ismodule(
            parsed.resolve_callee(func.value))):
        record_path(spelled[0], parsed.func, spelled[1], obj)
        obj = composable(obj)   # (a name alone is resolved to it already)
    return called_partial(obj)


def reachable_helpers(parsed, walked=None, classes=None):
    """``{id(function): parsed}`` for the functions :func:`can_inline` admits that
    ``parsed`` calls, directly or through each other.  ``walked``: ``nodes.walk`` of
    ``parsed.node`` when the caller has it; ``classes``: ``{parameter: class}`` of the
    objects given, whose methods ``self.act(x)`` may call (see ``object_attributes``)."""
    found, todo, classes = {}, [parsed], [k.cls for k in (classes or {}).values()]
    known = {}   # id(a function walked) -> how many classes were known when it was
    while todo:
        current = todo.pop()
        known[id(current)] = len(classes)
        everything = walked if current is parsed and walked is not None \
            else nodes.walk(current.node)
        for node in everything:
            if node.__class__ is gast.Call:   # (gast's classes have no subclasses)
                objects_passed(node, current, classes)   # (MODEL.f(x): self.g in f)
                obj = callee_of(node.func, current) or made_here_quietly(current, node.func) \
                    or object_method(node.func, current)
                if obj is builtins.map and node.args:   # map(f, xs): f(v) is called
                    obj = callee_of(node.args[0], current)
                methods = [obj] if obj is not None else (
                    class_methods(node.func, classes)
                    or class_methods(_called(node.func), classes))   # (self(a): __call__)
                given = [callee_of(a, current) for a in node.args if a.__class__ is gast.Name]
                for obj in methods + given:   # (a function given by name is called there)
                    if id(obj) not in found and can_inline(obj):
                        found[id(obj)] = parse_function(obj)
                        todo.append(found[id(obj)])
        if not todo:   # (a class found later: self.m(...) of a function walked before
            # calls its m too, MODEL.rhs and OTHER.rhs both running Model.rhs)
            todo = [p for p in [parsed] + list(found.values()) if known[id(p)] < len(classes)]
    return found


def _called(func):
    """``f.__call__`` for a callee ``f`` (a name: an object of a class given, called)."""
    return gast.Attribute(value=func, attr="__call__", ctx=gast.Load()) \
        if func.__class__ is gast.Name else func


def helper_names(parsed, helpers, calls=None):
    """(every name the parsed ``helpers`` mention, those of them that helpers of
    another module than ``parsed``'s read as their module's globals, and the names a
    default read where a call runs is read through, see ``default_roots``): a local of
    the function never takes one of the latter (see ``Scope.new_version``).  ``calls``:
    every ``Call`` node of ``parsed``, when the caller has them."""
    reserved, foreign = set(), default_roots(parsed, calls)
    for helper in helpers.values():
        names = user_names(helper.node)
        reserved |= names
        foreign |= default_roots(helper)
        if helper.globals is not parsed.globals:
            foreign |= {n for n in names if n in helper.globals}
    return reserved, foreign


def _default_reads(norm, node, obj):
    """``(defaults, unread, owner)`` of the call ``node`` of ``obj`` put in place of it:
    ``{parameter: default}``, a default that is not a number, string or None (an array)
    read where the call runs, as Python does (``helper.__defaults__[i]``,
    ``helper.__kwdefaults__[name]``, through the expression ``owner`` giving the function
    that holds them: a partial's caller, a derivative's function); ``unread``: those of a
    derivative called inside no expression reads."""
    defaults = {}
    positional = len(obj.__defaults__ or ())
    composed = anno.COMPOSED_AS in obj.__dict__
    owner = default_owner(norm, node.func, obj)   # (the function holding them)
    user = obj.__dict__[anno.COMPOSED_FROM][0] if composed else obj
    unread = set()   # (of a derivative called inside: refused if left out)
    for index, (name, value) in enumerate(defaults_of(obj).items()):
        read = None if owner is None or type(value) in CONSTANT_DEFAULTS \
            else default_read(owner, user, name)
        if type(value) in CONSTANT_DEFAULTS:
            defaults[name] = value
        elif read is not None:
            defaults[name] = read
        elif composed:
            unread.add(name)
            continue
        elif index < positional:
            defaults[name] = gast.Subscript(
                value=nodes.attr(nodes.clone(node.func), "__defaults__"),
                slice=nodes.const(index), ctx=gast.Load())
        else:
            defaults[name] = gast.Subscript(
                value=nodes.attr(nodes.clone(node.func), "__kwdefaults__"),
                slice=nodes.const(name), ctx=gast.Load())
        if isinstance(defaults[name], gast.AST):
            for sub in gast.walk(defaults[name]):
                gast.copy_location(sub, node)
    return defaults, unread, owner


class Inliner:
    """Puts the bodies of the functions a call reaches in place of the call (see the
    module docstring)."""

    def __init__(self, normalizer, helper_sources):
        self.norm = normalizer
        # id(helper function) -> its parsed source, for every helper that may be inlined
        self.helper_sources: Dict[int, Any] = helper_sources
        self.inlining: List[str] = []          # the local functions being inlined now
        self.inlined_defs: List[Any] = []      # ... their trees (the innermost last)
        self.inlined_functions: List[Any] = []   # the user's helpers being inlined now
        # the names of the local functions the tree being walked defines anywhere (a call
        # of one whose definition has not run yet is refused), and the helpers' trees
        # with their local functions' names renamed apart (see .hygiene)
        self.tree = normalizer.parsed.node   # (the tree being walked: the function's, a helper's)
        self.local_names: Dict[int, Any] = {}   # id(tree) -> its local functions' names
        self.renamed: Dict[int, Any] = {}
        # a name renamed apart -> the user's spelling of it (for messages)
        self.original: Dict[str, str] = dict(getattr(normalizer.parsed, "original_names", {}))
        # local function -> {parameter: the atom of its default}, evaluated at the definition
        self.default_atoms: Dict[str, Dict[str, Any]] = {}

    def inlined_body(self, node):
        """For a call whose callee's body goes in its place (a local function; the
        user's helper when inlining them), what emits that body and returns the result
        atom; else None."""
        norm = self.norm
        func = node.func
        if isinstance(func, gast.Name) and func.id in norm.local_functions \
                and func.id not in norm.env:
            return lambda: self.inline_call(node)
        if isinstance(func, gast.Name) and func.id not in norm.env \
                and func.id in self.local_function_names():
            raise self.not_defined_yet(func)
        helper = self.inlinable(node) if norm.inline_helpers else None
        if helper is not None:
            return lambda: self.inline_helper(node, helper)
        return None

    def local_function_names(self):
        """The names of the local functions the tree being walked defines anywhere."""
        found = self.local_names.get(id(self.tree))
        if found is None:
            found = self.local_names[id(self.tree)] = local_function_names(self.tree)
        return found

    def define(self, name, fn):
        """The definition of the local function ``fn`` (a ``def``, or a lambda bound to
        ``name``) runs: its defaults are evaluated now, in the defining scope, as
        Python evaluates them once, where the definition runs."""
        norm = self.norm
        params = fn.args.args[len(fn.args.args) - len(fn.args.defaults):]
        self.default_atoms[name] = {a.id: norm.flat.atom(d)
                                    for a, d in zip(params, fn.args.defaults)}
        norm.local_functions[name] = fn

    def not_defined_yet(self, node):
        """The error for a read of the local function ``node`` names before its
        definition has run (Python raises NameError there)."""
        return self.norm.error(
            f"the local function {node.id!r} is called before its definition has run "
            f"(Python raises NameError here)", node,
            hint=f"call it after the 'def {node.id}' statement (a function may call a "
                 f"sibling defined after it when the call runs after both definitions)")

    def inline_call(self, node):
        """The body of a local function, in place of a call to it; returns the result atom.
        Its free names are those of the scope defining it (the tree's variables have
        names of their own, see .hygiene): read in the caller's environment, they hold
        that scope's values when the call runs, as Python's closure cells do."""
        norm = self.norm
        name = node.func.id
        fn = norm.local_functions[name]
        if name in self.inlining:
            through = self.inlining[self.inlining.index(name) + 1:]
            how = f" through {', '.join(map(repr, through))}" if through else ""
            raise norm.error(f"the local function {name!r} calls itself{how}", node,
                             hint="define recursive functions at module level")
        params = [a.id for a in fn.args.args]
        given = {p for p in params[:len(node.args)]} | {kw.arg for kw in node.keywords}
        defaults = self.default_atoms.get(name, {})
        bound = self.bind_inlined_args(node, name, params, defaults, evaluated=True)
        saved_env = dict(norm.env)
        # the local functions its body defines are its own: gone when it returns
        saved_functions = dict(norm.local_functions)
        self.inlining.append(name)
        self.inlined_defs.append(fn)
        try:
            norm.env.update(bound)
            if isinstance(fn, gast.Lambda):
                return norm.flat.atom(fn.body)
            check_local_functions(fn, norm.error)   # (the local functions it defines)
            result = self.inline_body(fn, name)
            self.check_defaults_unchanged(fn, name, set(defaults) - given, bound, node)
            self.keep_changes(fn, bound, saved_env)
            return result
        finally:
            self.inlining.pop()
            self.inlined_defs.pop()
            norm.env = saved_env
            norm.local_functions = saved_functions

    def enclosing_name(self, name):
        """Whether ``name``, read in the local function being inlined now, is a variable
        of a scope enclosing it (not its own: a parameter or a name it binds)."""
        if not self.inlined_defs:
            return False
        fn = self.inlined_defs[-1]
        if isinstance(fn, gast.Lambda):
            return name not in {a.id for a in fn.args.args}
        own = {a.id for a in fn.args.args + fn.args.kwonlyargs}
        own.update(n.id for n in nodes.names(fn.body) if isinstance(n.ctx, gast.Store))
        return name not in own

    def passed_in(self, name, user):
        """Whether ``name`` is a parameter of a local function being inlined now whose
        call bound it to the value the caller's name ``user`` holds: a write through it
        is a write into that very array, as Python's call writes into the caller's
        object (the inlined body writes into it in place, and ``user`` reads it)."""
        norm = self.norm
        atom, held = norm.env.get(name), norm.env.get(user)
        return isinstance(atom, gast.Name) and isinstance(held, gast.Name) \
            and atom.id == held.id and self.local_parameter(name)

    def local_parameter(self, name):
        """Whether ``name`` is a parameter of a local function being inlined now (a
        copy it makes, ``name = np.copy(name)``, would leave the caller's array as it
        is, which Python's write changes)."""
        return any(not isinstance(fn, gast.Lambda) and name in {
            a.id for a in fn.args.args + fn.args.kwonlyargs} for fn in self.inlined_defs)

    def check_defaults_unchanged(self, fn, name, defaulted, bound, node):
        """Refuse a change (``acc.append(v)``, ``d[k] = v``) of a default value the call
        left to its default: Python keeps it for the later calls, inlined bodies do not."""
        norm = self.norm
        stored = {n.id for n in nodes.names(fn.body) if isinstance(n.ctx, gast.Store)}
        positional = [a.id for a in fn.args.args]
        given = dict(zip(positional[len(positional) - len(fn.args.defaults):], fn.args.defaults))
        given.update((a.id, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults)
                     if d is not None)
        for param in sorted(defaulted - stored):
            new, old = norm.env.get(param), bound[param]
            if isinstance(new, gast.Name) and not (isinstance(old, gast.Name)
                                                   and old.id == new.id):
                raise norm.error(
                    f"the local function {name!r} changes the default value of its "
                    f"parameter {param!r}: Python keeps the change for its later calls, "
                    f"which s2sad cannot follow", node,
                    hint=default_hint(param, printer.expr(given[param], 0))
                    if param in given else f"pass {param} at this call")

    def keep_changes(self, fn, bound, saved_env):
        """After a local function's body: the lists and dicts it changed (a closure's
        ``xs.append(v)``, ``d[k] = v``; an argument's ``ys[0] = v``: new versions) are
        the caller's new values, as Python's objects are; the names the body binds
        (its parameters, its locals) are its own."""
        norm = self.norm
        stored = {n.id for n in nodes.names(fn.body) if isinstance(n.ctx, gast.Store)}
        own = set(bound) | stored
        for user in list(saved_env):
            if user not in own and user in norm.env:
                saved_env[user] = norm.env[user]
        for param, given in bound.items():   # (not bound again by the body: changed)
            new = norm.env.get(param)
            if param in stored or not isinstance(given, gast.Name) \
                    or not isinstance(new, gast.Name) or new.id == given.id:
                continue
            for user, atom in list(saved_env.items()):
                if isinstance(atom, gast.Name) and atom.id == given.id:
                    saved_env[user] = nodes.clone(new)

    def changed_in(self, tree, seen=()):
        """The caller's names whose list or dict the calls in ``tree`` (a loop) of local
        functions may change (see :meth:`keep_changes`): each gets a new value there.
        Every list or dict such a function reads from the caller or is passed counts
        (a write may reach it through a name the function binds: ``ys = xs``)."""
        norm, found = self.norm, set()
        for call in nodes.walk(tree):
            fn = norm.local_functions.get(call.func.id) if isinstance(call, gast.Call) \
                and isinstance(call.func, gast.Name) else None
            if fn is None or isinstance(fn, gast.Lambda) or call.func.id in seen:
                continue
            own = {a.id for a in fn.args.args} | {
                n.id for n in nodes.names(fn.body) if isinstance(n.ctx, gast.Store)}
            found |= {n.id for n in nodes.names(fn.body) if n.id not in own}
            found |= {a.id for a in call.args if isinstance(a, gast.Name)}
            found |= self.changed_in(fn, tuple(seen) + (call.func.id,))
        env = norm.env
        return {u for u in found if isinstance(env.get(u), gast.Name) and (
            env[u].id in norm.aliases.list_values or env[u].id in norm.dicts
            or u in norm.dict_writes.dict_names())}

    def bind_inlined_args(self, node, name, params, defaults, kwonly=(), evaluated=False,
                          vararg=None):
        """``{parameter: atom}`` for a call of an inlined function (``defaults``: the
        parameters with a default, as constants or expressions read at the call, or, with
        ``evaluated``, atoms; ``kwonly``: its keyword-only ones; ``vararg``: the name of
        its ``*args`` parameter, bound to the tuple of the other positional arguments)."""
        norm = self.norm
        args = [norm.flat.atom(a) for a in node.args]
        keywords = {kw.arg: norm.flat.atom(kw.value) for kw in node.keywords if kw.arg}
        packed = {}
        if vararg is not None:
            rest = nodes.tuple_([nodes.clone(a) for a in args[len(params):]])
            args = args[:len(params)]
            packed[vararg] = nodes.name(norm.namer.fresh(vararg))
            norm.emit(nodes.assign(packed[vararg].id, rest))
            norm.defined.add(packed[vararg].id)
        bound = dict(zip(params, args))
        spelled = ", ".join(params + ([f"*{vararg}"] if vararg else ["*"] if kwonly else [])
                            + list(kwonly))
        if len(args) > len(params) or any(kw.arg is None for kw in node.keywords) \
                or set(keywords) - set(params[len(args):]) - set(kwonly):
            raise norm.error(f"the call does not match {name}({spelled})", node)
        bound.update(keywords)
        for param in list(params) + list(kwonly):
            if param not in bound and param in defaults:
                value = defaults[param]
                bound[param] = nodes.clone(value) if evaluated else norm.flat.atom(value) \
                    if isinstance(value, gast.AST) else nodes.const(value)
        if len(bound) != len(params) + len(kwonly):
            raise norm.error(f"the call does not match {name}({spelled})", node)
        bound.update(packed)
        return bound

    def inline_body(self, fn, name, func=None):
        """Normalize the body of the function ``fn`` (its parameters bound in the
        environment; ``func``: its function object, when a module's) into the current
        block; returns the atom of its result."""
        norm = self.norm
        saved_source = norm.source
        try:
            # the names the desugared body brings (loop indices, flags, renamed loop
            # targets) must be new here, and never handed out again afterwards
            # (a helper's locals named as runtime helpers are renamed, as the function's)
            fn = without_helper_clashes(fn, registry.helper_names(), func)
            inner = desugar(fn, user_names(fn) | set(norm.env) | norm.namer.taken())
            for introduced in user_names(inner) - user_names(fn):
                norm.namer.reserve(introduced)
            norm.return_names.add(anno.get(inner, anno.RESULT))
            body = [s for s in inner.body if not (
                isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
            if not body or not isinstance(body[-1], gast.Return):
                # (no return anywhere, once desugared: the call gives None)
                body = body + [gast.copy_location(gast.Return(value=nodes.const(None)),
                                                  body[-1] if body else fn)]
            for stmt in body[:-1]:
                norm.source = norm.parsed.source_ref(stmt)
                norm.statement(stmt)
            norm.source = norm.parsed.source_ref(body[-1])
            value = body[-1].value
            if value is None:
                return nodes.const(None)
            if isinstance(value, gast.Tuple):
                return nodes.name(norm.flat.operation(gast.Tuple(elts=value.elts,
                                                                 ctx=gast.Load())))
            return norm.flat.atom(value)
        finally:
            norm.source = saved_source

    def inlinable(self, node):
        """The user's module-level function ``node`` calls, if its body can go in place
        of the call (see :func:`can_inline`), else None."""
        norm = self.norm
        if any(isinstance(a, gast.Starred) for a in node.args):
            return None   # *args at the call
        if node.func.__class__ is gast.Name:   # (f given rhs by name: rhs, see function_args)
            node.func = given_function(norm, node.func)
        if norm.module_names.global_path(node.func) is None:
            made = made_here(norm, node.func)   # s2sad.grad(f)(x): a derivative made here
            return made if made is not None and can_inline(made) else None
        obj = callee_of(node.func, norm.parsed)   # helper(...), or models.helper(...)
        return obj if can_inline(obj) else None

    def inline_helper(self, node, obj, written=None):
        """The body of the user's function ``obj`` in place of the call ``node``, in the
        function's own scope: its parameters bound to the call's atoms, nothing else.
        ``written`` (``{parameter: kind}``, see ``.functionalize``): the parameters it
        writes into are bound to copies, and ``(result, {parameter: the call's atom},
        {parameter: its value at the end})`` is returned instead of the result."""
        norm = self.norm
        if obj in self.inlined_functions:
            through = self.inlined_functions[self.inlined_functions.index(obj) + 1:]
            how = f" through {', '.join(getattr(f, '__name__', '?') for f in through)}" if through else ""
            raise norm.error(f"{obj.__name__} calls itself{how}, so its body cannot be put in "
                             f"place of the call for second derivatives", node,
                             hint="write the recursion as a loop")
        # rebinding the name regenerates the code
        path = norm.module_names.global_path(node.func)
        if path is not None:   # (s2sad.grad(f)(x): its names are recorded where it is made)
            norm.module_names.use_global(path[0], node)
        helper = self.helper_sources[id(obj)]   # (parsed, its names reserved, at the start)
        fn = self.renamed_tree(helper)
        fence.check(_without_varargs(helper) if fn.args.vararg is not None else helper,
                    writes=bool(written))
        params = [a.id for a in fn.args.args]
        kwonly = [a.id for a in fn.args.kwonlyargs]
        defaults, unread, owner = _default_reads(norm, node, obj)
        composed = anno.COMPOSED_AS in obj.__dict__
        vararg = fn.args.vararg.id if fn.args.vararg is not None else None
        if composed:   # (a derivative called inside: bound as the API)
            rebind_composed_call(obj, node, norm.parsed.location(node), owner)
            refuse_unread_defaults(obj, node, unread, norm.parsed.location(node))
        bound = self.bind_inlined_args(node, obj.__name__, params, defaults, kwonly,
                                       vararg=vararg)
        atoms = dict(bound)
        for param, kind in (written or {}).items():
            bound[param] = self.copy_of(param, bound[param], kind)
        saved = (norm.env, norm.parsed, norm.locals, norm.local_functions,
                 norm.held_in_containers, norm.loop_spans, norm.inlined_args, self.tree)
        self.tree = fn
        norm.env = dict(bound)
        norm.parsed = helper
        norm.locals = {t.id for t in nodes.names(fn.body) if isinstance(t.ctx, gast.Store)}
        check_local_functions(fn, norm.error)
        norm.local_functions = {}
        norm.held_in_containers, norm.loop_spans = containers_and_loops(fn)
        norm.inlined_args = norm.inlined_args | {
            a.id for p, a in bound.items() if isinstance(a, gast.Name) and p not in (written or ())}
        spelled_before = norm.inlined_spelled   # (each call's words, while it is inlined)
        norm.inlined_spelled = dict(spelled_before, **_spelled_arguments(
            node, params, kwonly, bound, defaults))
        self.inlined_functions.append(obj)
        try:
            result = self.inline_body(fn, obj.__name__, obj)
            if written is None:
                return result
            return result, atoms, {p: nodes.clone(norm.env[p]) for p in written}
        except S2sadError as exc:   # in the code s2sad made for a derivative called here
            what = obj.__dict__.get(anno.COMPOSED_AS)
            if what is None:
                raise
            raise seen_from_call(exc, saved[1].location(node), what) from None
        finally:
            self.inlined_functions.pop()
            (norm.env, norm.parsed, norm.locals, norm.local_functions,
             norm.held_in_containers, norm.loop_spans, norm.inlined_args,
             self.tree) = saved
            norm.inlined_spelled = spelled_before

    def renamed_tree(self, helper):
        """The tree of the parsed ``helper`` with its local functions' names renamed
        apart (see .hygiene): itself when it has none, else a copy made once (a
        helper's tree, read once and shared, is never changed)."""
        tree = self.renamed.get(id(helper))
        if tree is None:
            tree = helper.node
            if local_function_names(tree):
                tree = nodes.clone(tree)
                self.original.update((new, old) for old, new in rename_shadowed(
                    tree, registry.helper_names()))
            # the rewrites the function itself went through before its walk (a
            # defaultdict, sum(groups, []), ...), on a copy: an inlined body means what
            # the helper's own code means
            lowered = nodes.clone(tree) if tree is helper.node else tree
            if lower_source_forms(lowered, helper) is not None:
                tree = lowered
                for introduced in user_names(tree) - user_names(helper.node):
                    self.norm.namer.reserve(introduced)
            self.renamed[id(helper)] = tree
        return tree

    def copy_of(self, param, atom, kind):
        """Emit a copy of the argument ``atom`` an inlined helper writes into (as its
        parameter ``param``): ``copy_of`` (``x.copy()``), or ``copy_container`` for a list or dict;
        returns the copy's name."""
        norm = self.norm
        name = norm.namer.fresh(param)
        if kind in ("list", "dict") or isinstance(atom, gast.Name) and (
                atom.id in norm.aliases.list_values or atom.id in norm.dicts):
            copier, dotted = registry.LIST_HELPERS["copy_container"], "copy_container"
            norm.helpers[dotted] = copier
            if isinstance(atom, gast.Name) and atom.id in norm.aliases.list_values:
                norm.aliases.list_values.add(name)
            if kind == "dict" or isinstance(atom, gast.Name) and atom.id in norm.dicts:
                norm.dicts.add(name)   # (kind "dict": the caller's code shows a dict)
        else:
            copier, dotted = registry.METHODS["copy"]
            if registry.runtime_method(copier):   # (s2sad's copy_of: lazy for Dask)
                norm.helpers[dotted] = copier
            else:
                norm.module_names.use_numpy(dotted, copier)
        norm.emit(nodes.assign(name, anno.set(nodes.call(dotted, [nodes.clone(atom)]),
                                              anno.CALLEE, copier)))
        norm.defined.add(name)
        norm.aliases.argument_copies.add(name)
        return nodes.name(name)


def _without_varargs(helper):
    """The parsed ``helper`` with its ``*args`` parameter left out, for the fence: a
    helper inlined binds it to a tuple (a derivative of its own expands it the same
    way, ``transform.calls.expand_varargs``)."""
    node = copy.copy(helper.node)
    node.args = copy.copy(node.args)
    node.args.vararg = None
    return dataclasses.replace(helper, node=node)


def _spelled_arguments(node, params, kwonly, bound, defaults):
    """``{atom: words}`` for the names ``bound`` (parameter -> atom) binds an inlined
    call's parameters to: the argument as the call ``node`` wrote it, or the default."""
    given = dict(zip(params, node.args))
    given.update((kw.arg, kw.value) for kw in node.keywords if kw.arg)
    found = {}
    for param in list(params) + list(kwonly):
        atom = bound.get(param)
        if not isinstance(atom, gast.Name):
            continue
        if param in given:
            found[atom.id] = (f"the caller's array passed as {param!r} "
                              f"({printer.expr(given[param], 0)})")
        elif param in defaults:
            found[atom.id] = f"the default value of {param!r}"
    return found
