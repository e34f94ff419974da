"""Fence: reject, with a located error, every construct s2sad cannot differentiate.

Input: a :class:`~s2sad.syntax.parse.ParsedFunction`.
Output: nothing; raises :class:`UnsupportedSyntaxError` at the first construct
outside the supported subset.  After this pass, ``normalize`` may assume it
meets only node types it knows.

The table below is the single list of what is refused and why.
"""

import builtins
import types

import gast

from ..errors import UnsupportedSyntaxError
from ..rules import registry
from . import nodes, overwrite_flags, raises
from .closure_sharing import stale_read
from .desugar import CONSUMERS, consumer_named, statements_same_function
from .formatting import builtins_named, is_format_call, literal_formats

# node type -> (what it is, what to do instead)
#: an import the body's top level does not do first (see syntax.local_imports)
_IMPORT = ("this import inside a differentiated function is not supported (one at the top "
           "level of its body is: not in a branch, a loop or a 'with', binding a name the "
           "function binds no other way and reads only after it; not 'import *')")
_IMPORT_HINT = "move the import to the top of the function's body, or to module level"

UNSUPPORTED = {
    gast.Try: ("'try' statements cannot be differentiated",
               "move the try/except outside the function you differentiate"),
    gast.With: ("'with' statements cannot be differentiated",
                "move the 'with' block outside the function you differentiate"),
    gast.AsyncWith: ("'async with' cannot be differentiated", "use a plain function"),
    gast.AsyncFor: ("'async for' cannot be differentiated", "use a plain function"),
    gast.AsyncFunctionDef: ("async functions cannot be differentiated", "use a plain function"),
    gast.Await: ("'await' cannot be differentiated", "use a plain function"),
    gast.Yield: ("generators ('yield') cannot be differentiated",
                 "return a value (an array or a tuple) instead of yielding"),
    gast.YieldFrom: ("generators ('yield from') cannot be differentiated",
                     "return a value instead of yielding"),
    gast.Global: ("'global' statements cannot be differentiated",
                  "pass the value in as an argument and return the new value"),
    gast.Nonlocal: ("'nonlocal' statements cannot be differentiated",
                    "pass the value in as an argument and return the new value"),
    gast.ClassDef: ("class definitions inside a differentiated function are not supported",
                    "define the class at module level"),
    gast.Import: (_IMPORT, _IMPORT_HINT),
    gast.ImportFrom: (_IMPORT, _IMPORT_HINT),
    gast.Delete: ("'del' of a name, an attribute or a slice is not supported (one item of "
                  "a list or a dict is: del xs[i], del d[k])",
                  "drop a 'del name' that nothing reads the name after; write a list "
                  "without a slice's items as xs = xs[:a] + xs[b:]"),
    gast.NamedExpr: ("assignment expressions (':=') are not supported",
                     "assign to the name in a statement of its own"),
    gast.Set: ("set literals cannot be differentiated", "use a tuple or an array"),
    gast.SetComp: ("set comprehensions cannot be differentiated", "use a list and np.array"),
}
if hasattr(gast, "Match"):   # (Python 3.10 and newer)
    UNSUPPORTED[gast.Match] = (
        "'match' statements are not supported",
        "write the cases as if/elif/else: if v == \"sq\": ... elif v in (\"a\", "
        "\"b\"): ... else: ... (for case _), unpacking a sequence pattern with a, b = v")


