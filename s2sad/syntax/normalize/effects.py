"""Statements run for their effect alone: calls that print, log or warn, and ``raise``.

Input: one statement of the function being normalized (a ``gast.Expr`` of a call, or a
``gast.Raise``).
Output: the statement with its arguments made atoms, emitted where Python runs it; an
``Expr`` carries ``anno.EFFECT``.  The transforms copy such a statement into the primal
(forward) sweep and give it no derivative: what it does cannot change a differentiated
value, and it runs once per call of the derivative, on the values Python would see.

A call is run for its effect when its callee is

* ``print``, ``warnings.warn``, one of ``logging``'s functions (``logging.info``...),
  or that method of a ``logging.Logger`` or ``LoggerAdapter`` the code reads by name
  (``log.debug`` of a module's ``log = logging.getLogger(...)``);
* a user's function whose source shows it writes nothing (no item, attribute or
  global, no ``p += v`` of a parameter that may be an array), defines no function, and
  calls only such callees, numpy's functions (save those writing into an argument,
  ``np.copyto``..., or given ``out=``), exception classes, the pure
  builtins below and the pure methods below (a discarded ``helper(buf)`` runs as
  Python runs it; ``check(x)`` raising on a bad ``x`` raises there).

Anything else stays refused by the caller (``core._discarded_call_error``): it may
write into something s2sad does not see (``x.sort()``, ``np.random.shuffle(x)``).
"""

import builtins
import copy
import inspect
import logging
import textwrap
import warnings

import gast

from ...rules import registry
from .. import anno, gastify, nodes
from ..parse import is_user_function
from .draw_methods import DRAW_METHODS
from .loggers import local_loggers

#: the methods of a logger that log a message
LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception",
                         "critical", "fatal", "log"})

#: builtins that return a value and change nothing
PURE_BUILTINS = frozenset({
    "abs", "all", "any", "bool", "complex", "dict", "divmod", "enumerate", "float",
    "format", "int", "isinstance", "len", "list", "max", "min", "pow", "range", "repr",
    "reversed", "round", "sorted", "str", "sum", "tuple", "type", "zip", "callable",
    "ascii", "bin", "hex", "oct", "chr", "ord"})

#: methods of arrays, numbers and strings that return a value and change nothing
PURE_METHODS = frozenset({
    "sum", "mean", "std", "var", "min", "max", "prod", "any", "all", "argmax", "argmin",
    "reshape", "copy", "astype", "item", "tolist", "ravel", "flatten", "transpose",
    "dot", "conj", "round", "clip", "cumsum", "cumprod", "nonzero", "squeeze",
    "format", "join", "upper", "lower", "strip", "split", "replace", "startswith",
    "endswith", "keys", "values", "items", "get", "count", "index", "real", "imag"})


def effect_callee(obj):
    """Whether the object ``obj`` is a callee run only to print, log or warn."""
    if obj is builtins.print or obj is warnings.warn:
        return True
    if inspect.ismethod(obj) and isinstance(
            obj.__self__, (logging.Logger, logging.LoggerAdapter)):
        return obj.__func__.__name__ in LOG_METHODS
    return inspect.isfunction(obj) and obj.__module__ == "logging" \
        and obj.__name__ in LOG_METHODS and getattr(logging, obj.__name__, None) is obj


def resolve(func, lookup):
    """The object the callee ``func`` (``print``, ``warnings.warn``, ``log.debug``)
    denotes, ``lookup(name)`` giving a free name's object (or None); None when it is
    not such a path, or a step of it is no module or logger."""
    spelled = nodes.dotted_parts(func)
    if spelled is None:
        return None
    obj = lookup(spelled[0])
    for part in spelled[1]:
        if inspect.ismodule(obj):
            obj = getattr(obj, part, None)
        elif isinstance(obj, (logging.Logger, logging.LoggerAdapter)) and part in LOG_METHODS:
            obj = getattr(obj, part)
        else:
            return None
    return obj


def effect_only(obj, _seen=None):
    """Whether ``obj`` is a callee whose call, its result unused, does nothing s2sad
    must follow: an effect callee, or a user's function writing nothing (module
    docstring)."""
    if effect_callee(obj):
        return True
    if not is_user_function(obj) or registry.lookup(obj) is not None \
            or hasattr(obj, "__wrapped__"):
        return False
    seen = set() if _seen is None else _seen
    if obj in seen:
        return True   # (recursion: decided by the other calls)
    seen.add(obj)
    try:
        tree = gastify.parse(textwrap.dedent(inspect.getsource(obj)))
    except (OSError, TypeError, SyntaxError):
        return False
    fn = tree.body[0] if tree.body else None
    if not isinstance(fn, gast.FunctionDef) or fn.args.vararg or fn.args.kwarg:
        return False
    params = {a.id for a in fn.args.args + fn.args.kwonlyargs}
    local = {n.id for n in nodes.walk(fn) if isinstance(n, gast.Name)
             and isinstance(n.ctx, gast.Store)} | params
    closure = inspect.getclosurevars(obj)
    fresh = set(fresh_updates(fn, params))   # (a = a * 2; a += v: a value of its own)

    def lookup(name):
        if name in local:
            return None
        for space in (closure.nonlocals, obj.__globals__, vars(builtins)):
            if name in space:
                return space[name]
        return None

    for node in nodes.walk(fn):
        if node is fn:
            continue
        if isinstance(node, (gast.Global, gast.Nonlocal, gast.Delete, gast.FunctionDef,
                             gast.Lambda, gast.ClassDef, gast.Yield, gast.YieldFrom,
                             gast.AsyncFunctionDef, gast.Await, gast.NamedExpr)):
            return False
        if isinstance(node, (gast.Subscript, gast.Attribute)) \
                and not isinstance(node.ctx, gast.Load):
            return False
        if isinstance(node, gast.AugAssign) and not (
                isinstance(node.target, gast.Name) and (node.target.id not in params
                                                        or node in fresh)):
            return False   # p += v writes the caller's array
        if isinstance(node, gast.Call) and not _pure_call(node, lookup, seen):
            return False
    return True


def fresh_updates(fn, params):
    """The augmented assignments ``p op= v`` of a parameter ``p`` of ``fn`` (a
    ``FunctionDef``) that act on a new value of the function's own: ``p`` bound before,
    in a statement of the body itself, to an operator's result or a copy (``a = a * 2``,
    ``a = np.copy(a)``), and bound nowhere else before (``def h(a, v): a = a * 2; a +=
    v`` changes no argument of the caller's)."""
    fresh, found = set(), []
    for stmt in fn.body:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in params:
            name = stmt.targets[0].id
            if _allocates(stmt.value):
                fresh.add(name)
            else:
                fresh.discard(name)
            continue
        walked = nodes.walk(stmt)
        for node in walked:   # (a store in a branch or a loop: it may hold anything)
            if isinstance(node, gast.Name) and not isinstance(node.ctx, gast.Load) \
                    and node.id in fresh and not any(
                        isinstance(a, gast.AugAssign) and a.target is node for a in walked):
                fresh.discard(node.id)
        found.extend(node for node in walked if isinstance(node, gast.AugAssign)
                     and isinstance(node.target, gast.Name) and node.target.id in fresh)
    return found


def _allocates(value):
    """Whether the expression ``value`` makes a new object: an arithmetic operator's
    result, or a copy (``np.copy(a)``, ``a.copy()``)."""
    if isinstance(value, (gast.BinOp, gast.UnaryOp)):
        return True
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
        and value.func.attr == "copy"


def _pure_call(call, lookup, seen):
    func = call.func
    if isinstance(func, gast.Name) and func.id in PURE_BUILTINS \
            and lookup(func.id) is getattr(builtins, func.id):
        return True
    obj = resolve(func, lookup)
    if obj is None:   # a method of a value: one known to change nothing
        return isinstance(func, gast.Attribute) and func.attr in PURE_METHODS \
            and resolve(func.value, lookup) is None
    if isinstance(obj, type) and issubclass(obj, BaseException):
        return True   # raise ValueError(...): the exception made
    if registry.lookup(obj) is not None and not is_user_function(obj) \
            or _numpy_function(obj):
        return not any(k.arg == "out" for k in call.keywords)   # (out= writes into it)
    return effect_only(obj, seen)