def check(parsed, writes=False):
    """Raise at the first unsupported construct in ``parsed``'s body.  ``writes``: a
    callee that writes into its arguments (see ``normalize.functionalize``), whose
    call gives their new values: it may return nothing."""
    fn = parsed.node
    args = fn.args
    for kind, node in (("*args", args.vararg), ("**kwargs", args.kwarg)):
        if node is not None:
            raise UnsupportedSyntaxError(
                f"functions with {kind} parameters cannot be differentiated yet",
                parsed.location(node), hint="list the parameters explicitly")
    if getattr(args, "posonlyargs", None):
        raise UnsupportedSyntaxError(
            "positional-only parameters are not supported",
            parsed.location(args.posonlyargs[0]), hint="drop the '/' marker")
    everything = parsed.walked()   # nodes.walk(fn), in gast.walk's order, for the checks below
    # (its nodes by class, which a check of a few classes reads: nodes.indexed_walk's, or
    # made here for a walk kept without them, as second order keeps one)
    classes = getattr(everything, "classes", None) or nodes.by_class(everything)
    if not classes.keys().isdisjoint(UNSUPPORTED):
        # report the first one statement by statement, as before the fast check (a set
        # of constants tested for membership, k in {"a", "b"}, is read as a tuple)
        tested = {id(s) for s in membership_sets(classes.get(gast.Compare, ()))}
        for stmt in fn.body:
            for node in nodes.walk(stmt):
                entry = UNSUPPORTED.get(type(node))
                if entry is not None and id(node) not in tested:
                    raise UnsupportedSyntaxError(entry[0], parsed.location(node),
                                                 hint=entry[1])
    _check_complex(parsed, everything, classes)
    _check_out_arguments(parsed, classes.get(gast.Call, ()))
    overwrite_flags.check(parsed, classes.get(gast.Call, ()), _users_helper,
                          _LIBRARIES)
    _check_in_place_values(parsed, classes)
    _check_starred_and_generators(parsed, everything, classes)
    if not writes:
        _check_returns(parsed)
    if gast.For in classes or gast.While in classes:
        _check_loops(parsed, everything)
    if gast.Lambda in classes or len(classes.get(gast.FunctionDef, ())) > 1 \
            or parsed.node.__class__ is not gast.FunctionDef:   # (a local function)
        _check_local_functions(parsed, everything)


def membership_sets(compares):
    """The set displays of constants (numbers, strings, None) that the comparisons
    ``compares`` test membership in (``k in {"a", "c"}``, ``k not in {1, 2}``): the
    same test as of the tuple of those constants, which ``sourceforms`` writes."""
    return [right for node in compares for op, right in zip(node.ops, node.comparators)
            if op.__class__ in (gast.In, gast.NotIn) and right.__class__ is gast.Set
            and all(e.__class__ is gast.Constant and e.value.__class__ in (
                int, float, str, bool, type(None)) for e in right.elts)]


_STARRED_OR_GENERATOR = frozenset((gast.Starred, gast.GeneratorExp, gast.JoinedStr))


def _check_starred_and_generators(parsed, everything, classes):
    """Starred items and generator expressions where ``desugar.lower`` gives them
    Python's meaning: starred targets of an assignment or a ``for`` loop, starred
    items of list and tuple displays (and of a call, when what is starred is a
    display), generator expressions consumed whole by a builtin (``sum(...)``).

    Input: the parsed function, every node of it and its nodes by class
    (``nodes.by_class``); raises at the first refused one."""
    literal = {id(call): constant.value for call, constant in literal_formats(parsed.node)}
    if _STARRED_OR_GENERATOR.isdisjoint(classes) and not literal and not any(
            is_format_call(n) for n in classes.get(gast.Call, ())):
        return   # (gast's classes have no subclasses)
    parent = {}
    for node in everything:
        for child in gast.iter_child_nodes(node):
            parent[id(child)] = node
    builtin = _builtin_test(parsed, everything)
    for node in everything:
        if isinstance(node, gast.Starred):
            _check_starred(parsed, node, parent, builtin)
        elif isinstance(node, gast.GeneratorExp):
            _check_generator(parsed, node, parent, builtin)
        elif isinstance(node, gast.JoinedStr) and isinstance(parent.get(id(node)), gast.Expr):
            _refuse(parsed, "an f-string as a statement is not supported: it has no effect "
                    "on the result, but formatting its fields may call code", node,
                    "remove the statement")
        elif isinstance(node, gast.JoinedStr) and not isinstance(
                parent.get(id(node)), gast.FormattedValue) or isinstance(
                node, gast.Call) and (is_format_call(node) or id(node) in literal):
            # (not a field's spec; key.format(i) of key = "W{}" is lowered as the literal's)
            for name in sorted(builtins_named(node, literal.get(id(node)))):
                if not builtin(name):
                    _refuse(parsed, f"a format string is formatted by the builtin {name!r}, "
                            f"but the name {name!r} is not the builtin here", node,
                            f"rename what is called {name!r}")