#: numpy's functions that write into an argument or numpy's state
NUMPY_WRITERS = frozenset({
    "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis", "shuffle",
    "seed", "set_state", "setbufsize", "seterr", "seterrcall", "set_printoptions",
    "set_string_function", "setflags", "resize"})


def _numpy_function(obj):
    """Whether ``obj`` is a function or ufunc of numpy's own (``np.any``, ``np.isnan``)
    that writes into none of its arguments (save by ``out=``)."""
    module = getattr(obj, "__module__", None) or ""
    if module != "numpy" and not module.startswith("numpy.") \
            or module.startswith("numpy.random"):   # (a draw changes the random state)
        return False
    name = getattr(obj, "__name__", "")
    return callable(obj) and name not in NUMPY_WRITERS


#: methods that change the object they are called on (a list's, a dict's, a set's, an
#: array's)
CHANGING_METHODS = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault",
    "popitem", "add", "discard", "sort", "reverse", "fill", "put", "resize", "itemset"})


def global_write(obj, _seen=None):
    """What the user's function ``obj`` writes outside itself and its arguments, as
    words (``"global COUNT"``, ``"LOG.append(...)"``), or None: a ``global`` or
    ``nonlocal`` statement, an item or attribute written, or a changing method called,
    on a name it neither binds nor takes, a numpy function writing into an argument,
    or such a write in a user's function it calls."""
    return next((words for words, _ in outside_writes(obj, _seen)), None)


def outside_writes(obj, _seen=None):
    """Each write :func:`global_write` describes, as ``(words, key)``: ``key`` is
    ``("name", id(module globals), name)`` for a global rebound, ``("object", id(o))``
    for an item, attribute or changing method of the module's or closure's object
    ``o``, None where there is no such object (``nonlocal``, a numpy writer's argument
    s2sad cannot name)."""
    seen = set() if _seen is None else _seen
    if not is_user_function(obj) or obj in seen:
        return
    seen.add(obj)
    fn = _function_tree(obj)
    if fn is None:
        return
    local = {n.id for n in nodes.walk(fn) if isinstance(n, gast.Name)
             and not isinstance(n.ctx, gast.Load)} | {
        a.id for a in fn.args.args + fn.args.kwonlyargs}

    def outside(node):
        while isinstance(node, (gast.Subscript, gast.Attribute)):
            node = node.value
        return isinstance(node, gast.Name) and node.id not in local and node.id

    def key(name):
        held = _free_value(obj, name)
        return None if held is _ABSENT else ("object", id(held))

    for node in nodes.walk(fn):
        if isinstance(node, (gast.Global, gast.Nonlocal)):
            words = f"{type(node).__name__.lower()} {', '.join(node.names)}"
            for name in node.names:
                yield words, (("name", id(obj.__globals__), name)
                              if isinstance(node, gast.Global) else None)
        elif isinstance(node, (gast.Subscript, gast.Attribute)) \
                and not isinstance(node.ctx, gast.Load) and outside(node.value):
            yield f"{outside(node.value)}[...] = ...", key(outside(node.value))
        elif isinstance(node, gast.Call):
            yield from _call_writes(obj, node, local, outside, key, seen)


def _call_writes(obj, node, local, outside, key, seen):
    """The writes of the call ``node`` in the user's function ``obj`` (see
    :func:`outside_writes`)."""
    func = node.func
    if isinstance(func, gast.Attribute) and func.attr in CHANGING_METHODS \
            and outside(func.value) and not inspect.ismodule(
                obj.__globals__.get(outside(func.value))):
        yield f"{outside(func.value)}.{func.attr}(...)", key(outside(func.value))
        return
    callee = resolve(func, lambda n: None if n in local else obj.__globals__.get(
        n, getattr(builtins, n, None)))
    if getattr(callee, "__name__", None) in NUMPY_WRITERS \
            and (getattr(callee, "__module__", None) or "").startswith("numpy"):
        first = node.args[0] if node.args else None
        yield f"np.{callee.__name__}(...)", first is not None and outside(first) \
            and key(outside(first)) or None
    elif callee is not None:
        yield from outside_writes(callee, seen)


_ABSENT = object()