def _builtin_test(parsed, everything):
    """A test ``name -> bool``: does ``name`` denote the builtin of that name in the
    function (bound nowhere in it, and resolving to the builtin)?"""
    bound = {n.id for n in everything if isinstance(n, gast.Name)
             and not isinstance(n.ctx, gast.Load)}
    bound |= {a.arg if hasattr(a, "arg") else getattr(a, "id", None)
              for n in everything if isinstance(n, (gast.FunctionDef, gast.Lambda))
              for a in n.args.args + n.args.kwonlyargs}
    bound |= {n.name for n in everything if isinstance(n, gast.FunctionDef)}

    def builtin(name):
        return name not in bound and parsed.resolve(name, None) is getattr(builtins, name)

    builtin.free = lambda name: name not in bound   # (not a name the function binds)
    return builtin


def _refuse(parsed, message, node, hint):
    raise UnsupportedSyntaxError(message, parsed.location(node), hint=hint)


def _check_starred(parsed, node, parent, builtin):
    """Raise unless the ``Starred`` ``node`` (its parents in ``parent``) is an item of a
    call's display, a starred target of a one-target assignment or a ``for``, or an
    item of a list or tuple display (``builtin``: unused, as the other checks')."""
    up = parent.get(id(node))
    if isinstance(up, gast.Call):
        if not isinstance(node.value, (gast.List, gast.Tuple)):
            _refuse(parsed, "unpacking a sequence into a call's arguments ('f(*xs)') is not "
                    "supported: how many arguments the call passes depends on the "
                    "value", node,
                    "pass the items by position (f(xs[0], xs[1])), or pass the "
                    "container itself")
    elif isinstance(up, (gast.List, gast.Tuple)) and isinstance(up.ctx, gast.Store):
        top = up
        while isinstance(parent.get(id(top)), (gast.List, gast.Tuple)):
            top = parent[id(top)]
        owner = parent.get(id(top))
        if not (isinstance(owner, gast.Assign) and owner.targets == [top]
                or isinstance(owner, gast.For) and owner.target is top):
            _refuse(parsed, "a starred target is supported in an assignment with one target "
                    "and in a 'for' loop only", node,
                    "unpack in a statement of its own: first, *rest = item")
        # (the list it makes is the builtin's, whatever the name 'list' holds here: see
        # syntax.own_builtins; so are the tuple(...) and list(...) of a display's item)
    elif not isinstance(up, (gast.List, gast.Tuple)):
        _refuse(parsed, "this starred expression is not supported", node,
                "write the items out")


def _check_generator(parsed, node, parent, builtin):
    """Raise unless the ``GeneratorExp`` ``node`` is read whole: the first argument of a
    builtin consumer (``desugar.CONSUMERS``; ``dict`` of (key, value) pairs only), or
    unpacked by a starred item or target."""
    up = parent.get(id(node))
    consumer = up.func.id if isinstance(up, gast.Call) and up.args \
        and up.args[0] is node and isinstance(up.func, gast.Name) \
        and up.func.id in CONSUMERS and builtin(up.func.id) else None
    if consumer is None and isinstance(up, gast.Call) and up.args and up.args[0] is node \
            and not (isinstance(up.func, gast.Name) and not builtin.free(up.func.id)):
        # builtins.min(...), MX(...) of 'from builtins import min as MX': by value
        consumer = consumer_named(parsed.resolve_callee(up.func))
    if consumer is None and (
            isinstance(up, gast.Starred) and isinstance(parent.get(id(up)), (
                gast.List, gast.Tuple))
            or isinstance(up, gast.Assign) and up.value is node
            and len(up.targets) == 1 and isinstance(up.targets[0], (
                gast.List, gast.Tuple))
            and any(isinstance(e, gast.Starred) for e in up.targets[0].elts)):
        consumer = "list"   # [*(e for x in xs)], a, *rest = (e for x in xs)
    if consumer is None:
        _refuse(parsed, "a generator expression is supported only as the iterable given to "
                "tuple(), list(), sum(), min(), max(), sorted(), any(), all() or "
                "dict(), or unpacked by a starred target or item ('a, *rest = ...', "
                "'[*(...)]'), which read it whole as the list comprehension", node,
                "write a list comprehension: [e for x in xs]")
    if consumer == "dict" and (len(up.args) != 1 or up.keywords or not (
            isinstance(node.elt, gast.Tuple) and len(node.elt.elts) == 2
            and not any(isinstance(e, gast.Starred) for e in node.elt.elts))):
        _refuse(parsed, "dict(...) of a generator expression is supported when each item is "
                "written as a (key, value) pair", node,
                "write a dict comprehension: {k: v for k, v in pairs}")


def _check_local_functions(parsed, everything):
    """Nested defs and lambdas are inlined where they are called: keep them simple.

    ``everything`` is ``nodes.walk(parsed.node)``.
    """
    for node in everything:
        if node.__class__ is not gast.FunctionDef and node.__class__ is not gast.Lambda \
                or node is parsed.node:   # (gast's classes have no subclasses)
            continue
        args = node.args
        if args.vararg or args.kwarg or args.kwonlyargs \
                or getattr(args, "posonlyargs", None):
            raise UnsupportedSyntaxError(
                "local functions with *args, **kwargs, keyword-only or positional-only "
                "parameters are not supported", parsed.location(node),
                hint="give the local function plain parameters (defaults work), or define "
                     "it at module level")
        if isinstance(node, gast.FunctionDef) and node.decorator_list:
            raise UnsupportedSyntaxError("decorated local functions are not supported",
                                         parsed.location(node.decorator_list[0]),
                                         hint="define the function at module level")
    stale = stale_read(parsed.node, everything)
    if stale is not None:
        fn, name, changed, where = stale
        label = fn.name if isinstance(fn, gast.FunctionDef) else "lambda"
        how = "a default of" if any(where is d for d in fn.args.defaults) else "read by"
        raise UnsupportedSyntaxError(
            f"{name!r}, {how} the local function {label!r}, may share memory with "
            f"{changed!r}, which this function changes in place: s2sad would read "
            f"{name!r} as it was before the change, where Python reads the changed object",
            parsed.location(where),
            hint=(f"pass {name!r} to the local function as an argument where it is "
                  f"called, not as a default" if changed == name else
                  f"make {name!r} a copy where it is bound ({name} = np.copy(...), "
                  f"list(...) or dict(...)); for a list or a dict, passing it to the local "
                  f"function as an argument where it is called works too"))


def _check_loops(parsed, everything):
    """``for``/``while`` without ``else`` and with a plain target; ``everything`` is
    ``nodes.walk(parsed.node)``."""
    for node in everything:
        if node.__class__ is not gast.For and node.__class__ is not gast.While:
            continue   # (gast's classes have no subclasses)
        if isinstance(node, (gast.For, gast.While)) and node.orelse:
            # (one without a break has its else body after it: see as_compiled)
            raise UnsupportedSyntaxError(
                f"'{type(node).__name__.lower()} ... else' with a 'break' is not supported",
                parsed.location(_else_keyword(parsed, node)),
                hint="set found = False before the loop and found = True before its "
                     "'break', then run the else body after the loop under 'if not found:'")
        if isinstance(node, gast.For) and not isinstance(node.target, (gast.Name, gast.Tuple)):
            raise UnsupportedSyntaxError("the loop target must be a name or a tuple of names",
                                         parsed.location(node.target))