def _free_value(obj, name):
    """The value of the free name ``name`` of the function ``obj``: its closure's, else
    its module's (``_ABSENT`` if neither holds it)."""
    code = obj.__code__
    if name in code.co_freevars and obj.__closure__:
        try:
            return obj.__closure__[code.co_freevars.index(name)].cell_contents
        except ValueError:   # (an empty cell)
            return _ABSENT
    return obj.__globals__.get(name, _ABSENT)


def _function_tree(obj):
    """The function (or lambda) tree of the user's function ``obj``, or None."""
    try:
        fn = gastify.parse(textwrap.dedent(inspect.getsource(obj))).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        return None
    if not isinstance(fn, gast.FunctionDef):   # (a lambda's line: ``f = lambda x: ...``)
        lambdas = [n for n in nodes.walk(fn) if isinstance(n, gast.Lambda)]
        return lambdas[0] if len(lambdas) == 1 else None
    return fn


class Effects:
    """Emits the statements run for their effect (see the module docstring)."""

    def __init__(self, normalizer):
        self.norm = normalizer
        self._loggers = None

    def loggers(self):
        """``{local name: logger}`` of the function's ``lg = logging.getLogger(...)``
        and ``lg = log`` (``loggers.local_loggers``), found once."""
        if self._loggers is None:
            norm = self.norm
            self._loggers = local_loggers(
                norm.parsed.node.body,
                lambda n: None if n in norm.locals or n in norm.local_functions
                else norm.parsed.resolve(n, None))
        return self._loggers

    def lookup(self, name):
        norm = self.norm
        if name in norm.env or name in norm.locals or name in norm.local_functions:
            return self.loggers().get(name)
        return norm.parsed.resolve(name, None)

    def call(self, stmt):
        """Emit the call statement ``stmt`` if it runs for its effect alone; whether it
        did."""
        call = stmt.value
        obj = resolve(call.func, self.lookup)
        if obj is None or not effect_only(obj):
            return False
        if any(isinstance(a, gast.Starred) for a in call.args) \
                or any(k.arg is None for k in call.keywords):
            return False
        norm = self.norm
        func = self.callee(call.func)
        args = [norm.flat.atom(a) for a in call.args]
        keywords = [gast.keyword(arg=k.arg, value=norm.flat.atom(k.value))
                    for k in call.keywords]
        out = gast.Expr(value=gast.Call(func=func, args=args, keywords=keywords))
        anno.set(out, anno.EFFECT, obj)
        norm.emit(out)
        return True

    def runs_unused(self, call):
        """Whether the call statement's ``call`` is run as ``t = call`` with ``t``
        unused (for what it raises): its callee writes into nothing (a function of the
        op table, numpy's or math's, a pure builtin, a pure method of a local value),
        or sets or advances a generator's state (``np.random.seed``, ``random.seed``,
        ``np.random.set_state``, a draw thrown away to advance it: ``rng.random()``,
        ``np.random.rand()``), which the draws after it read (``api.draws`` puts the
        states back between runs)."""
        if any(isinstance(a, gast.Starred) for a in call.args) \
                or any(k.arg is None for k in call.keywords):
            return False
        obj = resolve(call.func, self.lookup)
        if _draws_or_sets_state(obj, call.func):
            return True
        return not is_user_function(obj) and _pure_call(call, self.lookup, set())

    def unused_result(self, stmt):
        """``t = call(...)`` (``stmt``), nothing reading ``t`` after it, handled as the
        call as a statement is; whether it emitted ``stmt``.  A callee run for its
        effect (``_ = print(...)``, a helper that only prints or checks) runs as the
        statement runs (once per call of a Hessian too), ``t`` bound to None; a
        user's helper writing into a global is refused, as the statement is: the
        derivative would run the write (once per sweep), which s2sad does not follow.
        (A call whose result is read is refused where its callee's code is read.)"""
        norm, call = self.norm, stmt.value
        spelled = nodes.dotted_parts(call.func) if isinstance(call, gast.Call) else None
        if spelled is None or spelled[0] in norm.local_functions and not spelled[1]:
            return False
        obj = resolve(call.func, self.lookup)
        quiet = obj is not None and effect_only(obj)
        what = None if obj is None or quiet else global_write(obj)
        if not quiet and what is None or quiet and not (
                len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
            return False
        names = [n.id for t in stmt.targets for n in nodes.walk(t)
                 if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)]
        # (a function's result, ``return h(x)`` after an early return: read by the return
        # desugaring put last, which an inlined helper's lines do not show)
        if any(n in norm.return_names or norm.writes.read_after(
                n, getattr(stmt, "lineno", 0), stmt) for n in names):
            return False
        if quiet:
            if not self.call(gast.copy_location(gast.Expr(value=call), stmt)):
                return False
            norm.assigns.bind_name(names[0], gast.copy_location(nodes.const(None), stmt))
            return True
        raise norm.error(
            f"{'.'.join([spelled[0]] + spelled[1])} writes outside itself ({what}), and its "
            f"result here is unused: s2sad does not follow such a write (the call as a "
            f"statement is refused too)", stmt.value,
            hint="return the new value and assign it, or make the call outside the "
                 "differentiated function")

    def callee(self, func):
        """The callee path ``func`` read from the module (its root recorded)."""
        norm = self.norm
        root = func
        while isinstance(root, gast.Attribute):
            root = root.value
        if root.id in self.loggers() and (root.id in norm.env or root.id in norm.locals):
            # lg.info of a local lg = logging.getLogger(...): the name's value now
            return gast.Attribute(value=norm.flat.atom(root), attr=func.attr,
                                  ctx=gast.Load())
        norm.module_names.use_global(root.id, root)
        return nodes.clone(func)

    def raise_statement(self, stmt):
        """``raise E(args)`` / ``raise E`` / ``raise E(...) from C``: raised where Python
        raises it, with the same exception."""
        norm = self.norm
        if stmt.exc is None:
            raise norm.error("a bare 'raise' re-raises the exception being handled, and a "
                             "differentiated function handles none ('try' is refused)",
                             stmt, hint="raise an exception: raise ValueError('...')")
        exc = self.exception(stmt.exc, stmt)
        cause = None if stmt.cause is None else self.exception(stmt.cause, stmt)
        norm.emit(gast.Raise(exc=exc, cause=cause))

    def assert_statement(self, stmt):
        """``assert test`` and ``assert test, "constant"`` stay asserts (a written module
        imported under ``python -O`` runs none, as Python runs none of the function's);
        a message to compute is made only where the test fails (assert_with_message)."""
        if stmt.msg is None or isinstance(stmt.msg, gast.Constant):
            msg = None if stmt.msg is None else nodes.const(stmt.msg.value)
            self.norm.emit(gast.Assert(test=self.norm.flat.atom(stmt.test), msg=msg))
        else:
            self.assert_with_message(stmt)   # if not test: raise AssertionError(msg)

    def assert_with_message(self, stmt):
        """``assert test, msg`` as ``if not test: raise AssertionError(msg)``: Python
        makes the message only where the test fails."""
        def at(node):
            for sub in gast.walk(node):
                gast.copy_location(sub, stmt)
            return node
        raising = at(gast.Raise(exc=gast.Call(func=gast.Name(
            id="AssertionError", ctx=gast.Load(), annotation=None, type_comment=None),
            args=[], keywords=[]), cause=None))
        raising.exc.args = [stmt.msg]   # (the user's nodes keep their places)
        test = at(gast.UnaryOp(op=gast.Not(), operand=gast.Constant(value=None, kind=None)))
        test.operand = stmt.test
        self.norm.scope.if_statement(at(gast.If(test=test, body=[raising], orelse=[])))

    def exception(self, node, stmt):
        """The exception expression ``node``: a name or path of an exception class or
        object, or such a class called on arguments (made atoms); None as a cause."""
        norm = self.norm
        if isinstance(node, gast.Constant) and node.value is None:
            return nodes.const(None)
        target = node.func if isinstance(node, gast.Call) else node
        obj = resolve(target, self.lookup)
        if isinstance(node, gast.Call) and isinstance(obj, type) \
                and issubclass(obj, BaseException) \
                and not any(isinstance(a, gast.Starred) for a in node.args) \
                and not any(k.arg is None for k in node.keywords):
            return gast.Call(func=self.callee(node.func),
                             args=[norm.flat.atom(a) for a in node.args],
                             keywords=[gast.keyword(arg=k.arg, value=norm.flat.atom(k.value))
                                       for k in node.keywords])
        if not isinstance(node, gast.Call) and (
                isinstance(obj, BaseException) or isinstance(obj, type)
                and issubclass(obj, BaseException)):
            return self.callee(node)
        raise norm.error("s2sad raises an exception class of the module or the builtins, "
                         "called on arguments (raise ValueError(msg)), or such a class or "
                         "exception object named directly", node,
                         hint="write raise SomeError(...) with SomeError a class "
                              "defined at module level")