def _else_keyword(parsed, loop):
    """Where the ``else`` of the loop ``loop`` is written (a node-like position for
    ``parsed.location``): the last line from its body's end to its else body's first
    line that starts with ``else``, else that first statement."""
    first = loop.orelse[0]
    start = getattr(loop.body[-1], "end_lineno", None) or loop.body[-1].lineno
    for line in range(first.lineno, start - 1, -1):
        text = parsed.lines[line - 1] if 0 < line <= len(parsed.lines) else ""
        column = len(text) - len(text.lstrip())
        if text.lstrip().startswith("else") and text.lstrip()[4:].lstrip().startswith(":"):
            return gast.Pass(lineno=line, col_offset=column)
    return first


def _check_returns(parsed):
    body = parsed.node.body
    returns = [n for stmt in body for n in statements_same_function(stmt)
               if n.__class__ is gast.Return]
    if not returns and raises.raises(body):
        return   # (every path raises: the derivative raises it, see desugar.desugar)
    if not returns:
        raise UnsupportedSyntaxError(
            f"{parsed.name} returns nothing, so there is nothing to differentiate",
            parsed.location(parsed.node), hint="return the value to differentiate")
    for node in returns:
        if node.value is None:
            raise UnsupportedSyntaxError(
                "'return' without a value", parsed.location(node),
                hint="return the value to differentiate")


# numpy's complex types, by attribute name (``np.complex128``...)
_COMPLEX_ATTRIBUTES = {"complex64", "complex128", "complex256", "complex_", "csingle",
                       "cdouble", "clongdouble", "cfloat", "clongfloat", "complexfloating"}
# complex dtypes spelled as strings (``dtype="complex"``, ``x.astype("c16")``)
_COMPLEX_STRINGS = {"c8", "c16", "c32", "F", "D", "G"}


def _check_out_arguments(parsed, calls):
    """A call of a library function (numpy's, a ufunc, a method) with ``out=``: it writes
    its result into the ``out`` array, and every name holding that array sees the new
    values.  s2sad differentiates values, not such writes: refused wherever the call
    stands (a discarded call is refused in ``normalize`` with the same words; an assigned
    one, ``y = np.floor(x, out=o)``, read ``o`` as it was before), by keyword or by
    position (``np.exp(x, o)``).  ``out=None``, a literal, writes nothing: let through
    (``normalize`` drops it, see ``views.without_out_none``).  A helper of the user's
    taking an ``out`` parameter is inlined, its writes followed: not refused.  ``calls``:
    the function's ``Call`` nodes, in ``nodes.walk``'s order."""
    from .normalize.views import is_none, writes_in_place   # (the words of the refusal)
    positions = {}   # a dotted callee's spelling -> where it takes ``out`` (see below)
    for node in calls:
        if any(kw.arg == "out" and not is_none(kw.value) for kw in node.keywords):
            if _users_helper(parsed, node.func):
                continue
            message, hint = writes_in_place(node)
            raise UnsupportedSyntaxError(message, parsed.location(node), hint=hint)
        position = _positional_out(parsed, node, positions) if node.args else None
        if position is not None:
            # worded as the keyword's: the same write (the arguments after out= kept)
            later = [gast.keyword(arg=name, value=value) for name, value in zip(
                _LATER_BY_NAME.get(getattr(node.func, "attr", None), ()),
                node.args[position + 1:])]
            rest = gast.Call(func=node.func, args=node.args[:position], keywords=list(
                node.keywords) + later + [gast.keyword(arg="out", value=node.args[position])])
            message, hint = writes_in_place(rest)
            raise UnsupportedSyntaxError(
                f"{message} (its argument {position + 1} is out, given by position)",
                parsed.location(node), hint=hint)


def _check_in_place_values(parsed, classes):
    """A numpy function writing into its first argument (``np.copyto``, ``np.put``,
    ``np.place``, ``np.putmask``, ``np.fill_diagonal``, ``np.put_along_axis``) or a
    ufunc's ``.at`` (but ``np.add.at``/``np.subtract.at``, which ``normalize`` reads as
    statements and refuses as values) whose result, None, is used (``_ = np.copyto(a,
    b)``, ``[np.put(a, i, v)]``): refused with the words of the discarded call's
    refusal, where the call stands.  What such a call does is its write, whatever its
    result becomes: s2sad follows none of these writes (a call as a statement is
    refused in ``normalize``)."""
    calls = classes.get(gast.Call, ())
    if not calls:
        return
    from .normalize.views import IN_PLACE_FUNCTIONS, writes_in_place   # (the words)
    bare = {id(stmt.value) for stmt in classes.get(gast.Expr, ())}
    for node in calls:
        if id(node) in bare or not isinstance(node.func, (gast.Attribute, gast.Name)):
            continue
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr == "at":
            owner = parsed.resolve_callee(func.value)
            if type(owner).__name__ != "ufunc" or owner.__name__ in ("add", "subtract"):
                continue
            spelled = f"np.{owner.__name__}.at"
        else:
            obj = parsed.resolve_callee(func)
            name = getattr(obj, "__name__", None)
            if name not in IN_PLACE_FUNCTIONS or not (
                    getattr(obj, "__module__", None) or "").startswith("numpy"):
                continue
            spelled = f"np.{name}"
        message, hint = writes_in_place(gast.Call(func=nodes.dotted(spelled), args=node.args,
                                                  keywords=node.keywords))
        raise UnsupportedSyntaxError(
            f"{message} (its result, None, is used here: the write is what the call does, "
            f"wherever its result goes)", parsed.location(node), hint=hint)


#: a ufunc method's parameters after its out (np.add.reduce(x, 0, None, o, True): the
#: refusal's hint gives True by name, keepdims=True)
_LATER_BY_NAME = {"reduce": ("keepdims", "initial", "where")}


def _positional_out(parsed, call, known=None):
    """The position of an array (anything but a literal ``None``) the library call
    ``call`` gives its ``out`` parameter by position (``np.exp(x, o)``,
    ``np.clip(x, 0, 1, o)``, ``x.sum(0, None, o)``), else None.  ``known``: a dict
    keeping, per dotted callee spelling, the positions at which it takes ``out``."""
    from .normalize.views import is_none
    spelled = nodes.dotted_parts(call.func)
    key = spelled and (spelled[0], tuple(spelled[1]))
    found = known.get(key) if known is not None and key else None
    if found is None:
        found = _out_positions(parsed, call.func)
        if known is not None and key:
            # (what a spelling names, and so where it takes ``out``, is the same at
            # every call of one function: read from its closure, globals and modules)
            known[key] = found
    for position in found:
        if position < len(call.args) and not any(
                isinstance(a, gast.Starred) for a in call.args[:position + 1]) \
                and not is_none(call.args[position]):
            return position
    return None


def _out_positions(parsed, func):
    """The positions at which the library callee ``func`` takes its ``out`` array(s) by
    position (``views.out_positions``); none for a helper of the user's."""
    from .normalize.views import out_positions
    target, method = parsed.resolve_callee(func), False
    if target is None and isinstance(func, gast.Attribute):   # np.add.reduce(x, 0, None, o)
        owner = parsed.resolve_callee(func.value)
        if type(getattr(owner, "nin", None)) is int:
            target = getattr(owner, func.attr, None)
    root = func
    while isinstance(root, gast.Attribute):
        root = root.value
    if target is None and isinstance(func, gast.Attribute) and not (
            isinstance(root, gast.Name) and isinstance(parsed.resolve(root.id, None),
                                                       types.ModuleType)):
        if _users_method(parsed, func):
            return ()   # (MODEL.dot(a, b), self.dot(a, b): the user's, not ndarray.dot)
        entry = registry.METHODS.get(func.attr)   # a method of a value: x.sum(...)
        target, method = (entry[0] if entry is not None else None), True
    if target is None or _users_helper(parsed, func):
        return ()
    return tuple(out_positions(target, method))