def has_effects(fn):
    """Whether the normalized function ``fn`` (a ``gast.FunctionDef``) runs a statement
    for its effect (``anno.EFFECT``)."""
    todo = [fn.body]
    while todo:
        for stmt in todo.pop():
            if anno.get(stmt, anno.EFFECT) is not None:
                return True
            for block in ("body", "orelse"):
                if isinstance(stmt, (gast.If, gast.For, gast.While)):
                    todo.append(getattr(stmt, block))
    return False


def without_effect_statements(fn):
    """A copy of the normalized function ``fn`` (a ``gast.FunctionDef``) without its
    statements run for their effect (``anno.EFFECT``): a callee's code in the quiet
    columns of a Jacobian, where Python's function ran them once.  Compound statements
    holding one are copied; no node of ``fn`` changes."""
    def strip(body):
        out = []
        for stmt in body:
            if anno.get(stmt, anno.EFFECT) is not None:
                continue
            if isinstance(stmt, (gast.If, gast.For, gast.While)):
                then, orelse = strip(stmt.body), strip(stmt.orelse)
                if _changed(then, stmt.body) or _changed(orelse, stmt.orelse):
                    stmt, old = copy.copy(stmt), stmt
                    stmt.body = then or [gast.copy_location(gast.Pass(), old)]
                    stmt.orelse = orelse
            out.append(stmt)
        return out

    new = copy.copy(fn)
    new.body = strip(fn.body)
    return new