def _users_method(parsed, func):
    """Whether ``func`` (``G.m``, ``self.m``) is a method of the user's class called
    through a module-level object or through a method's first parameter."""
    from .normalize.bound_methods import method_of_object, self_method_refusal
    bound = {n.id for n in parsed.walked() if n.__class__ is gast.Name
             and n.ctx.__class__ is not gast.Load}
    return method_of_object(func, parsed, bound) is not None \
        or self_method_refusal(parsed, func) is not None


def _users_helper(parsed, func):
    """Whether the callee expression ``func`` names a Python function of the user's (not
    numpy's or another library's)."""
    obj = parsed.resolve_callee(func)
    if not isinstance(obj, types.FunctionType):
        return False
    module = (getattr(obj, "__module__", None) or "").split(".")[0]
    return module not in _LIBRARIES


#: the packages whose functions taking ``out=`` write into it as numpy's do
_LIBRARIES = frozenset({"numpy", "scipy", "dask", "cupy", "numba", "jax", "torch"})


#: the classes of the nodes that may spell a complex value or type
_COMPLEX_SPELLINGS = frozenset((gast.Constant, gast.Name, gast.Attribute, gast.Call))


def _check_complex(parsed, everything, classes):
    """Complex literals and complex types: s2sad has no complex convention (conjugation),
    so a complex intermediate would give a gradient whose sign depends on the spelling
    (``abs(1j * z)`` against ``abs(z)``).  Refused where they are written (the first in
    ``everything``'s order); ``classes``: its nodes by class, which tell first whether
    any node may spell one."""
    if not _may_spell_complex(classes):
        return
    hint = ("s2sad differentiates real-valued code only: carry the real and imaginary "
            "parts as two real values")
    for node in everything:
        if node.__class__ not in _COMPLEX_SPELLINGS:
            continue   # (none of the tests below holds; gast's classes have no subclasses)
        what = None
        if isinstance(node, gast.Constant) and isinstance(node.value, complex):
            what = f"the complex literal {node.value!r}"
        elif isinstance(node, gast.Name) and node.id == "complex" \
                and isinstance(node.ctx, gast.Load) and parsed.resolve("complex", None) is complex:
            what = "the complex type"
        elif isinstance(node, gast.Attribute) and node.attr in _COMPLEX_ATTRIBUTES:
            what = f"the complex type {node.attr}"
        elif isinstance(node, gast.Call):
            spelled = [kw.value for kw in node.keywords if kw.arg == "dtype"]
            if isinstance(node.func, gast.Attribute) and node.func.attr == "astype":
                spelled += node.args[:1]
            for dtype in spelled:
                if isinstance(dtype, gast.Constant) and isinstance(dtype.value, str) and (
                        dtype.value.startswith("complex") or dtype.value in _COMPLEX_STRINGS):
                    what, node = f"the complex dtype {dtype.value!r}", dtype
        if what is not None:
            raise UnsupportedSyntaxError(
                f"{what} cannot be differentiated: s2sad does not differentiate complex values",
                parsed.location(node), hint=hint)


def _may_spell_complex(classes):
    """Whether a node of ``classes`` (``nodes.by_class``) may be one ``_check_complex``
    refuses: a complex literal, a name ``complex``, a complex type's attribute, a call
    with ``dtype=`` or of ``.astype`` (a wider test than the refusal's)."""
    return any(isinstance(n.value, complex) for n in classes.get(gast.Constant, ())) \
        or any(n.id == "complex" for n in classes.get(gast.Name, ())) \
        or any(n.attr in _COMPLEX_ATTRIBUTES for n in classes.get(gast.Attribute, ())) \
        or any(n.keywords and any(kw.arg == "dtype" for kw in n.keywords)
               or n.func.__class__ is gast.Attribute and n.func.attr == "astype"
               for n in classes.get(gast.Call, ()))