def without_effects(body, lookup):
    """The statements ``body`` without the calls run for their effect (see the module
    docstring), ``lookup(name)`` giving a free name's object: the code a Hessian's
    later columns run, where Python's function ran once.  Compound statements holding
    one are copied; no node of ``body`` changes."""
    loggers = local_loggers(body, lookup)
    if loggers:   # (lg.info(...) of a local lg = logging.getLogger(...))
        def lookup(name, free=lookup):
            return loggers.get(name) or free(name)
    out = []
    for stmt in body:
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            obj = resolve(stmt.value.func, lookup)
            if obj is not None and effect_only(obj):
                continue
        elif isinstance(stmt, (gast.If, gast.For, gast.While)):
            then, orelse = without_effects(stmt.body, lookup), \
                without_effects(stmt.orelse, lookup)
            if _changed(then, stmt.body) or _changed(orelse, stmt.orelse):
                stmt, old = copy.copy(stmt), stmt
                stmt.body = then or [gast.copy_location(gast.Pass(), old)]
                stmt.orelse = orelse
        out.append(stmt)
    return out


def _changed(statements, original):
    """Whether ``without_effects`` took a statement out of ``original`` or copied one
    (an ``if`` printing in a loop: the loop's body is as long, its ``if`` new)."""
    return len(statements) != len(original) or \
        any(new is not old for new, old in zip(statements, original))


#: what sets a generator's state (numpy's and random's module functions and methods)
_STATE_SETTERS = frozenset({"seed", "set_state", "setstate"})


def _draws_or_sets_state(obj, func):
    """Whether the callee ``obj`` (``func``: its spelling) sets or advances a numpy or
    random generator's state: the modules' ``seed``/``set_state``, a draw function of
    theirs, or a draw method of a local value or argument (``rng.standard_normal(2)``,
    which ``normalize.draw_methods`` makes a ``random_draw`` that checks ``rng`` at
    each call); never ``shuffle``, which writes into its argument."""
    name = getattr(obj, "__name__", None)
    owner = type(getattr(obj, "__self__", None))
    module = getattr(obj, "__module__", None) or getattr(owner, "__module__", "") or ""
    if module == "random" or module.split(".")[:2] == ["numpy", "random"]:
        return name in _STATE_SETTERS or name in DRAW_METHODS
    return obj is None and isinstance(func, gast.Attribute) and func.attr in DRAW_METHODS
